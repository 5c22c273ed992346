import * as path from 'node:path';
import * as vscode from 'vscode';
import { fileLineage } from '../../core/integrity/provenance';
import { getHookExecution } from '../../core/plugins/queries';
import { setPluginEnabled } from '../../core/plugins/registry';
import type { HookRunReport } from '../../core/plugins/runner';
import { KNOWN_HOOKS } from '../../core/plugins/vocabulary';
import { BrainSession } from '../brainSession';
import { builtinsFor } from '../builtins';
import { CortexHost } from '../cortexHost';
import { Commands } from '../ids';
import { commandGuard } from './guard';
import { ExecutionNode, PluginNode } from '../views/pluginsView';

function pretty(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

/** Runs one hook over the enabled plugins, with progress, and reports the outcome. */
export async function runHookWithProgress(host: CortexHost, session: BrainSession, hook: string, context: Record<string, unknown> = {}): Promise<HookRunReport> {
  // The runner (and its worker sandbox) loads on first use.
  const { runHook } = await import('../../core/plugins/runner');
  const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `CORTEX: running ${hook}` }, () =>
    session.withWriter((db) =>
      runHook(db, hook, { source: 'vscode', ...context }, {
        trusted: vscode.workspace.isTrusted,
        builtins: builtinsFor(session),
        boundary: { workspace: session.folder.uri.fsPath, brainRoot: session.location.brainRoot },
        log: host.log,
      }),
    ),
  );
  const ran = report.outcomes.filter((o) => o.status !== 'skipped');
  const failed = ran.filter((o) => o.status === 'failed');
  for (const o of report.outcomes) host.log.info(`[hook ${hook}] ${o.plugin_id}: ${o.status}${o.duration_ms !== null ? ` in ${Math.round(o.duration_ms)} ms` : ''}${o.error ? ` — ${o.error}` : ''}`);
  host.plugins.refresh();
  const summary = ran.length === 0 ? `no enabled plugin ran for ${hook}` : `${ran.length - failed.length} of ${ran.length} plugin(s) succeeded${failed.length ? `; failed: ${failed.map((f) => f.plugin_id).join(', ')}` : ''}`;
  void (failed.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage)(`CORTEX ${hook}: ${summary}.`, 'Show Log').then((c) => c && host.log.show());
  return report;
}

export function registerPluginCommands(host: CortexHost): vscode.Disposable[] {
  const guard = commandGuard(host);

  const setEnabled = (enabled: boolean) =>
    guard(async (node?: PluginNode) => {
      if (!(node instanceof PluginNode)) return;
      await node.session.withWriter((db) => setPluginEnabled(db, node.plugin.plugin_id, enabled));
      host.log.info(`[plugins] ${node.plugin.plugin_id} ${enabled ? 'enabled' : 'disabled'}`);
      host.plugins.refresh();
    });

  return [
    vscode.commands.registerCommand(Commands.enablePlugin, setEnabled(true)),
    vscode.commands.registerCommand(Commands.disablePlugin, setEnabled(false)),

    vscode.commands.registerCommand(Commands.runHook, guard(async (node?: PluginNode | string) => {
      const session = node instanceof PluginNode ? node.session : await host.pickSession((s) => s.writable);
      if (!session) {
        void vscode.window.showWarningMessage('CORTEX: hooks need a trusted, migrated brain.');
        return undefined;
      }
      const hooks = node instanceof PluginNode ? node.plugin.hooks : [...KNOWN_HOOKS];
      const hook = typeof node === 'string' ? node : await vscode.window.showQuickPick(hooks, { placeHolder: 'Run which hook over the enabled plugins?' });
      if (!hook) return undefined;
      return runHookWithProgress(host, session, hook);
    })),

    vscode.commands.registerCommand(Commands.showExecution, guard(async (node?: ExecutionNode) => {
      if (!(node instanceof ExecutionNode)) return;
      const row = await node.session.withReader((db) => getHookExecution(db, node.row.id));
      if (!row) return;
      const content = JSON.stringify({ ...row, context_json: undefined, result_json: undefined, context: pretty(row.context_json), result: pretty(row.result_json) }, null, 2);
      const doc = await vscode.workspace.openTextDocument({ language: 'json', content });
      await vscode.window.showTextDocument(doc, { preview: true });
    })),

    vscode.commands.registerCommand(Commands.showProvenance, guard(async (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target || target.scheme !== 'file') {
        void vscode.window.showInformationMessage('CORTEX: open a file to see where it came from.');
        return [];
      }
      const folder = vscode.workspace.getWorkspaceFolder(target);
      const session = folder ? host.session(folder) : undefined;
      if (!session?.readable) {
        void vscode.window.showInformationMessage('CORTEX: this file is not in a folder with a readable brain.');
        return [];
      }
      const rows = await session.withReader((db) => fileLineage(db, session.folder.uri.fsPath, target.fsPath));
      const name = path.basename(target.fsPath);
      if (!rows.length) {
        void vscode.window.showInformationMessage(`CORTEX: no provenance recorded for ${name}.`);
        return rows;
      }
      void vscode.window.showQuickPick(
        rows.map((r) => ({
          label: `${r.relation === 'generated' ? '$(sparkle)' : r.relation === 'archived_from' ? '$(archive)' : '$(references)'} ${r.source_type} ${r.source_ref} → ${r.target_type} ${r.target_ref}`,
          description: r.relation,
          detail: `${r.created_at} UTC${r.confidence !== null && r.confidence !== undefined ? ` · confidence ${r.confidence}` : ''}`,
        })),
        { placeHolder: `Lineage of ${name} (newest first)`, matchOnDetail: true },
      );
      return rows;
    })),
  ];
}
