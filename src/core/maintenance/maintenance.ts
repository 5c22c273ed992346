import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database, DEFAULT_BUSY_TIMEOUT_MS } from '../db/database';
import { CortexError, isCortexError } from '../db/errors';
import { elapsedMs, Logger, silentLogger } from '../log';
import { replacedDir, stamp } from '../schema/backups';
import { tableExists } from '../schema/structure';
import { brainBytes, BYTES_PER_MB, fragmentation, sqliteTimestamp, timeRecentConversations } from './measure';
import { analyze, optimize, rebuildFts, reindex, vacuum } from './operations';
import { assertTier, buildSteps, MaintenanceOp, MaintenancePlan, MaintenanceStep, MaintenanceTier, planMaintenance } from './plan';
import { checkVacuumSpace, restoreSnapshot, snapshotDir, takeSnapshot } from './snapshot';

export type MaintenanceStatus = 'success' | 'failed' | 'rolled_back';

export interface MaintenanceMeasure {
  fragmentation: number;
  sizeBytes: number;
  /** The Tier 1 query's median time; null when the brain has no conversations to time. */
  queryMs: number | null;
}

export interface MaintenanceEvent {
  kind: 'measured' | 'recorded' | 'backed-up' | 'step-start' | 'step-done' | 'restored';
  op?: MaintenanceOp;
  target?: string;
  detail?: string;
}

export interface MaintenanceOptions {
  dbPath: string;
  tier: MaintenanceTier;
  /** Only plan: opens read-only and writes nothing. */
  dryRun?: boolean;
  /** Checked between steps; aborting also interrupts the statement running (SQLite rolls it back). */
  signal?: AbortSignal;
  /** Awaited before and after every step; a throw fails the run at that point. */
  onStep?: (event: MaintenanceEvent) => void | Promise<void>;
  busyTimeoutMs?: number;
  /** The extension is activating: VACUUM (tier3) is refused then, it can hold the brain for minutes. */
  duringActivation?: boolean;
  now?: () => Date;
  log?: Logger;
}

export interface MaintenanceResult {
  dbPath: string;
  tier: MaintenanceTier;
  dryRun: boolean;
  /** maintenance_runs.id; absent for a dry run. */
  runId?: number;
  /** 'planned' for a dry run. */
  status: MaintenanceStatus | 'planned';
  plan: MaintenancePlan;
  /** Operations that completed, in order. */
  operations: MaintenanceOp[];
  before?: MaintenanceMeasure;
  after?: MaintenanceMeasure;
  spaceReclaimedBytes?: number;
  /** query time before / after; null when there is no query to time. */
  speedup?: number | null;
  /** The pre-maintenance snapshot, kept when the run did not succeed (removed after a success). */
  backupPath?: string;
  error?: string;
  timingsMs: Record<string, number>;
}

/** A run still 'running' after this long was interrupted (the process died); it is marked failed. */
const STALE_RUN_HOURS = 24;

async function measure(db: Database): Promise<MaintenanceMeasure> {
  return { fragmentation: await fragmentation(db), sizeBytes: brainBytes(db.path), queryMs: (await timeRecentConversations(db)) ?? null };
}

function runStep(db: Database, step: MaintenanceStep): Promise<void> {
  switch (step.op) {
    case 'reindex':
      return reindex(db);
    case 'rebuild_fts':
      return rebuildFts(db, step.target!);
    case 'vacuum':
      return vacuum(db);
    case 'analyze':
      return analyze(db);
    case 'optimize':
      return optimize(db);
  }
}

async function quickCheckOk(db: Database): Promise<boolean> {
  try {
    const rows = await db.all<{ quick_check: string }>('PRAGMA quick_check');
    return rows.length === 1 && rows[0].quick_check === 'ok';
  } catch {
    return false;
  }
}

const mb = (bytes: number) => Math.round((bytes / BYTES_PER_MB) * 1000) / 1000;

/**
 * Runs one maintenance tier and records it as one maintenance_runs row
 * (running → success | failed | rolled_back).
 *
 * tier1: ANALYZE (bounded by analysis_limit) + PRAGMA optimize; tier2 adds
 * REINDEX and FTS rebuilds; tier3 adds VACUUM, after checking the disk has
 * room for it. A snapshot is taken before the first destructive step. Every
 * step is one atomic SQLite statement, so a step that fails has already been
 * rolled back by SQLite and the brain is intact: the run is 'failed' and the
 * snapshot kept. Only when the brain fails quick_check after the failure is
 * the snapshot put back ('rolled_back') — restoring an intact brain would
 * also discard what other processes wrote since the snapshot.
 */
export async function runMaintenance(options: MaintenanceOptions): Promise<MaintenanceResult> {
  assertTier(options.tier);
  const { dbPath, tier } = options;
  if (options.dryRun) {
    const plan = await planMaintenance(dbPath, tier, options.busyTimeoutMs);
    return { dbPath, tier, dryRun: true, status: 'planned', plan, operations: [], timingsMs: {} };
  }
  if (options.duringActivation && tier === 'tier3') {
    throw new CortexError('BAD_INPUT', 'VACUUM (tier3 maintenance) never runs while the extension activates.', 'Run it from the command palette or `cortex maintain --tier tier3`.');
  }
  if (options.signal?.aborted) throw new CortexError('CANCELLED', 'Maintenance cancelled before it started.');
  const log = options.log ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const event = async (e: MaintenanceEvent) => options.onStep?.(e);
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const t0 = process.hrtime.bigint();
  const timingsMs: Record<string, number> = {};

  const db = await Database.open(dbPath, { busyTimeoutMs });
  const onAbort = () => db.interrupt();
  options.signal?.addEventListener('abort', onAbort);
  try {
    if (!(await tableExists(db, 'maintenance_runs'))) {
      throw new CortexError('BAD_INPUT', `The brain ${dbPath} has no maintenance_runs table yet.`, 'Migrate it first (`cortex migrate`).');
    }
    const steps = await buildSteps(db, tier);
    const before = await measure(db);
    const plan: MaintenancePlan = { dbPath, tier, steps, fragmentation: before.fragmentation, sizeBytes: before.sizeBytes };
    await event({ kind: 'measured', detail: JSON.stringify(before) });

    const runId = await db.transaction(async () => {
      await db.run(`UPDATE maintenance_runs SET status = 'failed', error_message = 'interrupted: the run ended without recording an outcome', completed_at = ? WHERE status = 'running' AND started_at < ?`, [
        sqliteTimestamp(now()),
        sqliteTimestamp(new Date(now().getTime() - STALE_RUN_HOURS * 3600_000)),
      ]);
      const r = await db.run(
        `INSERT INTO maintenance_runs (started_at, tier, operations, fragmentation_before, size_before_mb, query_time_before_ms, status) VALUES (?, ?, ?, ?, ?, ?, 'running')`,
        [sqliteTimestamp(now()), tier, JSON.stringify(steps.map((s) => s.op)), before.fragmentation, mb(before.sizeBytes), before.queryMs],
      );
      return r.lastID;
    });
    await event({ kind: 'recorded', detail: String(runId) });

    const result: MaintenanceResult = { dbPath, tier, dryRun: false, runId, status: 'success', plan, operations: [], before, timingsMs };
    let backupPath: string | undefined;
    try {
      if (tier === 'tier3') {
        plan.vacuumEstimateSeconds = Math.round((before.sizeBytes / 1e6 / 10) * 10) / 10;
        plan.space = checkVacuumSpace(dbPath, before.sizeBytes, true);
        if (!plan.space.ok) throw new CortexError('DISK_SPACE', plan.space.message!, 'Free some space and run it again; nothing was changed.');
      }
      if (steps.some((s) => s.destructive)) {
        const t = process.hrtime.bigint();
        backupPath = await takeSnapshot(db, snapshotDir(dbPath, 'pre-maintenance'), now());
        timingsMs.backup = elapsedMs(t);
        await event({ kind: 'backed-up', detail: backupPath });
      }
      for (const step of steps) {
        await event({ kind: 'step-start', op: step.op, target: step.target });
        if (options.signal?.aborted) throw new CortexError('CANCELLED', `Maintenance cancelled before ${step.op}.`);
        const t = process.hrtime.bigint();
        await runStep(db, step);
        timingsMs[step.target ? `${step.op}:${step.target}` : step.op] = elapsedMs(t);
        result.operations.push(step.op);
        await event({ kind: 'step-done', op: step.op, target: step.target });
      }
      const after = await measure(db);
      result.after = after;
      result.spaceReclaimedBytes = before.sizeBytes - after.sizeBytes;
      result.speedup = before.queryMs !== null && after.queryMs ? Math.round((before.queryMs / after.queryMs) * 100) / 100 : null;
      await db.run(
        `UPDATE maintenance_runs SET completed_at = ?, fragmentation_after = ?, size_after_mb = ?, space_reclaimed_mb = ?, query_time_after_ms = ?, speedup = ?, status = 'success' WHERE id = ?`,
        [sqliteTimestamp(now()), after.fragmentation, mb(after.sizeBytes), mb(result.spaceReclaimedBytes), after.queryMs, result.speedup, runId],
      );
      if (backupPath) fs.rmSync(backupPath, { force: true });
      log.info(`Maintenance ${tier} of ${dbPath}: ${result.operations.join(', ')}; ${mb(result.spaceReclaimedBytes)} MB reclaimed.`);
    } catch (err) {
      result.status = 'failed';
      result.error = isCortexError(err) ? err.message : String(err);
      result.backupPath = backupPath;
      if (backupPath && !(await quickCheckOk(db))) {
        const damaged = path.join(replacedDir(dbPath), `${path.basename(dbPath, path.extname(dbPath))}-${stamp(now())}-damaged.db`);
        try {
          fs.mkdirSync(path.dirname(damaged), { recursive: true });
          fs.copyFileSync(dbPath, damaged);
          await restoreSnapshot(dbPath, backupPath, busyTimeoutMs);
          result.status = 'rolled_back';
          result.error += ` The brain failed its integrity check afterwards and was restored from ${backupPath}; the damaged file is kept at ${damaged}.`;
          await event({ kind: 'restored', detail: backupPath });
        } catch (restoreErr) {
          result.error += ` The brain failed its integrity check afterwards and could not be restored (${String(restoreErr)}); restore ${backupPath} with \`cortex restore\`.`;
        }
      }
      const after = await measure(db).catch(() => undefined);
      result.after = after;
      await db
        .run(`UPDATE maintenance_runs SET completed_at = ?, fragmentation_after = ?, size_after_mb = ?, status = ?, error_message = ? WHERE id = ?`, [
          sqliteTimestamp(now()),
          after?.fragmentation ?? null,
          after ? mb(after.sizeBytes) : null,
          result.status,
          result.error,
          runId,
        ])
        .catch((e: unknown) => log.warn(`Could not record the outcome of maintenance run ${runId}: ${String(e)}`));
      log.warn(`Maintenance ${tier} of ${dbPath} ${result.status}: ${result.error}`);
    }
    return result;
  } finally {
    timingsMs.total = elapsedMs(t0);
    options.signal?.removeEventListener('abort', onAbort);
    await db.close().catch(() => undefined);
  }
}
