import * as vscode from 'vscode';
import { CreationChunkRow, CreationSessionRow, listCreationChunks, listCreationSessions } from '../../core/creation/queries';
import { Database } from '../../core/db/database';
import { Page } from '../../core/db/paging';
import { BrainSession } from '../brainSession';
import { Commands } from '../ids';
import { BrainTreeProvider, markdown, md, PagedParent, PageOwner, TreeNode } from './tree';

const CHUNK_ICON: Record<string, [string, string | undefined]> = {
  written: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  pending: ['circle-outline', undefined],
  skipped: ['debug-step-over', undefined],
};

export class CreationSessionNode extends PagedParent<CreationChunkRow> {
  readonly id: string;
  constructor(
    session: BrainSession,
    owner: PageOwner,
    readonly row: CreationSessionRow,
  ) {
    super(session, owner);
    this.id = `${session.folder.uri}:creation:${row.id}`;
  }
  get status(): 'completed' | 'failed' | 'in-progress' {
    return this.row.completed ? 'completed' : this.row.failed ? 'failed' : 'in-progress';
  }
  treeItem(): vscode.TreeItem {
    const r = this.row;
    const item = new vscode.TreeItem(vscode.workspace.asRelativePath(r.file_path), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = `${r.written}/${r.total_chunks} written · ${r.file_type}${this.status === 'in-progress' ? '' : ` · ${this.status}`}`;
    item.iconPath = new vscode.ThemeIcon(
      this.status === 'completed' ? 'check-all' : this.status === 'failed' ? 'error' : 'sync',
      this.status === 'failed' ? new vscode.ThemeColor('testing.iconFailed') : undefined,
    );
    item.tooltip = markdown([
      `**${md(r.file_path)}**`,
      `${r.written} of ${r.total_chunks} chunks written${r.failedChunks ? `, ${r.failedChunks} failed` : ''}`,
      `Started ${md(r.started_at)} UTC · last update ${md(r.last_update)} UTC`,
    ]);
    item.contextValue = `cortex.creationSession.${this.status}`;
    item.resourceUri = vscode.Uri.file(r.file_path);
    return item;
  }
  protected fetch(db: Database, offset: number, limit: number): Promise<Page<CreationChunkRow>> {
    return listCreationChunks(db, this.row.id, { offset, limit });
  }
  protected toNode(row: CreationChunkRow): TreeNode {
    return new ChunkNode(this.id, this.row.file_path, row);
  }
}

export class ChunkNode implements TreeNode {
  readonly id: string;
  constructor(
    parentId: string,
    readonly filePath: string,
    readonly row: CreationChunkRow,
  ) {
    this.id = `${parentId}:chunk:${row.chunk_number}`;
  }
  treeItem(): vscode.TreeItem {
    const c = this.row;
    const item = new vscode.TreeItem(`#${c.chunk_number} ${c.chunk_type}`, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const [icon, color] = CHUNK_ICON[c.status] ?? ['circle-outline', undefined];
    item.iconPath = new vscode.ThemeIcon(c.validation_warnings.length && c.status === 'written' ? 'warning' : icon, color ? new vscode.ThemeColor(color) : undefined);
    item.description = `lines ${c.line_start}–${c.line_end}${c.estimated_tokens !== null ? ` · ~${c.estimated_tokens} tokens` : ''} · ${c.status}`;
    item.tooltip = markdown([
      `Chunk ${c.chunk_number} (${md(c.chunk_type)}) — ${md(c.status)}`,
      `Lines ${c.line_start}–${c.line_end}`,
      ...c.validation_warnings.map((w) => `$(warning) ${md(w)}`),
    ]);
    item.contextValue = `cortex.creationChunk.${c.status}`;
    if (c.status === 'written') item.command = { command: Commands.openChunk, title: 'Open at Chunk', arguments: [this] };
    return item;
  }
}

/** Creation sessions (unfinished first) with their chunks. */
export class CreationView extends BrainTreeProvider {
  protected async rootsFor(session: BrainSession): Promise<TreeNode[]> {
    return this.rootParent(session, () => new SessionsRoot(session, this)).children();
  }
}

class SessionsRoot extends PagedParent<CreationSessionRow> {
  readonly id: string;
  constructor(session: BrainSession, owner: PageOwner) {
    super(session, owner);
    this.id = `${session.folder.uri}:creation-root`;
  }
  treeItem(): vscode.TreeItem {
    return new vscode.TreeItem('sessions');
  }
  protected fetch(db: Database, offset: number, limit: number): Promise<Page<CreationSessionRow> | undefined> {
    return listCreationSessions(db, { offset, limit });
  }
  protected toNode(row: CreationSessionRow): TreeNode {
    return new CreationSessionNode(this.session, this.owner, row);
  }
}
