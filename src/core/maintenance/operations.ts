import { Database, quoteIdent } from '../db/database';

/**
 * Rows ANALYZE samples per index (PRAGMA analysis_limit). It bounds the cost
 * on a large brain to milliseconds per index instead of a read of every index.
 */
export const ANALYSIS_LIMIT = 1000;

/**
 * ANALYZE with an explicit analysis_limit, then the exact row counts.
 *
 * With a limit SQLite estimates each table's row count from the b-tree's
 * shape, which is often off by several times. That count is what the planner
 * weighs most and what the self-review judges staleness by, so it is replaced
 * by COUNT(*) (one read of the table's smallest index) in the same
 * transaction. Writing sqlite_stat1 is supported; `ANALYZE sqlite_schema`
 * makes this connection's planner reload it.
 */
export async function analyze(db: Database, table?: string): Promise<void> {
  await db.exec(`PRAGMA analysis_limit = ${ANALYSIS_LIMIT}`);
  await db.transaction(async () => {
    await db.exec(table ? `ANALYZE ${quoteIdent(table)}` : 'ANALYZE');
    const tables = await db.all<{ tbl: string }>(`SELECT DISTINCT tbl FROM sqlite_stat1${table ? ' WHERE tbl = ?' : ''}`, table ? [table] : []);
    for (const { tbl } of tables) {
      const n = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quoteIdent(tbl)}`))?.n ?? 0;
      await db.run(
        `UPDATE sqlite_stat1 SET stat = ? || CASE WHEN instr(stat, ' ') > 0 THEN substr(stat, instr(stat, ' ')) ELSE '' END WHERE tbl = ?`,
        [n, tbl],
      );
    }
  });
  await db.exec('ANALYZE sqlite_schema');
}

/** Lets SQLite refresh whatever statistics its own heuristics consider worth it (cheap; bounded by analysis_limit). */
export async function optimize(db: Database): Promise<void> {
  await db.exec(`PRAGMA analysis_limit = ${ANALYSIS_LIMIT}`);
  await db.exec('PRAGMA optimize');
}

/** Rebuilds one index (or table's indexes) from the table's rows, or every index when no name is given. */
export function reindex(db: Database, name?: string): Promise<void> {
  return db.exec(name ? `REINDEX ${quoteIdent(name)}` : 'REINDEX');
}

/** Design facts §4: `INSERT INTO t(t) VALUES('rebuild')` rebuilds a full-text index from its content. */
export function rebuildFts(db: Database, table: string): Promise<void> {
  const q = quoteIdent(table);
  return db.exec(`INSERT INTO ${q}(${q}) VALUES('rebuild')`);
}

/** Rewrites the file without free pages. Atomic: a failure or a crash leaves the brain as it was. */
export function vacuum(db: Database): Promise<void> {
  return db.exec('VACUUM');
}
