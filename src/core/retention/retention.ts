import { Database, DEFAULT_BUSY_TIMEOUT_MS, quoteIdent, withDatabase } from '../db/database';
import { CortexError, isCortexError } from '../db/errors';
import { elapsedMs, Logger, silentLogger } from '../log';
import { BYTES_PER_MB, sqliteTimestamp } from '../maintenance/measure';
import { columnNames, tableExists } from '../schema/structure';
import { Batch, BatchOptions, BatchStats, runBatches } from './batches';
import { exportToColdStorage } from './coldStorage';
import { resolvePolicies, RetentionAction, RetentionOverrides, RetentionPolicy, RetentionTable } from './policies';
import { mergeBatch, RolledUpTable, RollupSums, ROLLUP_TABLES, sumBatch } from './rollups';
import { archiveActions, ConversationActionRow, openTier3, tier3Path } from './tier3Archive';

export interface RetentionOptions extends BatchOptions {
  dbPath: string;
  /** List what would go and why; opens read-only and writes nothing. */
  dryRun?: boolean;
  /** Days (or snapshots per session) to keep, per table. */
  overrides?: RetentionOverrides;
  busyTimeoutMs?: number;
  now?: () => Date;
  log?: Logger;
}

/** What one policy found and did. */
export interface RetentionTableResult {
  table: RetentionTable;
  action: RetentionAction;
  keep: number;
  unit: 'days' | 'per_session';
  /** Why these rows go, in words. */
  rule: string;
  /** Rows past the policy when the run started. */
  expired: number;
  oldest?: string | number | null;
  newest?: string | number | null;
  /** Dry run: the first ids that would go. */
  sampleIds?: number[];
  /** Dry run: rows that would be copied out first (denied events, long-lived sessions' actions, provenance). */
  wouldCopy?: number;
  deleted: number;
  /** Copied to Tier 3 (conversation_actions of long-lived sessions). */
  archived?: number;
  /** Exported to cold storage, read back and counted. */
  exported?: number;
  file?: string;
  archivalOperationId?: number;
  /** Why the policy did not run (its table or rollup table is missing). */
  skipped?: string;
  error?: string;
}

export interface RetentionResult {
  dbPath: string;
  dryRun: boolean;
  policies: RetentionTableResult[];
  totalDeleted: number;
  /** retention_policy_snapshots.id written by this run. */
  snapshotId?: number;
  batches: number;
  /** The longest any one batch held the brain's write lock. */
  longestLockMs: number;
  timingsMs: Record<string, number>;
}

/** Page cache of the retention connection, in KiB (SQLite's default is 2,000). */
const BATCH_CACHE_KB = 32768;

/** Denied boundary events are the ones exported; others go without a copy. */
const DENIED = 'allowed = 0';

/** Actions of a session that is still alive: its conversation is still in Tier 1, or it has actions inside the window. */
function linkedSql(hasConversationIds: boolean): string {
  const live = `EXISTS (SELECT 1 FROM conversation_actions AS later WHERE later.session_id = conversation_actions.session_id AND later.created_at >= ?)`;
  return hasConversationIds ? `(session_id IN (SELECT conversation_id FROM conversations) OR ${live})` : live;
}

async function hasConversationIds(db: Database): Promise<boolean> {
  return (await tableExists(db, 'conversations')) && (await columnNames(db, 'conversations')).includes('conversation_id');
}

/** Why a policy cannot run on this brain, if it cannot. */
async function unavailable(db: Database, p: RetentionPolicy): Promise<string | undefined> {
  if (!(await tableExists(db, p.table))) return `the brain has no ${p.table} table (migrate it first)`;
  const rollup = (ROLLUP_TABLES as Record<string, string>)[p.table];
  if (rollup && !(await tableExists(db, rollup))) return `the brain has no ${rollup} table to summarise into (migrate it first); nothing was deleted`;
  return undefined;
}

async function survey(db: Database, p: RetentionPolicy, dryRun: boolean): Promise<Pick<RetentionTableResult, 'expired' | 'oldest' | 'newest' | 'sampleIds' | 'wouldCopy'>> {
  const t = quoteIdent(p.table);
  const row = await db.get<{ n: number; oldest: string | number | null; newest: string | number | null }>(
    `SELECT COUNT(*) AS n, MIN(${p.timeColumn}) AS oldest, MAX(${p.timeColumn}) AS newest FROM ${t} WHERE ${p.expired}`,
    [p.param],
  );
  const out: Pick<RetentionTableResult, 'expired' | 'oldest' | 'newest' | 'sampleIds' | 'wouldCopy'> = { expired: row?.n ?? 0, oldest: row?.oldest, newest: row?.newest };
  if (!dryRun || out.expired === 0) return out;
  out.sampleIds = (await db.all<{ id: number }>(`SELECT id FROM ${t} NOT INDEXED WHERE ${p.expired} ORDER BY id LIMIT 10`, [p.param])).map((r) => r.id);
  if (p.table === 'boundary_events') out.wouldCopy = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t} WHERE (${p.expired}) AND ${DENIED}`, [p.param]))?.n ?? 0;
  else if (p.table === 'provenance_links') out.wouldCopy = out.expired;
  else if (p.table === 'conversation_actions') {
    const linked = linkedSql(await hasConversationIds(db));
    out.wouldCopy = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t} WHERE (${p.expired}) AND ${linked}`, [p.param, p.param]))?.n ?? 0;
  }
  return out;
}

const DESTINATION: Record<RetentionAction, string> = { delete: 'purged', rollup: 'rollup', archive_tier3: 'tier3', export_cold: 'cold_storage' };

async function freePages(db: Database): Promise<number> {
  return (await db.get<{ freelist_count: number }>('PRAGMA freelist_count'))?.freelist_count ?? 0;
}

interface Ctx {
  db: Database;
  options: RetentionOptions;
  now: () => Date;
  stats: BatchStats;
  tier3?: Database;
}

interface Range {
  lo: number;
  hi: number;
  /** For rolled-up tables: the range's sums, read outside the lock. */
  sums?: RollupSums;
}

/** A batch that deletes the selected id range, re-checking each row against the policy inside the lock. */
function rangeWork(ctx: Ctx, p: RetentionPolicy, opId: number, extraWhere = '', extraParams: Array<string | number> = []) {
  const t = quoteIdent(p.table);
  const where = `(${p.expired})${extraWhere}`;
  const params = [p.param, ...extraParams];
  const rolled = p.action === 'rollup' ? (p.table as RolledUpTable) : undefined;
  return {
    table: p.table,
    // Only the bounds (and, for rollups, the sums) come back to JavaScript: the delete re-selects the range inside the lock.
    select: async (afterId: number, limit: number): Promise<Batch<Range> | undefined> => {
      const b = await ctx.db.get<{ n: number; lo: number; hi: number }>(
        `SELECT COUNT(*) AS n, MIN(id) AS lo, MAX(id) AS hi FROM (SELECT id FROM ${t} NOT INDEXED WHERE id > ? AND ${where} ORDER BY id LIMIT ?)`,
        [afterId, ...params, limit],
      );
      if (!b?.n) return undefined;
      const sums = rolled ? await sumBatch(ctx.db, rolled, b.lo, b.hi, where, params) : undefined;
      return { count: b.n, lastId: b.hi, rows: { lo: b.lo, hi: b.hi, sums } };
    },
    apply: async (db: Database, { lo, hi, sums }: Range) => {
      if (rolled && sums) await mergeBatch(db, rolled, sums, lo, hi, where, params);
      const r = await db.run(`DELETE FROM ${t} NOT INDEXED WHERE id BETWEEN ? AND ? AND ${where}`, [lo, hi, ...params]);
      await db.run('UPDATE archival_operations SET records_archived = records_archived + ? WHERE id = ?', [r.changes, opId]);
      return r.changes;
    },
  };
}

/** conversation_actions: each batch's rows of long-lived sessions are copied to Tier 3 and read back before the batch is deleted. */
async function actionsWork(ctx: Ctx, p: RetentionPolicy, opId: number, result: RetentionTableResult) {
  const linked = linkedSql(await hasConversationIds(ctx.db));
  ctx.tier3 ??= await openTier3(ctx.options.dbPath, ctx.options.busyTimeoutMs);
  const tier3 = ctx.tier3;
  type Selected = ConversationActionRow & { linked: number };
  return {
    table: p.table,
    select: async (afterId: number, limit: number): Promise<Batch<Selected[]> | undefined> => {
      const rows = await ctx.db.all<Selected>(`SELECT *, ${linked} AS linked FROM conversation_actions NOT INDEXED WHERE id > ? AND (${p.expired}) ORDER BY id LIMIT ?`, [p.param, afterId, p.param, limit]);
      return rows.length ? { count: rows.length, lastId: rows[rows.length - 1].id, rows } : undefined;
    },
    prepare: async (rows: Selected[]) => {
      const keep = rows.filter((r) => r.linked === 1).map(({ linked: _linked, ...r }) => r);
      await archiveActions(tier3, keep, sqliteTimestamp(ctx.now()));
      result.archived = (result.archived ?? 0) + keep.length;
    },
    apply: async (db: Database, rows: Selected[]) => {
      const r = await db.run(`DELETE FROM conversation_actions WHERE id IN (SELECT value FROM json_each(?)) AND (${p.expired})`, [JSON.stringify(rows.map((x) => x.id)), p.param]);
      await db.run('UPDATE archival_operations SET records_archived = records_archived + ? WHERE id = ?', [r.changes, opId]);
      return r.changes;
    },
  };
}

/**
 * One policy: an archival_operations row is opened first (status 'failed',
 * "interrupted", so a crash leaves an honest record), its count grows inside
 * every batch's transaction, and it is closed as 'success' at the end.
 */
async function enforce(ctx: Ctx, p: RetentionPolicy, result: RetentionTableResult): Promise<void> {
  const { db } = ctx;
  const started = sqliteTimestamp(ctx.now());
  const opId = (
    await db.run(
      `INSERT INTO archival_operations (started_at, source_tier, destination_tier, records_archived, oldest_record_at, newest_record_at, compression_enabled, status, error_message)
       VALUES (?, 'tier1', ?, 0, ?, ?, ?, 'failed', 'interrupted before completion')`,
      [started, DESTINATION[p.action], result.oldest ?? null, result.newest ?? null, p.action === 'export_cold' ? 1 : 0],
    )
  ).lastID;
  result.archivalOperationId = opId;
  const pageSize = (await db.get<{ page_size: number }>('PRAGMA page_size'))?.page_size ?? 4096;
  const freeBefore = await freePages(db);
  try {
    if (p.action === 'export_cold') {
      const copyWhere = p.table === 'boundary_events' ? `(${p.expired}) AND ${DENIED}` : p.expired;
      const exp = await exportToColdStorage(db, p.table, copyWhere, [p.param], `${p.table}${p.table === 'boundary_events' ? '-denied' : ''}`, ctx.now());
      result.exported = exp?.rows ?? 0;
      result.file = exp?.file;
      // Only rows the export holds may go: anything written meanwhile has a higher id.
      const maxId = exp?.maxId ?? Number.MIN_SAFE_INTEGER;
      const guard = p.table === 'boundary_events' ? ` AND (allowed <> 0 OR id <= ?)` : ' AND id <= ?';
      result.deleted = await runBatches(db, rangeWork(ctx, p, opId, guard, [maxId]), ctx.options, ctx.stats);
    } else if (p.action === 'archive_tier3') {
      result.deleted = await runBatches(db, await actionsWork(ctx, p, opId, result), ctx.options, ctx.stats);
    } else {
      result.deleted = await runBatches(db, rangeWork(ctx, p, opId), ctx.options, ctx.stats);
    }
    const freed = Math.max(0, (await freePages(db)) - freeBefore) * pageSize;
    await db.run(`UPDATE archival_operations SET completed_at = ?, space_freed_mb = ?, status = 'success', error_message = NULL WHERE id = ?`, [
      sqliteTimestamp(ctx.now()),
      Math.round((freed / BYTES_PER_MB) * 1000) / 1000,
      opId,
    ]);
  } catch (err) {
    result.error = isCortexError(err) ? err.message : String(err);
    await db.run(`UPDATE archival_operations SET completed_at = ?, error_message = ? WHERE id = ?`, [sqliteTimestamp(ctx.now()), result.error, opId]).catch(() => undefined);
    if (isCortexError(err, 'CANCELLED') || isCortexError(err, 'LOCKED')) throw err;
  }
}

function snapshotActions(results: RetentionTableResult[]): object[] {
  return results
    .filter((r) => r.deleted > 0 || r.error || r.skipped)
    .map((r) => ({
      table: r.table,
      action: r.action,
      deleted: r.deleted,
      ...(r.archived !== undefined ? { archived: r.archived } : {}),
      ...(r.exported !== undefined ? { exported: r.exported, file: r.file } : {}),
      ...(r.archivalOperationId !== undefined ? { archivalOperationId: r.archivalOperationId } : {}),
      ...(r.skipped ? { skipped: r.skipped } : {}),
      ...(r.error ? { error: r.error } : {}),
    }));
}

/** What a retention run would remove, per policy, and why. Opens read-only; writes nothing. */
export function planRetention(options: Omit<RetentionOptions, 'dryRun'>): Promise<RetentionResult> {
  return runRetention({ ...options, dryRun: true });
}

/**
 * Enforces every retention policy (see policies.ts) in short batches, and
 * records the run: one retention_policy_snapshots row (tier1, the policies,
 * the violations found, the actions taken) and one archival_operations row per
 * policy that removed rows. Exports and Tier 3 copies are read back and
 * counted before the rows they hold are deleted.
 */
export async function runRetention(options: RetentionOptions): Promise<RetentionResult> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? silentLogger;
  const t0 = process.hrtime.bigint();
  const policies = resolvePolicies(now(), options.overrides);
  const dryRun = options.dryRun === true;
  const result: RetentionResult = { dbPath: options.dbPath, dryRun, policies: [], totalDeleted: 0, batches: 0, longestLockMs: 0, timingsMs: {} };
  return withDatabase(options.dbPath, { readonly: dryRun, busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS }, async (db) => {
    const ctx: Ctx = { db, options, now, stats: { batches: 0, longestLockMs: 0 } };
    const onAbort = () => db.interrupt();
    options.signal?.addEventListener('abort', onAbort);
    try {
      for (const p of policies) {
        const entry: RetentionTableResult = { table: p.table, action: p.action, keep: p.keep, unit: p.unit, rule: p.rule, expired: 0, deleted: 0 };
        result.policies.push(entry);
        entry.skipped = await unavailable(db, p);
        if (!entry.skipped) Object.assign(entry, await survey(db, p, dryRun));
      }
      result.timingsMs.survey = elapsedMs(t0);
      if (dryRun) return result;
      if (!(await tableExists(db, 'archival_operations')) || !(await tableExists(db, 'retention_policy_snapshots'))) {
        throw new CortexError('BAD_INPUT', `The brain ${options.dbPath} has no 2.0 retention tables yet.`, 'Migrate it first (`cortex migrate`).');
      }
      // Room for a whole batch's changed pages: a cache that fills up mid-transaction spills to the file, which costs an extra journal sync inside the lock.
      await db.exec(`PRAGMA cache_size = -${BATCH_CACHE_KB}`);
      try {
        for (const [i, p] of policies.entries()) {
          const entry = result.policies[i];
          if (entry.skipped || entry.expired === 0) continue;
          const t = process.hrtime.bigint();
          await enforce(ctx, p, entry);
          result.timingsMs[p.table] = elapsedMs(t);
          result.totalDeleted += entry.deleted;
          log.info(`Retention ${p.table}: ${entry.deleted} rows removed${entry.error ? ` (stopped: ${entry.error})` : ''}.`);
        }
      } finally {
        // The snapshot records what was done even when the run stopped early.
        const age = result.policies.filter((r) => r.unit === 'days').reduce((n, r) => n + r.expired, 0);
        const count = result.policies.filter((r) => r.unit === 'per_session').reduce((n, r) => n + r.expired, 0);
        const policyJson = JSON.stringify({
          scope: 'tier1',
          tier3: tier3Path(options.dbPath),
          policies: policies.map((p) => ({ table: p.table, keep: p.keep, unit: p.unit, action: p.action, rule: p.rule })),
        });
        const snap = await db
          .run(`INSERT INTO retention_policy_snapshots (created_at, tier, policy_json, violations_count, age_violations, count_violations, actions_taken) VALUES (?, 'tier1', ?, ?, ?, ?, ?)`, [
            sqliteTimestamp(now()),
            policyJson,
            age + count,
            age,
            count,
            JSON.stringify(snapshotActions(result.policies)),
          ])
          .catch((e: unknown) => {
            log.warn(`Could not record the retention snapshot: ${String(e)}`);
            return undefined;
          });
        result.snapshotId = snap?.lastID;
        result.batches = ctx.stats.batches;
        result.longestLockMs = Math.round(ctx.stats.longestLockMs * 10) / 10;
        await ctx.tier3?.close().catch(() => undefined);
      }
      return result;
    } finally {
      result.timingsMs.total = elapsedMs(t0);
      options.signal?.removeEventListener('abort', onAbort);
    }
  });
}
