import { Database, quoteIdent } from '../db/database';
import { CortexError } from '../db/errors';

/**
 * A table's structure as SQLite itself reports it. Two tables are "the same"
 * when these agree, whatever whitespace, comments or quoting their CREATE
 * statements used. This is the same comparison the seed's checker makes.
 */
export interface ColumnShape {
  name: string;
  type: string;
  notnull: number;
  dflt: string | null;
  pk: number;
}
export interface IndexShape {
  /** Index name, or `<u>`/`<pk>` for the ones SQLite makes for constraints. */
  name: string;
  unique: number;
  keys: Array<[string, number]>;
}
export interface TableShape {
  columns: ColumnShape[];
  foreignKeys: Array<[string, string, string, string]>;
  indexes: IndexShape[];
}

export async function tableExists(db: Database, name: string): Promise<boolean> {
  const row = await db.get(`SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?`, [name]);
  return row !== undefined;
}

export async function columnNames(db: Database, table: string): Promise<string[]> {
  const rows = await db.all<{ name: string }>(`PRAGMA table_xinfo(${quoteIdent(table)})`);
  return rows.map((r) => r.name);
}

export async function describeIndex(db: Database, name: string, origin: string, unique: number): Promise<IndexShape> {
  const keys = await db.all<{ name: string; desc: number; key: number }>(`PRAGMA index_xinfo(${quoteIdent(name)})`);
  return {
    name: origin === 'c' ? name : `<${origin}>`,
    unique,
    keys: keys.filter((k) => k.key).map((k) => [k.name, k.desc] as [string, number]),
  };
}

export async function describeTable(db: Database, table: string): Promise<TableShape> {
  const q = quoteIdent(table);
  const cols = await db.all<{ name: string; type: string | null; notnull: number; dflt_value: string | null; pk: number }>(
    `PRAGMA table_xinfo(${q})`,
  );
  const fks = await db.all<{ table: string; from: string; to: string; on_delete: string }>(`PRAGMA foreign_key_list(${q})`);
  const idx = await db.all<{ name: string; unique: number; origin: string }>(`PRAGMA index_list(${q})`);
  const indexes: IndexShape[] = [];
  for (const i of idx) indexes.push(await describeIndex(db, i.name, i.origin, i.unique));
  indexes.sort((a, b) => a.name.localeCompare(b.name) || JSON.stringify(a.keys).localeCompare(JSON.stringify(b.keys)));
  return {
    columns: cols.map((c) => ({ name: c.name, type: (c.type ?? '').toUpperCase(), notnull: c.notnull, dflt: c.dflt_value, pk: c.pk })),
    foreignKeys: fks.map((f) => [f.table, f.from, f.to, f.on_delete] as [string, string, string, string]).sort(),
    indexes,
  };
}

/** Human-readable differences between an existing table and the expected one; empty when equal. */
export function diffTables(table: string, have: TableShape, want: TableShape): string[] {
  const out: string[] = [];
  const fmtCol = (c: ColumnShape) => `${c.name} ${c.type}${c.notnull ? ' NOT NULL' : ''}${c.dflt !== null ? ` DEFAULT ${c.dflt}` : ''}${c.pk ? ' PK' : ''}`;
  const haveCols = new Map(have.columns.map((c) => [c.name, c]));
  const wantCols = new Map(want.columns.map((c) => [c.name, c]));
  for (const [name, w] of wantCols) {
    const h = haveCols.get(name);
    if (!h) out.push(`${table}: column ${name} is missing`);
    else if (fmtCol(h) !== fmtCol(w)) out.push(`${table}: column is "${fmtCol(h)}", the seed says "${fmtCol(w)}"`);
  }
  for (const name of haveCols.keys()) if (!wantCols.has(name)) out.push(`${table}: has extra column ${name}`);
  if (have.columns.map((c) => c.name).join() !== want.columns.map((c) => c.name).join() && out.length === 0) {
    out.push(`${table}: columns are in a different order`);
  }
  if (JSON.stringify(have.foreignKeys) !== JSON.stringify(want.foreignKeys)) {
    out.push(`${table}: foreign keys ${JSON.stringify(have.foreignKeys)} differ from the seed's ${JSON.stringify(want.foreignKeys)}`);
  }
  // Constraint indexes (UNIQUE, PRIMARY KEY) are part of the table definition;
  // named indexes are compared one by one by the caller, which may create missing ones.
  const constraintIdx = (s: TableShape) => JSON.stringify(s.indexes.filter((i) => i.name.startsWith('<')));
  if (constraintIdx(have) !== constraintIdx(want)) out.push(`${table}: UNIQUE/PRIMARY KEY constraints differ from the seed`);
  return out;
}

export function sameIndex(a: IndexShape, b: IndexShape): boolean {
  return a.unique === b.unique && JSON.stringify(a.keys) === JSON.stringify(b.keys);
}

/**
 * Refuses to work on a brain that lacks the 2.0 tables an engine needs,
 * naming what is missing and what to run. One query, whatever the count.
 */
export async function requireTables(db: Database, tables: readonly string[], what: string): Promise<void> {
  const rows = await db.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${tables.map(() => '?').join(', ')})`, [...tables]);
  const missing = tables.filter((t) => !rows.some((r) => r.name === t));
  if (missing.length > 0) {
    throw new CortexError(
      'BAD_INPUT',
      `The brain ${db.path} has no ${what} yet (${missing.join(', ')} missing): it is not migrated to CORTEX 2.0.`,
      'Run `cortex migrate` (or "CORTEX: Migrate Now") first.',
    );
  }
}
