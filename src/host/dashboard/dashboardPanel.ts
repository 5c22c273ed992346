import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { dashboardData, DashboardData } from '../../core/dashboard/data';
import { BrainSession } from '../brainSession';
import { Commands } from '../ids';

/** Messages the webview may send; anything else is ignored. */
type FromWebview = { type: 'ready' } | { type: 'command'; command: 'runSelfReview' | 'runMaintenance' | 'applyRetention' | 'refresh' };
const ALLOWED: Record<string, string> = {
  runSelfReview: Commands.runSelfReview,
  runMaintenance: Commands.runMaintenance,
  applyRetention: Commands.applyRetention,
  refresh: Commands.refresh,
};

/**
 * The Health dashboard: one webview panel per window, strict CSP (nonce, no
 * remote content), theme colours, charts drawn as local SVG by
 * media/dashboard.js. Data is read by the core and posted as JSON.
 */
export class DashboardPanel implements vscode.Disposable {
  static readonly viewType = 'cortex.dashboard';
  private static current: DashboardPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** The last data posted, for tests. */
  lastData: DashboardData | undefined;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private session: BrainSession,
  ) {
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: FromWebview) => {
        if (m?.type === 'ready') void this.update();
        else if (m?.type === 'command' && ALLOWED[m.command]) void vscode.commands.executeCommand(ALLOWED[m.command]);
      }),
      session.onDidChange(() => void this.update()),
    );
  }

  static show(extensionUri: vscode.Uri, session: BrainSession): DashboardPanel {
    if (DashboardPanel.current && DashboardPanel.current.session === session) {
      DashboardPanel.current.panel.reveal();
      void DashboardPanel.current.update();
      return DashboardPanel.current;
    }
    DashboardPanel.current?.dispose();
    const panel = vscode.window.createWebviewPanel(DashboardPanel.viewType, `CORTEX Health — ${session.folder.name}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
    });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'cortex.svg');
    DashboardPanel.current = new DashboardPanel(panel, extensionUri, session);
    return DashboardPanel.current;
  }

  static get open(): DashboardPanel | undefined {
    return DashboardPanel.current;
  }

  /** Re-reads the brain and posts the data to the page. */
  async update(): Promise<void> {
    if (!this.session.readable) {
      void this.panel.webview.postMessage({ type: 'unavailable', reason: this.session.detail || `The brain is ${this.session.state}.` });
      return;
    }
    this.lastData = await this.session.withReader((db) => dashboardData(db));
    void this.panel.webview.postMessage({ type: 'data', data: this.lastData, trusted: vscode.workspace.isTrusted });
  }

  get html_(): string {
    return this.panel.webview.html;
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = crypto.randomBytes(16).toString('base64');
    const media = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', file));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource} data:; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${media('dashboard.css')}" rel="stylesheet">
<title>CORTEX Health</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="muted">Loading the brain's health…</p></main>
<script nonce="${nonce}" src="${media('dashboard.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
