import * as path from 'node:path';
import * as vscode from 'vscode';
import { listBackups } from '../../core/schema/backups';
import { brainStatus } from '../../core/schema/migrator';
import { CortexHost } from '../cortexHost';
import { Commands } from '../ids';
import { commandGuard } from './guard';
import { LoadMoreNode } from '../views/tree';

/** Registers the brain lifecycle commands: migrate, status, restore, refresh, log, init. */
export function registerBrainCommands(host: CortexHost): vscode.Disposable[] {
  const { log } = host;
  const guard = commandGuard(host);

  return [
    vscode.commands.registerCommand(Commands.showLog, () => log.show()),

    vscode.commands.registerCommand(Commands.refresh, guard(async () => {
      await Promise.all(host.list().map(async (s) => {
        await s.refresh();
        await host.syncPlugins(s); // picks up new or changed plugin manifests
      }));
      host.refreshViews();
    })),

    vscode.commands.registerCommand(Commands.migrateNow, guard(async () => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('CORTEX: trust this folder to migrate its brain (Restricted Mode is read-only).', 'Manage Workspace Trust').then((c) => {
          if (c) void vscode.commands.executeCommand('workbench.trust.manage');
        });
        return;
      }
      const session = await host.pickSession((s) => s.state !== 'noBrain' && s.state !== 'migrating');
      if (!session) return;
      if (session.schema?.state === 'up-to-date') {
        void vscode.window.showInformationMessage(`CORTEX: ${session.folder.name}'s brain is up to date.`);
        return;
      }
      const report = await session.migrate((s) => host.migrateWithProgress(s));
      if (report) void vscode.window.showInformationMessage(`CORTEX: ${session.folder.name}'s brain migrated to 2.0 (${report.applied.length} migrations).`);
    })),

    vscode.commands.registerCommand(Commands.initBrain, guard(async () => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('CORTEX: trust this folder to create a brain in it.');
        return;
      }
      const session = await host.pickSession((s) => s.state === 'noBrain');
      if (!session) {
        void vscode.window.showInformationMessage('CORTEX: every folder already has a brain.');
        return;
      }
      const report = await session.init();
      void vscode.window.showInformationMessage(`CORTEX: brain created at ${session.relative(report.dbPath)}.`);
    })),

    vscode.commands.registerCommand(Commands.showStatus, guard(async () => {
      const session = await host.pickSession();
      if (!session) {
        void vscode.window.showInformationMessage('CORTEX: no brain in this workspace.', 'Initialize Brain').then((c) => c && vscode.commands.executeCommand(Commands.initBrain));
        return;
      }
      const s = await brainStatus(session.location.dbPath);
      log.info(`Status of ${s.dbPath}: ${JSON.stringify(s)}`);
      const summary = `${session.folder.name}: schema ${s.state} · ${s.applied.length} applied${s.pending.length ? ` · ${s.pending.length} pending` : ''}${s.foreign.length ? ` · ${s.foreign.length} foreign` : ''} · ${(s.sizeBytes / 1e6).toFixed(1)} MB · last backup ${s.lastBackup ? s.lastBackup.createdAt.slice(0, 16).replace('T', ' ') : 'none'}${session.detail ? ` — ${session.detail}` : ''}`;
      // Not awaited: the command finishes while the notification stays up.
      void vscode.window.showInformationMessage(`CORTEX ${summary}`, 'Show Log').then((c) => c && log.show());
      return s;
    })),

    vscode.commands.registerCommand(Commands.restoreBackup, guard(async (backupArg?: string) => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('CORTEX: trust this folder to restore its brain.');
        return;
      }
      const session = await host.pickSession();
      if (!session) return;
      let backup = typeof backupArg === 'string' ? backupArg : undefined;
      if (!backup) {
        const backups = listBackups(session.location.dbPath);
        const items: Array<vscode.QuickPickItem & { file?: string }> = backups.map((b) => ({
          label: b.createdAt.toISOString().replace('T', ' ').slice(0, 19) + ' UTC',
          description: `${(b.sizeBytes / 1e6).toFixed(2)} MB`,
          detail: b.path,
          file: b.path,
        }));
        items.push({ label: '$(folder-opened) Choose a file…' });
        const pick = await vscode.window.showQuickPick(items, { placeHolder: `Restore ${session.folder.name}'s brain from…` });
        if (!pick) return;
        if (pick.file) backup = pick.file;
        else {
          const uri = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'SQLite database': ['db', 'sqlite', 'sqlite3'] } });
          backup = uri?.[0]?.fsPath;
        }
        if (!backup) return;
        const ok = await vscode.window.showWarningMessage(
          `Replace ${session.relative(session.location.dbPath)} with ${path.basename(backup)}?`,
          { modal: true, detail: 'The current file is kept under backups/replaced/. The restored brain stays read-only until you run "CORTEX: Migrate Now".' },
          'Restore',
        );
        if (ok !== 'Restore') return;
      }
      const result = await session.restore(backup);
      await session.start(vscode.workspace.isTrusted, (x) => host.migrateWithProgress(x), false);
      void vscode.window.showInformationMessage(`CORTEX: restored from ${path.basename(result.restoredFrom)}; the replaced file is kept at ${result.replacedCopy ? session.relative(result.replacedCopy) : '(none)'}.`);
    })),

    vscode.commands.registerCommand(Commands.loadMore, guard(async (node: LoadMoreNode) => {
      if (!(node instanceof LoadMoreNode)) return;
      await node.parent.loadMore();
      node.parent.owner.pageLoaded(node.parent);
    })),

  ];
}
