import * as vscode from 'vscode';
import { HealthReportRow, latestHealthReport } from '../core/review/queries';
import { BrainSession } from './brainSession';
import { Commands } from './ids';

const BAND_COLOR: Record<string, string | undefined> = {
  critical: 'statusBarItem.errorBackground',
  poor: 'statusBarItem.errorBackground',
  fair: 'statusBarItem.warningBackground',
};

/** "$(pulse) CORTEX 87% good": the latest self-review of the primary brain. */
export class HealthStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('cortex.health', vscode.StatusBarAlignment.Left, 50);
  /** The text shown last, for tests. */
  lastReport: HealthReportRow | undefined;

  constructor() {
    this.item.name = 'CORTEX Brain Health';
  }

  async update(sessions: BrainSession[]): Promise<void> {
    const session = sessions.find((s) => s.readable) ?? sessions.find((s) => s.state !== 'noBrain');
    if (!session) {
      this.item.hide();
      return;
    }
    const item = this.item;
    item.backgroundColor = undefined;
    if (session.state === 'migrating') {
      item.text = '$(sync~spin) CORTEX migrating…';
      item.tooltip = session.detail;
      item.command = Commands.showLog;
    } else if (session.state === 'error') {
      item.text = '$(error) CORTEX';
      item.tooltip = `CORTEX: ${session.detail}\n\nClick to show the log.`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      item.command = Commands.showLog;
    } else if (!session.readable) {
      item.text = '$(pulse) CORTEX';
      item.tooltip = session.detail || 'The brain is not migrated yet.';
      item.command = Commands.showStatus;
    } else {
      const report = await session.withReader((db) => latestHealthReport(db)).catch(() => undefined);
      this.lastReport = report;
      if (!report) {
        item.text = '$(pulse) CORTEX: no review yet';
        item.tooltip = session.writable ? 'No self-review has been run on this brain yet. Click to run one.' : 'No self-review has been run on this brain yet.';
        item.command = session.writable ? Commands.runSelfReview : Commands.showStatus;
      } else {
        const pct = Math.round(report.overall_score * 100);
        item.text = `$(pulse) CORTEX ${pct}% ${report.overall_status}`;
        const color = BAND_COLOR[report.overall_status];
        item.backgroundColor = color ? new vscode.ThemeColor(color) : undefined;
        const cat = (label: string, v: number) => `| ${label} | ${Math.round(v * 100)}% |`;
        const md = new vscode.MarkdownString(
          [
            `**Brain health ${pct}% — ${report.overall_status}**`,
            '',
            '| category | score |',
            '|---|---:|',
            cat('database', report.database_score),
            cat('performance', report.performance_score),
            cat('rule compliance', report.rule_compliance_score),
            cat('tests', report.test_coverage_score),
            cat('storage', report.storage_score),
            '',
            `Last review ${report.created_at} UTC · ${report.fixed_count} fixed of ${report.auto_fixable_count} fixable`,
          ].join('\n'),
        );
        item.tooltip = md;
        item.command = Commands.showDashboard;
      }
    }
    item.show();
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
