import * as fs from 'node:fs';
import { Database } from '../db/database';
import { columnNames, tableExists } from '../schema/structure';

/** Sizes are measured in bytes and stored in MB (10⁶ bytes), as the rest of CORTEX for VS Code reports them. */
export const BYTES_PER_MB = 1e6;

/** 'YYYY-MM-DD HH:MM:SS' in UTC: the format of SQLite's CURRENT_TIMESTAMP, so stored times compare as text. */
export function sqliteTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Design facts §4: free pages over all pages (0 when the file has no pages). */
export async function fragmentation(db: Database): Promise<number> {
  const pages = (await db.get<{ page_count: number }>('PRAGMA page_count'))?.page_count ?? 0;
  const free = (await db.get<{ freelist_count: number }>('PRAGMA freelist_count'))?.freelist_count ?? 0;
  return pages > 0 ? free / pages : 0;
}

/** The database file plus its write-ahead log, when there is one. */
export function brainBytes(dbPath: string): number {
  const size = (p: string) => {
    try {
      return fs.statSync(p).size;
    } catch {
      return 0;
    }
  };
  return size(dbPath) + size(`${dbPath}-wal`);
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function timeQuery(db: Database, sql: string, params: readonly (string | number)[], runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await db.all(sql, params);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return Math.round(median(times) * 100) / 100;
}

/** Tier 1's hot query: the 20 most recently updated active conversations (served by idx_conversations_active). */
export const RECENT_CONVERSATIONS_SQL = 'SELECT * FROM conversations WHERE archived = 0 ORDER BY last_updated DESC LIMIT 20';

/**
 * Median time of the Tier 1 query over `runs` runs, or undefined when the
 * brain has no conversations to query (no table, no 2.0 columns, or no rows).
 */
export async function timeRecentConversations(db: Database, runs = 5): Promise<number | undefined> {
  if (!(await tableExists(db, 'conversations'))) return undefined;
  const cols = new Set(await columnNames(db, 'conversations'));
  if (!cols.has('archived') || !cols.has('last_updated')) return undefined;
  if (!(await db.get('SELECT 1 AS x FROM conversations LIMIT 1'))) return undefined;
  return timeQuery(db, RECENT_CONVERSATIONS_SQL, [], runs);
}

export interface FtsTable {
  name: string;
  module: string;
  /** content='' tables keep no text, so 'rebuild' cannot rebuild them. */
  contentless: boolean;
}

/** Full-text tables (FTS3/4/5), as their CREATE VIRTUAL TABLE statements declare them. */
export async function ftsTables(db: Database): Promise<FtsTable[]> {
  const rows = await db.all<{ name: string; sql: string }>(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name`);
  const out: FtsTable[] = [];
  for (const r of rows) {
    const m = /\bUSING\s+(fts[345])\b/i.exec(r.sql);
    if (m) out.push({ name: r.name, module: m[1].toLowerCase(), contentless: /\bcontent\s*=\s*(''|"")/i.test(r.sql) });
  }
  return out;
}

/** The shadow tables an FTS table keeps its index in (`<name>_data`, `<name>_content`, …). */
export function isFtsShadow(table: string, fts: readonly FtsTable[]): boolean {
  return fts.some((f) => table.startsWith(`${f.name}_`));
}

/**
 * A word taken from the table's own text, so the timed search finds real
 * matches; undefined when the table is empty or holds no word of 4+ letters.
 */
export async function ftsProbeTerm(db: Database, fts: FtsTable): Promise<string | undefined> {
  const row = await db.get<Record<string, unknown>>(`SELECT * FROM "${fts.name.replace(/"/g, '""')}" LIMIT 1 OFFSET 0`);
  if (!row) return undefined;
  for (const v of Object.values(row)) {
    const word = typeof v === 'string' ? /\p{L}{4,}/u.exec(v)?.[0] : undefined;
    if (word) return word;
  }
  return undefined;
}

/** Median time of a MATCH for `term` on the table, limited to one page of results. */
export function timeFtsSearch(db: Database, fts: FtsTable, term: string, runs = 5): Promise<number> {
  const q = `"${fts.name.replace(/"/g, '""')}"`;
  return timeQuery(db, `SELECT rowid FROM ${q} WHERE ${q} MATCH ? LIMIT 20`, [`"${term.replace(/"/g, '""')}"`], runs);
}
