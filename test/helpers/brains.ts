import * as fs from 'node:fs';
import * as path from 'node:path';
import { withDatabase } from '../../src/core/db/database';
import { sqliteTimestamp } from '../../src/core/maintenance/measure';
import { initBrain } from '../../src/core/schema/migrator';
import { tempDir } from './fixtures';

/** A workspace with a freshly migrated 2.0 brain at the default place. */
export async function migratedWorkspace(): Promise<{ workspace: string; dbPath: string; brainRoot: string }> {
  const workspace = tempDir();
  const dbPath = path.join(workspace, 'cortex-brain', 'tier1', 'conversations.db');
  await initBrain({ dbPath });
  return { workspace, dbPath, brainRoot: path.dirname(path.dirname(dbPath)) };
}

export function exec(dbPath: string, sql: string): Promise<void> {
  return withDatabase(dbPath, {}, (db) => db.exec(sql));
}

export function run(dbPath: string, sql: string, params: Array<string | number | null> = []): Promise<void> {
  return withDatabase(dbPath, {}, async (db) => {
    await db.run(sql, params);
  });
}

/** `days` days before `now`, as SQLite's CURRENT_TIMESTAMP text. */
export function daysAgo(now: Date, days: number): string {
  return sqliteTimestamp(new Date(now.getTime() - days * 86400_000));
}

/** A recursive CTE yielding i = 1..n, for bulk inserts. */
export function series(n: number): string {
  return `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n})`;
}

/** Files with their modification time set `days` ago. */
export function writeAged(file: string, content: string, days: number, now = new Date()): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  const t = new Date(now.getTime() - days * 86400_000);
  fs.utimesSync(file, t, t);
}

/**
 * Every row of every table and full-text table, as one JSON string: equal
 * strings mean no row changed. `exclude` names tables the operation under
 * test writes on purpose; SQLite's own bookkeeping (sqlite_*) and the
 * full-text indexes' shadow tables (rebuilt, not changed) are left out.
 */
export async function contentOf(dbPath: string, exclude: string[] = []): Promise<string> {
  return withDatabase(dbPath, { readonly: true }, async (db) => {
    const tables = await db.all<{ name: string; sql: string }>(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`);
    const fts = tables.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name);
    const out: Record<string, unknown> = {};
    for (const { name } of tables) {
      if (exclude.includes(name) || fts.some((f) => name.startsWith(`${f}_`))) continue;
      out[name] = await db.all(`SELECT rowid AS _rowid, * FROM "${name}" ORDER BY rowid`);
    }
    return JSON.stringify(out);
  });
}
