import * as vscode from 'vscode';
import { lastRuns } from '../core/dashboard/data';
import { BrainSession } from './brainSession';
import { CortexHost } from './cortexHost';
import { Commands } from './ids';

const DAY_MS = 86_400_000;
const INTERVALS: Record<string, number> = { daily: DAY_MS, weekly: 7 * DAY_MS };
/** First check well after startup, so scheduled work never competes with activation. */
const FIRST_CHECK_MS = 120_000;
const CHECK_EVERY_MS = 3_600_000;

type Job = { setting: string; last: 'review' | 'maintenance' | 'retention' | 'reverify'; run: (session: BrainSession) => Thenable<unknown> };

/**
 * Schedules: self-review, maintenance and retention (off by default) and the
 * re-verification of stale discoveries (daily by default) run when their last
 * run is older than the chosen interval. Checked hourly,
 * only for trusted, migrated brains; each job runs through its command with
 * confirmation skipped, so it is logged and audited like a manual run.
 */
export class Scheduler implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly jobs: Job[] = [
    { setting: 'schedule.selfReview', last: 'review', run: () => vscode.commands.executeCommand(Commands.runSelfReview) },
    { setting: 'schedule.maintenance', last: 'maintenance', run: (s) => vscode.commands.executeCommand(Commands.runMaintenance, vscode.workspace.getConfiguration('cortex', s.folder).get('schedule.maintenanceTier', 'tier2'), true) },
    { setting: 'schedule.retention', last: 'retention', run: () => vscode.commands.executeCommand(Commands.applyRetention, true) },
    { setting: 'schedule.reverify', last: 'reverify', run: () => vscode.commands.executeCommand(Commands.reverifyStale) },
  ];

  /** `memento` keeps when stale discoveries were last re-verified (no table records that). */
  constructor(
    private readonly host: CortexHost,
    private readonly memento: vscode.Memento,
  ) {
    this.timer = setTimeout(() => void this.tick(), FIRST_CHECK_MS);
  }

  async tick(now = Date.now()): Promise<string[]> {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), CHECK_EVERY_MS);
    if (this.running || !vscode.workspace.isTrusted) return [];
    this.running = true;
    const ran: string[] = [];
    try {
      for (const session of this.host.list().filter((s) => s.writable)) {
        const config = vscode.workspace.getConfiguration('cortex', session.folder);
        const due = this.jobs.filter((j) => INTERVALS[config.get<string>(j.setting, 'off')] !== undefined);
        if (!due.length) continue;
        const reverifyKey = `cortex.lastReverify:${session.folder.uri}`;
        const last = { ...(await session.withReader((db) => lastRuns(db))), reverify: this.memento.get<string>(reverifyKey) };
        for (const job of due) {
          const at = last[job.last];
          const age = at ? now - Date.parse(`${at.replace(' ', 'T')}Z`) : Infinity;
          if (age < INTERVALS[config.get<string>(job.setting, 'off')]) continue;
          this.host.log.info(`[schedule] ${job.setting} is due for ${session.folder.name} (last run ${at ?? 'never'})`);
          await job.run(session);
          if (job.last === 'reverify') await this.memento.update(reverifyKey, new Date(now).toISOString().replace('T', ' ').slice(0, 19));
          ran.push(job.setting);
        }
      }
    } catch (err) {
      this.host.log.error(`[schedule] ${String((err as Error)?.message ?? err)}`);
    } finally {
      this.running = false;
    }
    return ran;
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
