import { runMaintenance } from '../core/maintenance/maintenance';
import { assertTier } from '../core/maintenance/plan';
import { RETENTION_TABLES, RetentionOverrides, RetentionTable } from '../core/retention/policies';
import { runRetention } from '../core/retention/retention';
import { runSelfReview } from '../core/review/selfReview';
import { CATEGORIES } from '../core/review/types';
import { CliIo, Command, EXIT, UsageError } from './command';

/** Self-review, maintenance and retention on the command line. Ctrl-C cancels between steps (and interrupts the statement running). */

async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', abort);
  }
}

const pct = (n: number) => `${Math.round(n * 100)}%`;

/** `--keep boundary_events=30,health_reports=90` → per-table overrides. */
function parseKeep(value: unknown): RetentionOverrides {
  if (value === undefined) return {};
  if (typeof value !== 'string' || value === '') throw new UsageError('--keep takes TABLE=N[,TABLE=N…]');
  const out: RetentionOverrides = {};
  for (const part of value.split(',')) {
    const m = /^\s*(\w+)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m) throw new UsageError(`--keep: '${part}' is not TABLE=N`);
    if (!RETENTION_TABLES.includes(m[1] as RetentionTable)) throw new UsageError(`--keep: no retention policy names '${m[1]}' (${RETENTION_TABLES.join(', ')})`);
    out[m[1] as RetentionTable] = Number(m[2]);
  }
  return out;
}

function printLines(io: CliIo, lines: string[]): void {
  for (const l of lines) io.out(l);
}

export const healthCommands: Record<string, Command> = {
  review: {
    summary: 'Score the brain\'s health (database, performance, rules, tests, storage) and save the report',
    usage: 'cortex review [--auto-fix] [--workspace DIR | --db FILE] [--json]',
    options: { 'auto-fix': { type: 'boolean' } },
    async run(v, io, ctx) {
      const r = await withInterrupt((signal) => runSelfReview({ dbPath: ctx.dbPath, workspace: ctx.workspace, autoFix: v['auto-fix'] === true, signal, log: ctx.log, busyTimeoutMs: ctx.busyTimeoutMs }));
      if (ctx.json) {
        io.out(JSON.stringify(r, null, 2));
        return EXIT.ok;
      }
      const lines = [`${r.dbPath}: health ${pct(r.overall)} ${r.status}${r.reportId !== undefined ? ` (report #${r.reportId})` : ' (not saved)'}`];
      for (const c of CATEGORIES) {
        const cat = r.categories[c];
        lines.push(`  ${c.padEnd(16)}${cat.measured ? pct(cat.score).padStart(4) : 'not measured'}${cat.measured ? '' : ` — ${cat.reason}`}`);
      }
      const issues = CATEGORIES.flatMap((c) => r.categories[c].issues).filter((i) => i.severity !== 'info' || i.fix);
      if (issues.length) lines.push('issues:');
      for (const i of issues) {
        lines.push(`  [${i.severity}] ${i.category}: ${i.title} — ${i.description}`);
        lines.push(`      ${i.fixDescription ? `fix: ${i.fixDescription}` : i.fix ? 'fixable: run with --auto-fix' : `recommendation: ${i.recommendation}`}`);
      }
      lines.push(`${r.fixedCount} fixed of ${r.autoFixableCount} fixable`);
      for (const w of r.warnings) lines.push(`warning: ${w}`);
      printLines(io, lines);
      return EXIT.ok;
    },
  },
  maintain: {
    summary: 'ANALYZE/optimize (tier1), + REINDEX and FTS rebuild (tier2), + VACUUM (tier3); recorded in maintenance_runs',
    usage: 'cortex maintain --tier tier1|tier2|tier3 [--dry-run] [--workspace DIR | --db FILE] [--json]',
    options: { tier: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    async run(v, io, ctx) {
      if (typeof v.tier !== 'string') throw new UsageError('maintain needs --tier tier1|tier2|tier3');
      const tier = v.tier;
      try {
        assertTier(tier);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const r = await withInterrupt((signal) => runMaintenance({ dbPath: ctx.dbPath, tier, dryRun: v['dry-run'] === true, signal, log: ctx.log, busyTimeoutMs: ctx.busyTimeoutMs }));
      const ok = r.status === 'success' || r.status === 'planned';
      if (ctx.json) io.out(JSON.stringify(r, null, 2));
      else if (r.dryRun) {
        const lines = [`${r.dbPath}: ${tier} would run (dry run, nothing written):`, ...r.plan.steps.map((s) => `  ${s.op}${s.target ? ` ${s.target}` : ''} — ${s.reason}`)];
        lines.push(`  fragmentation ${pct(r.plan.fragmentation)}, size ${(r.plan.sizeBytes / 1e6).toFixed(1)} MB`);
        if (r.plan.space) lines.push(`  free disk: ${r.plan.space.ok ? 'enough for VACUUM' : r.plan.space.message}; VACUUM takes about ${r.plan.vacuumEstimateSeconds} s`);
        printLines(io, lines);
      } else {
        const b = r.before!;
        const a = r.after;
        printLines(io, [
          `${r.dbPath}: ${tier} ${r.status} (run #${r.runId}) in ${r.timingsMs.total} ms: ${r.operations.join(', ') || 'nothing done'}`,
          `  fragmentation ${pct(b.fragmentation)} → ${a ? pct(a.fragmentation) : '?'}, size ${(b.sizeBytes / 1e6).toFixed(2)} → ${a ? (a.sizeBytes / 1e6).toFixed(2) : '?'} MB`,
          `  Tier 1 query ${b.queryMs ?? '—'} → ${a?.queryMs ?? '—'} ms${r.speedup ? ` (${r.speedup}×)` : ''}`,
        ]);
      }
      if (!ok) io.err(`cortex maintain: ${r.status}: ${r.error}`);
      return ok ? EXIT.ok : EXIT.failed;
    },
  },
  retention: {
    summary: 'Apply the retention policies (archive, export, roll up, delete in short batches); --dry-run lists what would go and why',
    usage: 'cortex retention [--dry-run] [--keep TABLE=N[,TABLE=N…]] [--workspace DIR | --db FILE] [--json]',
    options: { 'dry-run': { type: 'boolean' }, keep: { type: 'string' } },
    async run(v, io, ctx) {
      const overrides = parseKeep(v.keep);
      const r = await withInterrupt((signal) => runRetention({ dbPath: ctx.dbPath, dryRun: v['dry-run'] === true, overrides, signal, log: ctx.log, busyTimeoutMs: ctx.busyTimeoutMs }));
      const failed = r.policies.filter((p) => p.error);
      if (ctx.json) io.out(JSON.stringify(r, null, 2));
      else {
        const lines = [r.dryRun ? `${r.dbPath}: retention dry run (nothing written):` : `${r.dbPath}: retention removed ${r.totalDeleted} rows in ${r.batches} batches (longest lock ${r.longestLockMs} ms)`];
        for (const p of r.policies) {
          if (p.skipped) lines.push(`  ${p.table}: skipped — ${p.skipped}`);
          else if (p.expired === 0) continue;
          else if (r.dryRun) lines.push(`  ${p.table}: ${p.expired} rows would go — ${p.rule}${p.wouldCopy ? ` (${p.wouldCopy} copied out first)` : ''}; e.g. ids ${p.sampleIds?.join(', ')}`);
          else lines.push(`  ${p.table}: ${p.deleted} removed${p.archived ? `, ${p.archived} archived to Tier 3` : ''}${p.exported ? `, ${p.exported} exported to ${p.file}` : ''}${p.error ? ` — stopped: ${p.error}` : ''}`);
        }
        if (lines.length === 1) lines.push('  nothing is past its policy');
        printLines(io, lines);
      }
      for (const p of failed) io.err(`cortex retention: ${p.table}: ${p.error}`);
      return failed.length ? EXIT.failed : EXIT.ok;
    },
  },
};
