import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Database, withDatabase } from '../../src/core/db/database';

/** The repository root, whether running from out/test/... or test/... */
export const REPO_ROOT = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
})();
export const SHARED = path.resolve(REPO_ROOT, '..', 'shared');
export const LEGACY_SHAPES = path.join(REPO_ROOT, 'samples', 'legacy-shapes');

const made: string[] = [];
export function tempDir(prefix = 'cortex-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
export function cleanupTempDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** A workspace with a 1.0 brain at the default place, built from one of samples/legacy-shapes/*.sql. */
export async function legacyWorkspace(shape: string): Promise<{ workspace: string; dbPath: string }> {
  const workspace = tempDir();
  const dbPath = path.join(workspace, 'cortex-brain', 'tier1', 'conversations.db');
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  await withDatabase(dbPath, { create: true }, (db) => db.exec(fs.readFileSync(path.join(LEGACY_SHAPES, `${shape}.sql`), 'utf8')));
  return { workspace, dbPath };
}

export function sha256File(p: string): string {
  return createHash('sha256').update(fs.readFileSync(p)).digest('hex');
}

/** Runs the seed's own checker; returns its last line and whether it passed. */
export function checkSchema(dbPath: string): { ok: boolean; output: string } {
  const r = spawnSync('python3', [path.join(SHARED, 'tools', 'check-schema.py'), dbPath], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

export async function query<T = Record<string, unknown>>(dbPath: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return withDatabase(dbPath, { readonly: true }, (db: Database) => db.all<T>(sql, params as never));
}

export async function integrityOk(dbPath: string): Promise<boolean> {
  const rows = await query<{ integrity_check: string }>(dbPath, 'PRAGMA integrity_check');
  return rows.length === 1 && rows[0].integrity_check === 'ok';
}

/** All rows of a table as JSON, ordered by rowid, restricted to the given columns. */
export async function snapshotRows(dbPath: string, table: string, columns: string[]): Promise<string> {
  const rows = await query(dbPath, `SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}" ORDER BY rowid`);
  return JSON.stringify(rows);
}

export async function columnsOf(dbPath: string, table: string): Promise<string[]> {
  return (await query<{ name: string }>(dbPath, `PRAGMA table_info("${table}")`)).map((r) => r.name);
}
