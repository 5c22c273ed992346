import * as vscode from 'vscode';
import { CortexHost } from './host/cortexHost';
import { registerBrainCommands } from './host/commands/brainCommands';
import { registerCrawlerCommands } from './host/commands/crawlerCommands';
import { registerCreationCommands } from './host/commands/creationCommands';
import { registerHealthCommands } from './host/commands/healthCommands';
import { registerPluginCommands } from './host/commands/pluginCommands';
import { registerSnippetCommands } from './host/commands/snippetCommands';
import { registerTools } from './host/lm/tools';
import { createLog, Marks } from './host/log';
import { ContextKeys } from './host/ids';
import { BrainSession } from './host/brainSession';
import { Scheduler } from './host/scheduler';

/** What activate() returns: a small API for other extensions (and the host tests). */
export interface CortexApi {
  readonly state: string;
  /** Resolves when every folder's brain has been located and (if allowed) migrated. */
  whenReady(): Promise<void>;
  brains(): Array<{ folder: string; dbPath: string; state: string; detail: string }>;
  /** Activation performance marks in ms since activate() started. */
  readonly marks: Readonly<Record<string, number>>;
  /** Internals for the extension's own integration tests; not a stable API. */
  readonly internals: { host: CortexHost; sessions(): BrainSession[] };
}

let host: CortexHost | undefined;

export function activate(context: vscode.ExtensionContext): CortexApi {
  const log = createLog();
  const marks = new Marks(log);
  context.subscriptions.push(log);
  void vscode.commands.executeCommand('setContext', ContextKeys.state, 'noBrain');
  host = new CortexHost(log, marks);
  context.subscriptions.push(host, ...registerBrainCommands(host), ...registerSnippetCommands(host), ...registerPluginCommands(host), ...registerCreationCommands(host), ...registerCrawlerCommands(host), ...registerHealthCommands(host, context.extensionUri));
  context.subscriptions.push(new Scheduler(host, context.workspaceState));
  // Language Model Tools need VS Code's lm API; older hosts simply do without them.
  if (typeof vscode.lm?.registerTool === 'function') context.subscriptions.push(...registerTools(host));
  const h = host;
  // Locating and migrating happen after activate() returns.
  setImmediate(() => {
    try {
      h.start();
    } catch (err) {
      void h.showError(err);
    }
    void Promise.all([h.ready, h.plugins.firstRender]).then(() => marks.mark('views ready'));
  });
  marks.mark('activate() returned');
  return {
    get state() {
      return h.state;
    },
    whenReady: () => new Promise<void>((resolve) => setImmediate(() => void h.ready.then(resolve))),
    brains: () => h.list().map((s) => ({ folder: s.folder.uri.fsPath, dbPath: s.location.dbPath, state: s.state, detail: s.detail })),
    marks: marks.values,
    internals: { host: h, sessions: () => h.list() },
  };
}

export function deactivate(): void {
  host = undefined;
}
