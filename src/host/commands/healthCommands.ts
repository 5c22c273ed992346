import * as vscode from 'vscode';
import { CortexError } from '../../core/db/errors';
import { finishExecution, startExecution } from '../../core/plugins/executions';
import type { MaintenanceResult } from '../../core/maintenance/maintenance';
import { MAINTENANCE_TIERS, MaintenanceTier } from '../../core/maintenance/plan';
import type { RetentionResult } from '../../core/retention/retention';
import type { SelfReviewResult } from '../../core/review/selfReview';
import { BrainSession } from '../brainSession';
import { provideBuiltins } from '../builtins';
import { CortexHost } from '../cortexHost';
import { DashboardPanel } from '../dashboard/dashboardPanel';
import { Commands } from '../ids';
import { commandGuard, writableSession } from './guard';
import { readSettings } from '../settings';

// The engines load on first use, keeping activation cheap.
const review = () => import('../../core/review/selfReview');
const maintenance = () => import('../../core/maintenance/maintenance');
const retention = () => import('../../core/retention/retention');

const TIER_INFO: Record<MaintenanceTier, string> = {
  tier1: 'ANALYZE (bounded) and PRAGMA optimize — seconds, safe any time',
  tier2: 'tier1 + REINDEX and FTS rebuild',
  tier3: 'tier2 + VACUUM — rewrites the file; needs free disk and exclusive use',
};

/** Runs an engine call as its built-in plugin's hook, so the Plugins view shows the run. */
async function asHookRun<T>(session: BrainSession, pluginId: string, hook: string, context: Record<string, unknown>, work: () => Promise<T>, summary: (r: T) => unknown): Promise<T> {
  const execId = await session.withWriter((db) => startExecution(db, pluginId, hook, context)).catch(() => undefined);
  const t = performance.now();
  try {
    const result = await work();
    if (execId !== undefined) await session.withWriter((db) => finishExecution(db, execId, { status: 'success', durationMs: performance.now() - t, result: summary(result) })).catch(() => undefined);
    return result;
  } catch (err) {
    if (execId !== undefined) {
      const message = err instanceof CortexError ? err.oneLine : String((err as Error)?.message ?? err);
      await session.withWriter((db) => finishExecution(db, execId, { status: 'failed', durationMs: performance.now() - t, error: message })).catch(() => undefined);
    }
    throw err;
  }
}

export function reviewSummary(r: SelfReviewResult): Record<string, unknown> {
  return {
    report_id: r.reportId,
    overall: Math.round(r.overall * 1000) / 1000,
    status: r.status,
    fixed: r.fixedCount,
    auto_fixable: r.autoFixableCount,
    unmeasured: Object.entries(r.categories).filter(([, c]) => !c.measured).map(([k]) => k),
  };
}

/** A self-review of one brain (auto-fix per setting unless given). */
export function selfReview(host: CortexHost, session: BrainSession, options: { autoFix?: boolean; duringActivation?: boolean; signal?: AbortSignal } = {}): Promise<SelfReviewResult> {
  const autoFix = options.autoFix ?? vscode.workspace.getConfiguration('cortex', session.folder).get<boolean>('review.autoFix', true);
  return asHookRun(session, 'self_review_plugin', 'on_self_review', { auto_fix: autoFix, source: 'vscode' }, async () => {
    const { runSelfReview } = await review();
    const result = await runSelfReview({
      dbPath: session.location.dbPath,
      workspace: session.folder.uri.fsPath,
      autoFix,
      signal: options.signal,
      log: host.log,
      busyTimeoutMs: readSettings(session.folder).busyTimeoutMs,
      duringActivation: options.duringActivation,
      // No memory map in the extension host: mapped pages of a large brain would show as the host's memory.
      mmap: false,
    });
    host.log.info(`Self-review of ${session.folder.name}: ${Math.round(result.overall * 100)}% ${result.status}, ${result.fixedCount}/${result.autoFixableCount} fixed${result.warnings.length ? `; ${result.warnings.join('; ')}` : ''}`);
    await session.refresh(); // status bar, views and dashboard read the new report
    return result;
  }, reviewSummary);
}

export function registerHealthCommands(host: CortexHost, extensionUri: vscode.Uri): vscode.Disposable[] {
  const guard = commandGuard(host);
  const writable = () => writableSession(host, 'change its brain');
  const cancellable = <T>(title: string, work: (signal: AbortSignal, progress: vscode.Progress<{ message?: string }>) => Promise<T>) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      try {
        return await work(ac.signal, progress);
      } finally {
        sub.dispose();
      }
    });

  // The built-in plugins' engines, for hooks run through the plugin runner (5 s limit each).
  provideBuiltins((session) => ({
    self_review_plugin: async (context, signal) => {
      const autoFix = (context as { auto_fix?: unknown })?.auto_fix === true;
      const { runSelfReview } = await review();
      const r = await runSelfReview({ dbPath: session.location.dbPath, workspace: session.folder.uri.fsPath, autoFix, signal, log: host.log, mmap: false });
      await session.refresh();
      return { success: true, ...reviewSummary(r) };
    },
    db_maintenance_plugin: async (context, signal) => {
      const tier = (context as { tier?: MaintenanceTier })?.tier;
      const { runMaintenance } = await maintenance();
      const r = await runMaintenance({ dbPath: session.location.dbPath, tier: tier && MAINTENANCE_TIERS.includes(tier) ? tier : 'tier1', signal, log: host.log, duringActivation: true });
      return { success: r.status === 'success', status: r.status, operations: r.operations, speedup: r.speedup ?? null };
    },
  }));

  // The baseline report the migration calls for: a real review, without fixes, in the background.
  const baseline = host.onDidMigrate((session) => {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'CORTEX: baseline self-review' }, () =>
      selfReview(host, session, { autoFix: false, duringActivation: true }).catch((err: unknown) => host.log.warn(`Baseline self-review failed: ${String((err as Error)?.message ?? err)}`)),
    );
  });

  return [
    baseline,
    vscode.commands.registerCommand(Commands.runSelfReview, guard(async (autoFixArg?: boolean) => {
      const session = await writable();
      if (!session) return undefined;
      const result = await cancellable(`CORTEX: reviewing ${session.folder.name}'s brain`, (signal) => selfReview(host, session, { autoFix: typeof autoFixArg === 'boolean' ? autoFixArg : undefined, signal }));
      const unmeasured = Object.entries(result.categories).filter(([, c]) => !c.measured).map(([k]) => k.replace('_', ' '));
      void vscode.window
        .showInformationMessage(`CORTEX health ${Math.round(result.overall * 100)}% ${result.status}${result.fixedCount ? ` · ${result.fixedCount} fixed` : ''}${unmeasured.length ? ` · not measured: ${unmeasured.join(', ')}` : ''}`, 'Open Dashboard')
        .then((c) => c && vscode.commands.executeCommand(Commands.showDashboard));
      return result;
    })),

    vscode.commands.registerCommand(Commands.runMaintenance, guard(async (tierArg?: MaintenanceTier, confirmed?: boolean) => {
      const session = await writable();
      if (!session) return undefined;
      let tier = tierArg && MAINTENANCE_TIERS.includes(tierArg) ? tierArg : undefined;
      if (!tier) {
        const pick = await vscode.window.showQuickPick(MAINTENANCE_TIERS.map((t) => ({ label: t, detail: TIER_INFO[t] })), { placeHolder: 'Which maintenance tier?' });
        tier = pick?.label as MaintenanceTier | undefined;
      }
      if (!tier) return undefined;
      const { runMaintenance } = await maintenance();
      const plan = await runMaintenance({ dbPath: session.location.dbPath, tier, dryRun: true, log: host.log });
      const steps = plan.plan.steps.map((s) => `• ${s.op}${s.target ? ` ${s.target}` : ''}${s.reason ? ` — ${s.reason}` : ''}`);
      if (confirmed !== true) {
        const ok = await vscode.window.showWarningMessage(`Run ${tier} maintenance on ${session.folder.name}'s brain?`, { modal: true, detail: `${steps.join('\n') || 'Nothing to do.'}\n\nA backup is taken before destructive steps and restored on failure.` }, 'Run');
        if (ok !== 'Run') return undefined;
      }
      const result: MaintenanceResult = await cancellable(`CORTEX: ${tier} maintenance`, (signal, progress) =>
        asHookRun(session, 'db_maintenance_plugin', 'on_db_maintenance', { tier, source: 'vscode' }, () =>
          runMaintenance({
            dbPath: session.location.dbPath,
            tier: tier!,
            signal,
            log: host.log,
            busyTimeoutMs: readSettings(session.folder).busyTimeoutMs,
            onStep: (e) => {
              if (e.kind === 'step-start') progress.report({ message: `${e.op}${e.target ? ` ${e.target}` : ''}` });
            },
          }), (r) => ({ status: r.status, operations: r.operations, speedup: r.speedup ?? null, reclaimed_bytes: r.spaceReclaimedBytes ?? 0 })),
      );
      await session.refresh();
      const reclaimed = result.spaceReclaimedBytes ? ` · ${(result.spaceReclaimedBytes / 1e6).toFixed(2)} MB reclaimed` : '';
      const speed = result.speedup ? ` · query ${result.speedup.toFixed(2)}× faster` : '';
      void (result.status === 'success' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage)(`CORTEX ${tier} maintenance: ${result.status}${reclaimed}${speed}${result.error ? ` — ${result.error}` : ''}`);
      return result;
    })),

    vscode.commands.registerCommand(Commands.applyRetention, guard(async (confirmed?: boolean) => {
      const session = await writable();
      if (!session) return undefined;
      const { planRetention, runRetention } = await retention();
      const plan: RetentionResult = await planRetention({ dbPath: session.location.dbPath, log: host.log });
      const going = plan.policies.filter((p) => p.expired > 0);
      if (!going.length) {
        void vscode.window.showInformationMessage('CORTEX: nothing is past its retention policy.');
        return plan;
      }
      if (confirmed !== true) {
        const detail = going.map((p) => `• ${p.table}: ${p.expired} row(s) — ${p.rule}`).join('\n');
        const ok = await vscode.window.showWarningMessage(`Apply retention policies to ${session.folder.name}'s brain?`, { modal: true, detail: `${detail}\n\nDenied boundary events are exported to cold storage first; long-lived sessions' actions are copied to Tier 3.` }, 'Apply');
        if (ok !== 'Apply') return undefined;
      }
      const result = await cancellable('CORTEX: applying retention policies', (signal) =>
        runRetention({ dbPath: session.location.dbPath, signal, log: host.log, busyTimeoutMs: readSettings(session.folder).busyTimeoutMs }),
      );
      await session.refresh();
      void vscode.window.showInformationMessage(`CORTEX retention: ${result.totalDeleted} row(s) removed in ${result.batches} batch(es); longest lock ${Math.round(result.longestLockMs)} ms.`);
      return result;
    })),

    vscode.commands.registerCommand(Commands.showDashboard, guard(async () => {
      const session = await host.pickSession((s) => s.readable);
      if (!session) {
        void vscode.window.showInformationMessage('CORTEX: no migrated brain to show.');
        return undefined;
      }
      return DashboardPanel.show(extensionUri, session);
    })),
  ];
}
