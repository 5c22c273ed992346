import { Database } from '../db/database';
import { CortexError } from '../db/errors';

export const DEFAULT_BATCH_SIZE = 2000;
/** Each batch aims to hold the write lock about this long: half the 100 ms any one hold may take, leaving room for a slow fsync. */
export const DEFAULT_LOCK_BUDGET_MS = 50;
const MIN_BATCH = 50;
const MAX_BATCH = 50_000;

export interface BatchOptions {
  /** Rows in the first batch; later ones are resized so each holds the lock about `lockBudgetMs`. */
  batchSize?: number;
  lockBudgetMs?: number;
  signal?: AbortSignal;
  /** Awaited after each committed batch (progress; tests pause here). */
  onBatch?: (info: { table: string; deleted: number; lockMs: number }) => void | Promise<void>;
}

export interface BatchStats {
  batches: number;
  longestLockMs: number;
}

/** One batch, chosen outside the lock. */
export interface Batch<R> {
  count: number;
  /** The highest id in the batch: the next one starts after it. */
  lastId: number;
  /** What `apply` needs: an id range, or the rows themselves. */
  rows: R;
}

export interface BatchWork<R> {
  table: string;
  /** The next rows to remove, in id order after `afterId`; read outside any write lock. Undefined when none is left. */
  select(afterId: number, limit: number): Promise<Batch<R> | undefined>;
  /** Outside the lock, before the batch's transaction (e.g. copy the rows elsewhere and read them back). */
  prepare?(rows: R): Promise<void>;
  /** Inside the batch's BEGIN IMMEDIATE transaction: removes the rows (and records them); returns how many went. */
  apply(db: Database, rows: R): Promise<number>;
}

/**
 * Removes rows in short BEGIN IMMEDIATE transactions. The next batch is
 * chosen before the lock is taken, so the lock covers only the delete and its
 * bookkeeping; between batches the event loop gets a turn and other
 * connections a chance at the lock. The batch size adapts to hold the lock
 * about `lockBudgetMs`: tables whose rows cascade or touch scattered index
 * pages get smaller batches, cheap ones larger (fewer commits).
 */
export async function runBatches<R>(db: Database, work: BatchWork<R>, options: BatchOptions, stats: BatchStats): Promise<number> {
  const budget = options.lockBudgetMs ?? DEFAULT_LOCK_BUDGET_MS;
  let size = Math.max(MIN_BATCH, Math.min(MAX_BATCH, options.batchSize ?? DEFAULT_BATCH_SIZE));
  let afterId = Number.MIN_SAFE_INTEGER;
  let total = 0;
  for (;;) {
    if (options.signal?.aborted) throw new CortexError('CANCELLED', `Retention cancelled while purging ${work.table}.`);
    const batch = await work.select(afterId, size);
    if (!batch) return total;
    await work.prepare?.(batch.rows);
    let start = 0n;
    const deleted = await db.transaction(async () => {
      start = process.hrtime.bigint();
      return work.apply(db, batch.rows);
    });
    const lockMs = Number(process.hrtime.bigint() - start) / 1e6;
    stats.batches++;
    stats.longestLockMs = Math.max(stats.longestLockMs, lockMs);
    total += deleted;
    afterId = batch.lastId;
    const scale = Math.min(2, Math.max(0.5, budget / Math.max(lockMs, 0.1)));
    size = Math.max(MIN_BATCH, Math.min(MAX_BATCH, Math.round(batch.count * scale)));
    await options.onBatch?.({ table: work.table, deleted, lockMs });
    await new Promise((resolve) => setImmediate(resolve));
  }
}
