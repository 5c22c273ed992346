import * as vscode from 'vscode';
import { addProvenance, fileRef } from '../../core/integrity/provenance';
import { DiscoveredApi, DiscoveredDatabase, listDiscoveries } from '../../core/knowledge/discoveries';
import { SNIPPET_LANGUAGES, SnippetLanguage, snippetLanguage } from '../../core/knowledge/snippets/names';
import { CortexHost } from '../cortexHost';
import { Commands } from '../ids';
import { commandGuard } from './guard';
import { discoveryById, snippetFor } from '../lm/tools';

type Kind = 'database' | 'api';

function describe(kind: Kind, row: DiscoveredDatabase | DiscoveredApi): vscode.QuickPickItem {
  if (kind === 'database') {
    const d = row as DiscoveredDatabase;
    return { label: `$(database) ${d.database_name ?? d.host ?? d.database_type}`, description: `${d.database_type} · ${d.host ?? 'local'}${d.port ? `:${d.port}` : ''}`, detail: d.stale ? 'stale: not verified recently' : undefined };
  }
  const a = row as DiscoveredApi;
  return { label: `$(globe) ${a.base_url}`, description: `${a.api_type}${a.authentication_type ? ` · ${a.authentication_type}` : ''}`, detail: a.stale ? 'stale: not verified recently' : undefined };
}

/**
 * "Insert Database Connection…" / "Insert API Client…": a starting snippet
 * for a discovery, in the active editor's language, inserted at the cursor and
 * recorded as provenance (discovery → file, generated). Arguments (id,
 * language, target document) skip the pickers, for keybindings and tests.
 */
async function insert(host: CortexHost, kind: Kind, id?: number, languageArg?: string, target?: vscode.Uri): Promise<boolean> {
  const editor = target ? await vscode.window.showTextDocument(target) : vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage('CORTEX: open the file to insert the snippet into.');
    return false;
  }
  const session = host.list().find((s) => s.readable);
  if (!session) {
    void vscode.window.showWarningMessage('CORTEX: no readable brain in this workspace.');
    return false;
  }
  let row: DiscoveredDatabase | DiscoveredApi | undefined;
  if (id !== undefined) row = await session.withReader((db) => discoveryById(db, kind, id));
  else {
    const page = await session.withReader((db) => listDiscoveries(db, kind === 'database' ? 'databases' : 'apis', { limit: 500 }));
    const rows = (page?.items ?? []) as Array<DiscoveredDatabase | DiscoveredApi>;
    if (!rows.length) {
      void vscode.window.showInformationMessage(`CORTEX: no ${kind === 'database' ? 'databases' : 'APIs'} discovered yet. Crawl the workspace first.`);
      return false;
    }
    const pick = await vscode.window.showQuickPick(rows.map((r) => ({ ...describe(kind, r), row: r })), { placeHolder: `Insert a connection to which discovered ${kind}?` });
    row = pick?.row;
  }
  if (!row) {
    if (id !== undefined) host.log.warn(`No discovered ${kind} with id ${id}.`);
    return false;
  }
  let language = (languageArg as SnippetLanguage | undefined) ?? snippetLanguage(editor.document.languageId);
  if (!language || !SNIPPET_LANGUAGES.includes(language)) {
    const pick = await vscode.window.showQuickPick([...SNIPPET_LANGUAGES], { placeHolder: `No generator for "${editor.document.languageId}": write the snippet in…` });
    if (!pick) return false;
    language = pick as SnippetLanguage;
  }
  const snippet = snippetFor(row, kind, language);
  const ok = await editor.edit((b) => b.insert(editor.selection.active, snippet.code));
  if (!ok) {
    host.log.warn(`Could not insert the snippet into ${editor.document.uri.toString()} (the editor refused the edit).`);
    return false;
  }
  if (session.writable) {
    // Files are referenced as provenance stores them: workspace-relative with '/'.
    const target = editor.document.uri.scheme === 'file' ? fileRef(session.folder.uri.fsPath, editor.document.uri.fsPath) : editor.document.uri.toString();
    await session.withWriter((db) =>
      addProvenance(db, { source_type: kind === 'database' ? 'workspace_database' : 'workspace_api', source_ref: String(row.id), target_type: 'file', target_ref: target, relation: 'generated', confidence: 1 }),
    );
  }
  const needs = [snippet.packages.length ? `packages: ${snippet.packages.join(', ')}` : '', snippet.env.length ? `set ${snippet.env.join(', ')}` : ''].filter(Boolean).join('; ');
  if (needs) void vscode.window.showInformationMessage(`CORTEX: snippet inserted — ${needs}.`);
  return true;
}

export function registerSnippetCommands(host: CortexHost): vscode.Disposable[] {
  const guard = commandGuard(host);
  const run = (kind: Kind) =>
    guard((id?: number, language?: string, target?: vscode.Uri) => insert(host, kind, typeof id === 'number' ? id : undefined, language, target instanceof vscode.Uri ? target : undefined));
  return [
    vscode.commands.registerCommand(Commands.insertDatabaseConnection, run('database')),
    vscode.commands.registerCommand(Commands.insertApiClient, run('api')),
  ];
}
