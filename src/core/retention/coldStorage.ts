import * as fs from 'node:fs';
import * as path from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { brainRootFor } from '../brain/locate';
import { Database, quoteIdent } from '../db/database';
import { CortexError } from '../db/errors';
import { stamp } from '../schema/backups';

/** Design facts §5/§12: `cortex-brain/cold_storage/`. */
export function coldStorageDir(dbPath: string): string {
  return path.join(brainRootFor(dbPath), 'cold_storage');
}

export interface ColdExport {
  file: string;
  rows: number;
  /** The highest id exported: rows above it were not exported and must not be deleted as exported. */
  maxId: number;
  bytes: number;
}

const PAGE = 5000;

/** What the export wrote, recomputed when it is read back: the count and a sum over the ids. */
interface Tally {
  rows: number;
  idSum: bigint;
  maxId: number;
}

function fsync(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

async function readBack(file: string): Promise<Tally> {
  const tally: Tally = { rows: 0, idSum: 0n, maxId: Number.MIN_SAFE_INTEGER };
  const count = (line: string) => {
    if (!line) return;
    const id = (JSON.parse(line) as { id: number }).id;
    tally.rows++;
    tally.idSum += BigInt(id);
    tally.maxId = Math.max(tally.maxId, id);
  };
  const text = fs.createReadStream(file).pipe(zlib.createGunzip()).setEncoding('utf8');
  let rest = '';
  for await (const chunk of text as AsyncIterable<string>) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    lines.forEach(count);
  }
  count(rest);
  return tally;
}

/**
 * Exports the rows of `table` matching `where` as gzip-compressed JSON lines
 * to `cold_storage/<name>-<UTC stamp>.jsonl.gz`. The file is written under a
 * `.partial` name, fsynced and renamed, then read back: its row count and id
 * sum must equal what was written, or nothing counts as exported. Reads run
 * in pages outside any write lock. Returns undefined when no row matches.
 */
export async function exportToColdStorage(db: Database, table: string, where: string, params: ReadonlyArray<string | number>, name: string, now: Date): Promise<ColdExport | undefined> {
  const dir = coldStorageDir(db.path);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${stamp(now)}.jsonl.gz`);
  const partial = `${file}.partial`;
  const gzip = zlib.createGzip();
  const out = fs.createWriteStream(partial);
  gzip.pipe(out);
  const written: Tally = { rows: 0, idSum: 0n, maxId: Number.MIN_SAFE_INTEGER };
  // SQLite writes each row's JSON itself (half the cost of building objects in JavaScript); the
  // exported tables hold no BLOBs, but one stored anyway is written as hex rather than failing.
  const columns = (await db.all<{ name: string }>(`SELECT name FROM pragma_table_info(?)`, [table])).map((c) => c.name);
  const json = `json_object(${columns.map((c) => `'${c.replace(/'/g, "''")}', iif(typeof(${quoteIdent(c)}) = 'blob', hex(${quoteIdent(c)}), ${quoteIdent(c)})`).join(', ')})`;
  try {
    let afterId = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const rows = await db.all<{ id: number; j: string }>(`SELECT id, ${json} AS j FROM ${quoteIdent(table)} NOT INDEXED WHERE id > ? AND (${where}) ORDER BY id LIMIT ${PAGE}`, [afterId, ...params]);
      if (rows.length && !gzip.write(`${rows.map((r) => r.j).join('\n')}\n`)) await once(gzip, 'drain');
      for (const r of rows) {
        written.rows++;
        written.idSum += BigInt(r.id);
        written.maxId = Math.max(written.maxId, r.id);
      }
      if (rows.length < PAGE) break;
      afterId = rows[rows.length - 1].id;
    }
    gzip.end();
    await finished(out);
  } catch (err) {
    gzip.destroy();
    out.destroy();
    fs.rmSync(partial, { force: true });
    throw err;
  }
  if (written.rows === 0) {
    fs.rmSync(partial, { force: true });
    return undefined;
  }
  fsync(partial);
  fs.renameSync(partial, file);
  try {
    fsync(dir); // makes the rename durable; Windows cannot open a folder for this and needs no such step
  } catch {
    // see above
  }
  const back = await readBack(file);
  if (back.rows !== written.rows || back.idSum !== written.idSum || back.maxId !== written.maxId) {
    throw new CortexError('BACKUP_FAILED', `The cold-storage export ${file} reads back ${back.rows} rows, ${written.rows} were written; nothing was deleted from ${table}.`);
  }
  return { file, rows: written.rows, maxId: written.maxId, bytes: fs.statSync(file).size };
}
