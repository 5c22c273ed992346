import * as fs from 'node:fs';
import { Database } from '../../db/database';
import type { DatabaseFinding } from '../types';
import type { DetectContext, DetectFile } from './context';

const HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** Only the 16-byte header is read: a `.db` file that is not SQLite (Thumbs.db, Berkeley DB …) is no finding. */
async function isSqliteFile(abs: string): Promise<boolean> {
  const fh = await fs.promises.open(abs, 'r');
  try {
    const buf = Buffer.alloc(16);
    const { bytesRead } = await fh.read(buf, 0, 16, 0);
    return bytesRead === 16 && buf.equals(HEADER);
  } finally {
    await fh.close();
  }
}

/**
 * Opens a SQLite file read-only (never created, never written) and counts its
 * tables; `sqlite_*` internals are not counted.
 */
export async function inspectSqlite(abs: string): Promise<{ schemas: string[]; table_count: number }> {
  const db = await Database.open(abs, { readonly: true, busyTimeoutMs: 1000 });
  try {
    const schemas = (await db.all<{ name: string }>('PRAGMA database_list')).map((r) => r.name);
    const row = await db.get<{ n: number }>(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`);
    return { schemas, table_count: row?.n ?? 0 };
  } finally {
    await db.close().catch(() => undefined);
  }
}

/** A SQLite database file in the workspace: its relative path is its name and its connection string. */
export async function detectSqliteFile(file: DetectFile, ctx: DetectContext): Promise<DatabaseFinding[]> {
  if (!(await isSqliteFile(file.abs))) return [];
  const verified = await ctx.inspectSqlite(file.abs);
  return [
    {
      kind: 'databases',
      database_type: 'sqlite',
      connection_string: file.rel,
      host: null,
      port: null,
      database_name: file.rel,
      verified,
      synthesized: false,
      source: { file: file.rel, line: 1 },
      extra: { origin: 'sqlite-file' },
    },
  ];
}
