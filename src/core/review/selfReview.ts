import { brainRootFor } from '../brain/locate';
import { Database, DEFAULT_BUSY_TIMEOUT_MS } from '../db/database';
import { CortexError } from '../db/errors';
import { elapsedMs, Logger, silentLogger } from '../log';
import { sqliteTimestamp } from '../maintenance/measure';
import { tableExists } from '../schema/structure';
import { checkDatabase } from './checks/database';
import { checkPerformance } from './checks/performance';
import { checkRuleCompliance } from './checks/ruleCompliance';
import { checkStorage } from './checks/storage';
import { checkTests } from './checks/tests';
import { applyFixes } from './fixes';
import { saveReport } from './persist';
import { band, overallScore } from './scoring';
import { Band, Category, CategoryResult, CATEGORIES, CheckContext, issue } from './types';

export interface SelfReviewOptions {
  dbPath: string;
  /** The workspace folder (test results, Tier-0 files, cortex.config.json). */
  workspace: string;
  /** Apply the fixes of fixable issues (each after a backup). */
  autoFix?: boolean;
  now?: Date;
  /** Checked between checks and fixes; aborting also interrupts the statement running. Nothing is saved then. */
  signal?: AbortSignal;
  log?: Logger;
  busyTimeoutMs?: number;
  /** The extension is activating: a VACUUM fix is skipped (recorded as such). */
  duringActivation?: boolean;
  /**
   * Memory-map the brain for the full scans (quick_check, dbstat, counts, rule
   * scans) on this connection only: they run about twice as fast. An I/O error while reading
   * a mapped file is a signal rather than an error code, so turn this off for
   * brains on network drives. Default true.
   */
  mmap?: boolean;
}

export interface SelfReviewResult {
  dbPath: string;
  /** health_reports.id; absent when the report was not saved (the brain failed its integrity check). */
  reportId?: number;
  createdAt: string;
  /** Every category with `measured`: an unmeasured one has no weight in `overall` and is not a perfect score. */
  categories: Record<Category, CategoryResult>;
  /** Weighted mean over the measured categories (weights renormalised). */
  overall: number;
  status: Band;
  autoFixableCount: number;
  fixedCount: number;
  /** Snapshots taken before fixes. */
  backups: string[];
  /** Inputs skipped (malformed or unreadable files) and other notes. */
  warnings: string[];
  timingsMs: Record<string, number>;
}

const CHECKS: ReadonlyArray<[Category, (ctx: CheckContext) => Promise<CategoryResult>]> = [
  // Timings first, while no full scan competes with them.
  ['performance', checkPerformance],
  ['database', checkDatabase],
  ['rule_compliance', checkRuleCompliance],
  ['tests', checkTests],
  ['storage', checkStorage],
];

const LABEL: Record<Category, string> = { database: 'Database', performance: 'Performance', rule_compliance: 'Rule compliance', tests: 'Tests', storage: 'Storage' };
/** SQLite's own ceiling for mmap_size in this build (SQLITE_MAX_MMAP_SIZE). */
const MMAP_BYTES = 0x7fff0000;

function cancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CortexError('CANCELLED', 'Self-review cancelled; nothing was saved.');
}

/**
 * The self-review of design facts §3: five categories, each measured on this
 * brain and workspace, scored 1 − deductions; the overall score is their
 * weighted mean over the measured ones, and its band the status. Fixable
 * issues are fixed when asked (each after a backup; a failing fix does not
 * stop the others). The report and its issues are saved in one transaction.
 * Scores describe the brain as found; fixes show in fix_applied / fixed_count
 * and in the next review.
 */
export async function runSelfReview(options: SelfReviewOptions): Promise<SelfReviewResult> {
  const now = options.now ?? new Date();
  const log = options.log ?? silentLogger;
  const t0 = process.hrtime.bigint();
  const timingsMs: Record<string, number> = {};
  const db = await Database.open(options.dbPath, { busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  const onAbort = () => db.interrupt();
  options.signal?.addEventListener('abort', onAbort);
  try {
    if (!(await tableExists(db, 'health_reports'))) {
      throw new CortexError('BAD_INPUT', `The brain ${options.dbPath} has no health_reports table yet.`, 'Migrate it first (`cortex migrate`).');
    }
    const ctx: CheckContext = { db, dbPath: options.dbPath, workspace: options.workspace, brainRoot: brainRootFor(options.dbPath), now, warnings: [], log };
    const categories = {} as Record<Category, CategoryResult>;
    let mapped = false;
    try {
      for (const [category, check] of CHECKS) {
        cancelled(options.signal);
        // The timings run on plain reads, as other connections do; the full scans after them on the mapped file.
        if (category !== 'performance' && options.mmap !== false && !mapped) {
          await db.exec(`PRAGMA mmap_size = ${MMAP_BYTES}`);
          mapped = true;
        }
        const t = process.hrtime.bigint();
        categories[category] = await check(ctx);
        timingsMs[category] = elapsedMs(t);
      }
    } finally {
      if (mapped) await db.exec('PRAGMA mmap_size = 0').catch(() => undefined);
    }
    for (const c of CATEGORIES) {
      const r = categories[c];
      if (r.measured) continue;
      r.issues.push(
        issue(c, 'info', 0, {
          title: `${LABEL[c]} not measured`,
          description: `Not measured: ${r.reason}. It has no weight in the overall score.`,
          impact: 'The overall score covers the other categories only.',
          recommendation: c === 'tests' ? 'Write JUnit XML results and a coverage report where the review can find them (e.g. test-results/junit.xml, coverage/coverage-summary.json).' : 'Nothing to do.',
        }),
      );
    }
    const issues = CATEGORIES.flatMap((c) => categories[c].issues);
    const intact = categories.database.metrics.quickCheck === 'ok';
    const backups: string[] = [];
    if (options.autoFix) {
      if (intact) {
        const t = process.hrtime.bigint();
        await applyFixes(issues, { db, now, duringActivation: options.duringActivation === true, signal: options.signal, backups });
        timingsMs.fixes = elapsedMs(t);
      } else {
        ctx.warnings.push('No fix was attempted: the brain fails its integrity check.');
      }
    }
    cancelled(options.signal);
    const overall = overallScore(categories);
    const result: SelfReviewResult = {
      dbPath: options.dbPath,
      createdAt: sqliteTimestamp(now),
      categories,
      overall,
      status: band(overall),
      autoFixableCount: issues.filter((i) => i.fix).length,
      fixedCount: issues.filter((i) => i.fixApplied).length,
      backups,
      warnings: ctx.warnings,
      timingsMs,
    };
    if (intact) {
      result.reportId = await saveReport(db, result, issues);
    } else {
      ctx.warnings.push('The report was not saved: the brain fails its integrity check, and nothing is written to a damaged brain.');
    }
    log.info(`Self-review of ${options.dbPath}: ${Math.round(overall * 100)}% ${result.status}, ${issues.length} issues, ${result.fixedCount} fixed.`);
    return result;
  } finally {
    timingsMs.total = elapsedMs(t0);
    options.signal?.removeEventListener('abort', onAbort);
    await db.close().catch(() => undefined);
  }
}

/** The baseline report written after a migration: a real review, without fixes. */
export function writeBaselineReview(options: Omit<SelfReviewOptions, 'autoFix'>): Promise<SelfReviewResult> {
  return runSelfReview({ ...options, autoFix: false });
}
