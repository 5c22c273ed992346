import { Database } from '../db/database';

/**
 * Summaries kept for detail rows past their window (migration
 * 011_retention_rollups creates the tables). A batch's rows are summed up
 * before its write lock is taken; inside the lock the sums are added to the
 * rollup table in the same transaction as the delete of those rows, so a
 * crash can neither count a row twice nor lose it.
 */
export const ROLLUP_TABLES = { maintenance_runs: 'maintenance_rollups', plugin_hook_executions: 'hook_execution_rollups' } as const;
export type RolledUpTable = keyof typeof ROLLUP_TABLES;

/** 'YYYY-MM' of a stored timestamp: text as SQLite writes it (or ISO 8601), or epoch seconds. */
const PERIOD = `CASE typeof(started_at) WHEN 'text' THEN substr(started_at, 1, 7) ELSE strftime('%Y-%m', started_at, 'unixepoch') END`;

interface RollupSql {
  /** Sums per group over `id BETWEEN ? AND ? AND <expired>`. */
  sum: (expired: string) => string;
  /** Adds a JSON array of those sums (one parameter) to the rollup table. */
  merge: string;
}

const SQL: Record<RolledUpTable, RollupSql> = {
  maintenance_runs: {
    sum: (expired) => `SELECT ${PERIOD} AS period, tier, COUNT(*) AS runs, SUM(status <> 'success') AS failed, SUM(space_reclaimed_mb) AS space, AVG(speedup) AS speedup
      FROM maintenance_runs NOT INDEXED WHERE id BETWEEN ? AND ? AND ${expired} GROUP BY 1, 2`,
    // avg_speedup is merged as a mean weighted by runs.
    merge: `INSERT INTO maintenance_rollups (period, tier, runs, failed, space_reclaimed_mb, avg_speedup)
      SELECT json_extract(value, '$.period'), json_extract(value, '$.tier'), json_extract(value, '$.runs'), json_extract(value, '$.failed'), json_extract(value, '$.space'), json_extract(value, '$.speedup') FROM json_each(?) WHERE true
      ON CONFLICT(period, tier) DO UPDATE SET
        runs = runs + excluded.runs,
        failed = failed + excluded.failed,
        space_reclaimed_mb = CASE WHEN space_reclaimed_mb IS NULL THEN excluded.space_reclaimed_mb WHEN excluded.space_reclaimed_mb IS NULL THEN space_reclaimed_mb ELSE space_reclaimed_mb + excluded.space_reclaimed_mb END,
        avg_speedup = CASE WHEN avg_speedup IS NULL THEN excluded.avg_speedup WHEN excluded.avg_speedup IS NULL THEN avg_speedup
                           ELSE (avg_speedup * runs + excluded.avg_speedup * excluded.runs) / (runs + excluded.runs) END`,
  },
  plugin_hook_executions: {
    sum: (expired) => `SELECT ${PERIOD} AS period, plugin_id, hook, COUNT(*) AS runs, SUM(status = 'failed') AS failed, SUM(duration_ms) AS total, MAX(duration_ms) AS max
      FROM plugin_hook_executions NOT INDEXED WHERE id BETWEEN ? AND ? AND ${expired} GROUP BY 1, 2, 3`,
    merge: `INSERT INTO hook_execution_rollups (period, plugin_id, hook, runs, failed, total_ms, max_ms)
      SELECT json_extract(value, '$.period'), json_extract(value, '$.plugin_id'), json_extract(value, '$.hook'), json_extract(value, '$.runs'), json_extract(value, '$.failed'), json_extract(value, '$.total'), json_extract(value, '$.max') FROM json_each(?) WHERE true
      ON CONFLICT(period, plugin_id, hook) DO UPDATE SET
        runs = runs + excluded.runs,
        failed = failed + excluded.failed,
        total_ms = CASE WHEN total_ms IS NULL THEN excluded.total_ms WHEN excluded.total_ms IS NULL THEN total_ms ELSE total_ms + excluded.total_ms END,
        max_ms = CASE WHEN max_ms IS NULL OR excluded.max_ms > max_ms THEN excluded.max_ms ELSE max_ms END`,
  },
};

/** A batch's sums, read with the connection's data_version, to tell later whether anyone wrote since. */
export interface RollupSums {
  json: string;
  dataVersion: number;
}

async function dataVersion(db: Database): Promise<number> {
  return (await db.get<{ data_version: number }>('PRAGMA data_version'))?.data_version ?? -1;
}

/** Sums the rows in [lo, hi] that `expired` selects; outside the write lock. */
export async function sumBatch(db: Database, table: RolledUpTable, lo: number, hi: number, expired: string, params: ReadonlyArray<string | number>): Promise<RollupSums> {
  const version = await dataVersion(db);
  const rows = await db.all(SQL[table].sum(expired), [lo, hi, ...params]);
  return { json: JSON.stringify(rows), dataVersion: version };
}

/**
 * Inside the batch's transaction: adds the sums to the rollup table. If
 * another connection committed since they were read (data_version moved), a
 * row in the range may have changed, so they are read again under the lock.
 */
export async function mergeBatch(db: Database, table: RolledUpTable, sums: RollupSums, lo: number, hi: number, expired: string, params: ReadonlyArray<string | number>): Promise<void> {
  const json = (await dataVersion(db)) === sums.dataVersion ? sums.json : JSON.stringify(await db.all(SQL[table].sum(expired), [lo, hi, ...params]));
  await db.run(SQL[table].merge, [json]);
}
