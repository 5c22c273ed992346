import { Database, quoteIdent } from '../../db/database';
import { fragmentation, ftsTables, isFtsShadow } from '../../maintenance/measure';
import { CONVERSATIONS_ACTIVE_INDEX, SEED_TABLES } from '../../schema/seedDdl';
import { categoryScore } from '../scoring';
import { CategoryResult, CheckContext, issue, Issue } from '../types';

/** Design facts §3/§4: fragmentation thresholds (issue above 0.20, high above 0.30). */
const FRAGMENTATION_MEDIUM = 0.2;
const FRAGMENTATION_HIGH = 0.3;
/** Statistics are stale when a table's row count moved more than this since ANALYZE (design facts §4). */
const STALE_CHANGE = 0.1;
/** Below this many rows the planner's choices do not depend on statistics. */
const STATS_MIN_ROWS = 1000;
/** An integrity failure is the worst database finding; it alone takes the category to fair at best. */
const INTEGRITY_DEDUCTION = 0.5;

/** Every index the seed defines, with the statement that creates it, for tables that exist. */
async function missingSeedIndexes(db: Database): Promise<Array<{ table: string; index: string; sql: string }>> {
  const tables = new Set((await db.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`)).map((r) => r.name));
  const indexes = new Set((await db.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'index'`)).map((r) => r.name));
  const wanted: Array<{ table: string; index: string; sql: string }> = [];
  for (const seed of Object.values(SEED_TABLES)) {
    if (!tables.has(seed.name)) continue;
    for (const sql of seed.ddl.split(';').map((s) => s.trim()).filter((s) => s.startsWith('CREATE INDEX'))) {
      wanted.push({ table: seed.name, index: /CREATE INDEX (\w+)/.exec(sql)![1], sql });
    }
  }
  if (tables.has('conversations')) wanted.push({ table: 'conversations', index: 'idx_conversations_active', sql: CONVERSATIONS_ACTIVE_INDEX });
  return wanted.filter((w) => !indexes.has(w.index));
}

interface StaleTable {
  table: string;
  rows: number;
  /** Rows sqlite_stat1 recorded; null when the table was never analyzed. */
  analyzedRows: number | null;
}

/** Indexed tables of 1000+ rows that were never analyzed or whose row count moved more than 10% since. */
async function staleStatistics(db: Database): Promise<{ stale: StaleTable[]; checked: number }> {
  const fts = await ftsTables(db);
  const tables = await db.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'`);
  const hasStat1 = (await db.get(`SELECT 1 AS x FROM sqlite_master WHERE name = 'sqlite_stat1'`)) !== undefined;
  const analyzed = new Map<string, number>();
  if (hasStat1) {
    for (const r of await db.all<{ tbl: string; stat: string }>('SELECT tbl, stat FROM sqlite_stat1')) analyzed.set(r.tbl, Number.parseInt(r.stat, 10));
  }
  const stale: StaleTable[] = [];
  let checked = 0;
  for (const { name } of tables) {
    if (isFtsShadow(name, fts)) continue;
    const indexed = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM pragma_index_list(?)', [name]))?.n ?? 0;
    if (indexed === 0) continue;
    const rows = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quoteIdent(name)}`))?.n ?? 0;
    if (rows < STATS_MIN_ROWS) continue;
    checked++;
    const was = analyzed.get(name);
    if (was === undefined || Number.isNaN(was)) stale.push({ table: name, rows, analyzedRows: null });
    else if (Math.abs(rows - was) > STALE_CHANGE * Math.max(was, 1)) stale.push({ table: name, rows, analyzedRows: was });
  }
  return { stale, checked };
}

interface BtreeUse {
  name: string;
  bytes: number;
  payload: number;
  unused: number;
}

/** Page use per table and index from dbstat; undefined when this SQLite has no dbstat. */
async function btreeUse(db: Database): Promise<BtreeUse[] | undefined> {
  try {
    return await db.all<BtreeUse>('SELECT name, pgsize AS bytes, payload, unused FROM dbstat WHERE aggregate = TRUE');
  } catch (err) {
    if (/no such table: dbstat/.test(String(err))) return undefined;
    throw err;
  }
}

const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

/**
 * Database category: PRAGMA quick_check, fragmentation (free pages over all
 * pages), missing seed indexes, stale planner statistics and the file's size
 * against the data it holds (dbstat's payload per b-tree, one page at least
 * each: a file more than twice that is mostly empty space).
 */
export async function checkDatabase(ctx: CheckContext): Promise<CategoryResult> {
  const { db } = ctx;
  const issues: Issue[] = [];
  const metrics: Record<string, unknown> = {};

  const check = await db.all<{ quick_check: string }>('PRAGMA quick_check');
  metrics.quickCheck = check.length === 1 && check[0].quick_check === 'ok' ? 'ok' : check.slice(0, 5).map((r) => r.quick_check);
  if (metrics.quickCheck !== 'ok') {
    issues.push(
      issue('database', 'critical', INTEGRITY_DEDUCTION, {
        title: 'Integrity check failed',
        description: `PRAGMA quick_check reports: ${(metrics.quickCheck as string[]).join('; ')}`,
        impact: 'Queries may return wrong results or fail; writes may spread the damage.',
        recommendation: 'Stop writing to the brain and restore a backup (`cortex restore --backup FILE`).',
      }),
    );
    // The other checks read every page and would stop at the damage; this finding is the one that matters.
    return { score: categoryScore(issues), measured: true, issues, metrics };
  }

  const pageSize = (await db.get<{ page_size: number }>('PRAGMA page_size'))?.page_size ?? 4096;
  const pageCount = (await db.get<{ page_count: number }>('PRAGMA page_count'))?.page_count ?? 0;
  const frag = await fragmentation(db);
  const use = await btreeUse(db);
  metrics.fragmentation = Math.round(frag * 10000) / 10000;
  metrics.sizeBytes = pageCount * pageSize;
  const emptiest = (use ?? [])
    .filter((u) => u.unused > 16 * pageSize)
    .sort((a, b) => b.unused - a.unused)
    .slice(0, 3)
    .map((u) => `${u.name} (${mb(u.unused)} unused in its pages)`);
  if (frag > FRAGMENTATION_MEDIUM) {
    const high = frag > FRAGMENTATION_HIGH;
    issues.push(
      issue('database', high ? 'high' : 'medium', high ? 0.15 : 0.05, {
        title: high ? 'High database fragmentation' : 'Database fragmentation',
        description: `${pct(frag)} of the file's pages are free (${mb(frag * pageCount * pageSize)} of ${mb(pageCount * pageSize)})${emptiest.length ? `; most space inside pages is unused in ${emptiest.join(', ')}` : ''}.`,
        impact: 'Reads touch more pages than the data needs; the file is larger than it has to be.',
        recommendation: 'VACUUM the brain (auto-fix, or `cortex maintain --tier tier3`).',
        fix: { kind: 'vacuum' },
      }),
    );
  }

  if (use) {
    const payload = use.reduce((n, u) => n + u.payload, 0);
    // Each b-tree needs at least one page, and page 1 holds the header.
    const expected = pageSize + use.reduce((n, u) => n + Math.max(pageSize, u.payload), 0);
    metrics.payloadBytes = payload;
    metrics.expectedBytes = expected;
    if (pageCount * pageSize > 2 * expected) {
      issues.push(
        issue('database', 'medium', 0.05, {
          title: 'Brain much larger than its data',
          description: `The file is ${mb(pageCount * pageSize)} for ${mb(payload)} of stored data (${((pageCount * pageSize) / expected).toFixed(1)}× the ${mb(expected)} it needs).`,
          impact: 'Backups, copies and full scans (integrity checks, maintenance) take longer than the data warrants.',
          recommendation: 'VACUUM reclaims free pages (`cortex maintain --tier tier3`); if the data itself is large, run `cortex retention`.',
        }),
      );
    }
  } else {
    metrics.payloadBytes = null;
    ctx.warnings.push('This SQLite build has no dbstat table: the size check was skipped.');
  }

  for (const m of await missingSeedIndexes(db)) {
    issues.push(
      issue('database', 'high', 0.1, {
        title: `Missing index ${m.index}`,
        description: `The 2.0 schema defines ${m.index} on ${m.table}; the brain does not have it.`,
        impact: `Queries on ${m.table} that it serves scan the whole table.`,
        recommendation: `Recreate it from the schema (auto-fix): ${m.sql}`,
        fix: { kind: 'create_index', index: m.index, sql: m.sql },
      }),
    );
  }

  const { stale, checked } = await staleStatistics(db);
  metrics.tablesWithStatistics = checked;
  metrics.staleTables = stale.map((s) => s.table);
  if (stale.length) {
    issues.push(
      issue('database', 'medium', 0.05, {
        title: 'Stale query statistics',
        description: stale
          .map((s) => (s.analyzedRows === null ? `${s.table}: ${s.rows} rows, never analyzed` : `${s.table}: ${s.rows} rows, ${s.analyzedRows} when last analyzed`))
          .join('; '),
        impact: 'The query planner may choose slow plans for these tables.',
        recommendation: 'ANALYZE the brain (auto-fix, or `cortex maintain --tier tier1`).',
        fix: { kind: 'analyze' },
      }),
    );
  }
  return { score: categoryScore(issues), measured: true, issues, metrics };
}
