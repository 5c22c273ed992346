import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CreationReport } from '../../core/creation/engine';
import { unfinishedSessions } from '../../core/creation/store';

// The chunk planner and writer load on first use.
const engine = () => import('../../core/creation/engine');
import { BrainSession } from '../brainSession';
import { CortexHost } from '../cortexHost';
import { Commands } from '../ids';
import { commandGuard, writableSession } from './guard';
import { ChunkNode, CreationSessionNode } from '../views/creationView';

function report(host: CortexHost, r: CreationReport): void {
  const name = path.basename(r.dest);
  host.log.info(`[creation] session #${r.sessionId} ${r.outcome}: ${r.written.length} chunk(s) written this run, ${r.totalChunks} in all${r.failedChunk ? `; chunk ${r.failedChunk.number} failed: ${r.failedChunk.error}` : ''}`);
  const warnings = r.warnings.reduce((n, w) => n + w.warnings.length, 0) + r.fileWarnings.length;
  if (r.outcome === 'completed') {
    void vscode.window
      .showInformationMessage(`CORTEX: ${name} written in ${r.totalChunks} chunk(s)${warnings ? ` with ${warnings} validation warning(s)` : ''}.`, 'Open File')
      .then((c) => c && vscode.window.showTextDocument(vscode.Uri.file(r.dest)));
  } else {
    void vscode.window.showWarningMessage(`CORTEX: writing ${name} stopped at chunk ${r.failedChunk?.number}: ${r.failedChunk?.error}. "Resume Creation" continues from there.`);
  }
}

/** Runs a creation or resume with chunk-by-chunk progress, then refreshes the view. */
async function withChunkProgress(host: CortexHost, session: BrainSession, title: string, run: (onChunk: (p: { chunk: number; totalChunks: number; phase: string }) => void) => Promise<CreationReport>): Promise<CreationReport> {
  const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, (progress) => {
    let last = 0;
    return run((p) => {
      if (p.phase !== 'recorded') return;
      progress.report({ message: `chunk ${p.chunk}/${p.totalChunks}`, increment: ((p.chunk - last) / p.totalChunks) * 100 });
      last = p.chunk;
    });
  });
  await session.refresh();
  report(host, r);
  return r;
}

export function registerCreationCommands(host: CortexHost): vscode.Disposable[] {
  const guard = commandGuard(host);
  const writable = () => writableSession(host, 'write files through CORTEX');

  return [
    /** (sourceUri?, destUri?) — without arguments: the active editor's file or a chosen one, then a save dialog. */
    vscode.commands.registerCommand(Commands.createIncrementally, guard(async (sourceArg?: vscode.Uri, destArg?: vscode.Uri) => {
      const session = await writable();
      if (!session) return undefined;
      let source = sourceArg instanceof vscode.Uri ? sourceArg : undefined;
      const editor = vscode.window.activeTextEditor;
      let content: string | undefined;
      if (!source && editor) {
        if (editor.document.isUntitled || editor.document.isDirty) content = editor.document.getText();
        else source = editor.document.uri;
      }
      if (!source && content === undefined) {
        const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use as source', defaultUri: session.folder.uri });
        source = picked?.[0];
      }
      if (!source && content === undefined) return undefined;
      let dest = destArg instanceof vscode.Uri ? destArg : undefined;
      if (!dest) {
        const suggested = source ? vscode.Uri.file(path.join(path.dirname(source.fsPath), `${path.basename(source.fsPath, path.extname(source.fsPath))}.generated${path.extname(source.fsPath)}`)) : session.folder.uri;
        dest = await vscode.window.showSaveDialog({ defaultUri: suggested, saveLabel: 'Write incrementally here' });
      }
      if (!dest) return undefined;
      const target = dest;
      const { createFile } = await engine();
      return withChunkProgress(host, session, `CORTEX: writing ${path.basename(target.fsPath)}`, (onChunk) =>
        session.withWriter((db) =>
          createFile(db, {
            workspace: session.folder.uri.fsPath,
            dest: target.fsPath,
            source: source ? { path: source.fsPath } : { content: content ?? '' },
            onChunk,
            log: host.log,
          }),
        ),
      );
    })),

    vscode.commands.registerCommand(Commands.resumeCreation, guard(async (node?: CreationSessionNode | number) => {
      const session = node instanceof CreationSessionNode ? node.session : await writable();
      if (!session) return undefined;
      let id = node instanceof CreationSessionNode ? node.row.id : typeof node === 'number' ? node : undefined;
      if (id === undefined) {
        const open = await session.withReader((db) => unfinishedSessions(db));
        if (!open.length) {
          void vscode.window.showInformationMessage('CORTEX: no unfinished creation session.');
          return undefined;
        }
        const pick = open.length === 1 ? { id: open[0].id } : await vscode.window.showQuickPick(open.map((s) => ({ label: vscode.workspace.asRelativePath(s.file_path), description: `#${s.id} · ${s.total_chunks} chunks`, id: s.id })), { placeHolder: 'Resume which session?' });
        id = pick?.id;
      }
      if (id === undefined) return undefined;
      const sessionId = id;
      const { resumeCreation } = await engine();
      return withChunkProgress(host, session, `CORTEX: resuming session #${sessionId}`, (onChunk) =>
        session.withWriter((db) => resumeCreation(db, { workspace: session.folder.uri.fsPath, sessionId, onChunk, log: host.log })),
      );
    })),

    vscode.commands.registerCommand(Commands.openChunk, guard(async (node?: ChunkNode) => {
      if (!(node instanceof ChunkNode)) return;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(node.filePath));
      const start = Math.max(0, Math.min(node.row.line_start - 1, doc.lineCount - 1));
      const end = Math.max(start, Math.min(node.row.line_end - 1, doc.lineCount - 1));
      const range = new vscode.Range(start, 0, end, doc.lineAt(end).text.length);
      await vscode.window.showTextDocument(doc, { selection: range, preview: true });
    })),

    vscode.commands.registerCommand(Commands.discardCreation, guard(async (node?: CreationSessionNode, confirmed?: boolean) => {
      if (!(node instanceof CreationSessionNode)) return false;
      if (confirmed !== true) {
        const ok = await vscode.window.showWarningMessage(`Forget creation session #${node.row.id} (${path.basename(node.row.file_path)})?`, { modal: true, detail: 'Its chunks and progress files are removed; the file written so far is kept.' }, 'Discard');
        if (ok !== 'Discard') return false;
      }
      const { discardSession } = await engine();
      const done = await node.session.withWriter((db) => discardSession(db, node.session.folder.uri.fsPath, node.row.id));
      await node.session.refresh();
      return done;
    })),
  ];
}
