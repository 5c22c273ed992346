import * as vscode from 'vscode';
import { CortexError } from '../core/db/errors';
import { MigrationReport, MigrationStep } from '../core/schema/migrator';
import { syncPluginRegistry } from '../core/plugins/registry';
import { BrainSession } from './brainSession';
import { ContextKeys, HostState, Views } from './ids';
import { Marks } from './log';
import { HealthStatusBar } from './statusBar';
import { CreationView } from './views/creationView';
import { DiscoveriesView } from './views/discoveriesView';
import { DenialsView } from './views/denialsView';
import { PluginsView } from './views/pluginsView';
import { BrainTreeProvider } from './views/tree';
import { Logger } from '../core/log';

const STATE_PRIORITY: HostState[] = ['error', 'migrating', 'readOnly', 'ready', 'noBrain'];

function describeStep(step: MigrationStep): string {
  switch (step.kind) {
    case 'checked':
      return 'integrity checked';
    case 'backed-up':
      return 'backup written';
    case 'group-start':
      return `applying ${step.migration?.replace(/^.*\//, '')}`;
    default:
      return '';
  }
}

/**
 * Owns every disposable of the extension: one BrainSession per workspace
 * folder, the three views, the status bar and the aggregated context key.
 */
export class CortexHost implements vscode.Disposable {
  private readonly sessions = new Map<string, BrainSession>();
  private readonly disposables: vscode.Disposable[] = [];
  readonly plugins: PluginsView;
  readonly creation: CreationView;
  readonly discoveries: DiscoveriesView;
  readonly denials: DenialsView;
  readonly statusBar = new HealthStatusBar();
  private readonly treeViews: Array<[vscode.TreeView<unknown>, BrainTreeProvider]> = [];
  private readonly stateEmitter = new vscode.EventEmitter<HostState>();
  private readonly migratedEmitter = new vscode.EventEmitter<BrainSession>();
  /** Fires after a brain was migrated (not when it was already up to date). */
  readonly onDidMigrate = this.migratedEmitter.event;
  readonly onDidChangeState = this.stateEmitter.event;
  private _state: HostState = 'noBrain';
  /** Resolves when every folder's latest start finished. */
  ready: Promise<void>;
  private startedOnce!: () => void;

  constructor(
    readonly log: vscode.LogOutputChannel & Logger,
    readonly marks: Marks,
  ) {
    // Until start() runs (right after activate() returns), `ready` waits for it.
    this.ready = new Promise((resolve) => (this.startedOnce = resolve));
    const list = () => this.list();
    const started = () => this.ready;
    this.plugins = new PluginsView(list, started);
    this.creation = new CreationView(list, started);
    this.discoveries = new DiscoveriesView(list, started);
    this.denials = new DenialsView(list, started);
    for (const [id, provider] of [
      [Views.plugins, this.plugins],
      [Views.creationSessions, this.creation],
      [Views.discoveries, this.discoveries],
      [Views.denials, this.denials],
    ] as const) {
      const view = vscode.window.createTreeView(id, { treeDataProvider: provider, showCollapseAll: true });
      this.treeViews.push([view as vscode.TreeView<unknown>, provider]);
      this.disposables.push(view, provider);
    }
    this.disposables.push(
      this.statusBar,
      this.stateEmitter,
      this.migratedEmitter,
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.syncFolders()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        log.info('Workspace trusted: leaving limited mode.');
        void this.startAll();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('cortex.databasePath')) void this.startAll();
      }),
    );
  }

  get state(): HostState {
    return this._state;
  }

  list(): BrainSession[] {
    return [...this.sessions.values()];
  }

  /** The session for a folder, or the only/first one with a brain. */
  session(folder?: vscode.WorkspaceFolder): BrainSession | undefined {
    if (folder) return this.sessions.get(folder.uri.toString());
    return this.list().find((s) => s.state !== 'noBrain') ?? this.list()[0];
  }

  /** Asks which folder when more than one has a brain. */
  async pickSession(filter: (s: BrainSession) => boolean = (s) => s.state !== 'noBrain'): Promise<BrainSession | undefined> {
    const candidates = this.list().filter(filter);
    if (candidates.length <= 1) return candidates[0];
    const pick = await vscode.window.showQuickPick(
      candidates.map((s) => ({ label: s.folder.name, description: s.relative(s.location.dbPath), session: s })),
      { placeHolder: 'Which folder\'s CORTEX brain?' },
    );
    return pick?.session;
  }

  start(): void {
    this.syncFolders();
  }

  private syncFolders(): void {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const keep = new Set(folders.map((f) => f.uri.toString()));
    for (const [key, s] of this.sessions) {
      if (!keep.has(key)) {
        s.dispose();
        this.sessions.delete(key);
      }
    }
    for (const folder of folders) {
      const key = folder.uri.toString();
      if (this.sessions.has(key)) continue;
      const session = new BrainSession(folder, this.log);
      session.onDidChange(() => this.onSessionChanged(session));
      this.sessions.set(key, session);
    }
    void vscode.commands.executeCommand('setContext', ContextKeys.multiRoot, folders.length > 1);
    this.marks.mark('brain located');
    void this.startAll();
  }

  startAll(autoMigrate = true): Promise<void> {
    const trusted = vscode.workspace.isTrusted;
    const startOne = async (s: BrainSession) => {
      await s.start(trusted, (x) => this.migrateWithProgress(x), autoMigrate);
      if (s.state === 'error') void this.showError(s.lastError, () => this.startAll());
      // Off the critical path: the views render first, and refresh if the registry changed.
      if (s.writable) setTimeout(() => void this.syncPlugins(s), 0);
    };
    this.ready = Promise.all(this.list().map((s) => startOne(s).catch((err: unknown) => this.log.error(String(err))))).then(() => {
      this.marks.mark('brains started');
    });
    void this.ready.then(this.startedOnce);
    return this.ready;
  }

  private onSessionChanged(session: BrainSession): void {
    if (session.brainAppeared()) {
      void session.start(vscode.workspace.isTrusted, (x) => this.migrateWithProgress(x));
      return;
    }
    const states = this.list().map((s) => s.state);
    const next = STATE_PRIORITY.find((s) => states.includes(s)) ?? 'noBrain';
    if (next !== this._state) {
      this._state = next;
      void vscode.commands.executeCommand('setContext', ContextKeys.state, next);
      this.stateEmitter.fire(next);
    }
    for (const [view, provider] of this.treeViews) {
      view.message = provider.message();
      provider.refresh();
    }
    void this.statusBar.update(this.list());
  }

  /** Brings the plugins table in line with the brain's plugin manifests and cortex.config.json (trusted only). */
  async syncPlugins(session: BrainSession): Promise<void> {
    if (!session.writable) return;
    try {
      const report = await session.withWriter((db) => syncPluginRegistry(db, { brainRoot: session.location.brainRoot, workspace: session.folder.uri.fsPath }));
      for (const p of report.problems) this.log[p.severity === 'error' ? 'error' : 'warn'](`[plugins] ${p.source}: ${p.message}`);
      if (report.registered.length || report.updated.length || report.disabled.length) {
        this.log.info(`[plugins] registered ${report.registered.join(', ') || 'none'}; updated ${report.updated.join(', ') || 'none'}; disabled ${report.disabled.join(', ') || 'none'}`);
        this.plugins.refresh();
      }
    } catch (err) {
      this.log.error(`[plugins] registry sync failed: ${String((err as Error)?.message ?? err)}`);
    }
  }

  /** Runs the migration under a cancellable progress notification. */
  migrateWithProgress(session: BrainSession): Promise<MigrationReport | undefined> {
    return Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `CORTEX: migrating ${session.folder.name}'s brain`, cancellable: true },
        async (progress, token) => {
          const ac = new AbortController();
          let wrote = false;
          const sub = token.onCancellationRequested(() => {
            if (wrote) this.log.warn('Cancellation ignored: the migration has started writing and finishes its groups atomically.');
            else ac.abort();
          });
          try {
            const t = performance.now();
            const report = await session.runCoreMigration((step) => {
              if (step.kind === 'group-start') wrote = true;
              const message = describeStep(step);
              if (message) progress.report({ message });
            }, ac.signal);
            this.log.info(`Migration of ${session.folder.name}: ${report.outcome}, ${report.applied.length} applied in ${Math.round(performance.now() - t)} ms${report.backupPath ? `; backup ${report.backupPath}` : ''}`);
            for (const w of report.warnings) this.log.warn(w);
            for (const f of report.foreign) this.log.info(`Foreign migration kept: ${f.name}`);
            this.marks.mark('migration done');
            if (report.applied.length) setImmediate(() => this.migratedEmitter.fire(session));
            return report;
          } finally {
            sub.dispose();
          }
        },
      ),
    );
  }

  /** Shows an engine error: log + notification with next steps; the extension stays alive. */
  async showError(err: unknown, retry?: () => unknown): Promise<void> {
    const e = err instanceof CortexError ? err : new CortexError('SQLITE', String((err as Error)?.message ?? err));
    this.log.error(e.oneLine);
    const actions = ['Show Log', 'Restore Backup…', ...(retry ? ['Retry'] : [])];
    const choice = await vscode.window.showErrorMessage(`CORTEX: ${e.message}`, ...actions);
    if (choice === 'Show Log') this.log.show();
    else if (choice === 'Restore Backup…') await vscode.commands.executeCommand('cortex.restoreBackup');
    else if (choice === 'Retry') await retry?.();
  }

  refreshViews(): void {
    for (const [, provider] of this.treeViews) provider.refresh();
  }

  dispose(): void {
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
