import * as vscode from 'vscode';
import { Database } from '../../core/db/database';
import { DEFAULT_PAGE_SIZE, Page } from '../../core/db/paging';
import { BrainSession } from '../brainSession';
import { Commands } from '../ids';

/** A row in one of CORTEX's trees. Children are loaded lazily, when expanded. */
export interface TreeNode {
  readonly id: string;
  treeItem(): vscode.TreeItem;
  children?(): Promise<TreeNode[]>;
}

/** Folder grouping row, shown only when more than one folder has a brain. */
export class FolderNode implements TreeNode {
  readonly id: string;
  constructor(
    readonly session: BrainSession,
    private readonly childrenOf: (s: BrainSession) => Promise<TreeNode[]>,
  ) {
    this.id = `folder:${session.folder.uri.toString()}`;
  }
  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.session.folder.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('root-folder');
    item.description = this.session.state === 'ready' ? undefined : this.session.state;
    item.tooltip = this.session.detail || this.session.location.dbPath;
    item.contextValue = 'cortex.folder';
    return item;
  }
  children(): Promise<TreeNode[]> {
    return this.childrenOf(this.session);
  }
}

/** A plain informational row (for example, why a folder shows nothing). */
export class MessageNode implements TreeNode {
  constructor(
    readonly id: string,
    private readonly label: string,
    private readonly icon = 'info',
    private readonly tooltip?: string,
  ) {}
  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.tooltip = this.tooltip;
    item.contextValue = 'cortex.message';
    return item;
  }
}

/** Who redraws a paged parent after "Load more…" fetched another page. */
export interface PageOwner {
  pageLoaded(parent: PagedParent<unknown>): void;
}

/**
 * A parent whose children come from a paged query: the first page on expand,
 * then "Load more…" appends the next one. Pages are fetched with LIMIT/OFFSET
 * on indexed orderings, so big tables stay fast.
 */
export abstract class PagedParent<T> implements TreeNode {
  private loaded: T[] = [];
  private hasMore = false;
  private fetched = false;

  abstract readonly id: string;
  abstract treeItem(): vscode.TreeItem;
  protected abstract fetch(db: Database, offset: number, limit: number): Promise<Page<T> | undefined>;
  protected abstract toNode(row: T): TreeNode;
  protected emptyNode(): TreeNode | undefined {
    return undefined;
  }

  constructor(
    readonly session: BrainSession,
    readonly owner: PageOwner,
    private readonly pageSize = DEFAULT_PAGE_SIZE,
  ) {}

  async children(): Promise<TreeNode[]> {
    if (!this.fetched) await this.loadMore();
    const nodes = this.loaded.map((r) => this.toNode(r));
    if (nodes.length === 0) {
      const empty = this.emptyNode();
      return empty ? [empty] : [];
    }
    if (this.hasMore) nodes.push(new LoadMoreNode(this));
    return nodes;
  }

  /** Fetches the next page; returns false when the brain cannot be read. */
  async loadMore(): Promise<boolean> {
    const page = await this.session.withReader((db) => this.fetch(db, this.loaded.length, this.pageSize));
    this.fetched = true;
    if (!page) return false;
    this.loaded.push(...page.items);
    this.hasMore = page.hasMore;
    return true;
  }
}

export class LoadMoreNode implements TreeNode {
  readonly id: string;
  constructor(readonly parent: PagedParent<unknown>) {
    this.id = `${parent.id}:more`;
  }
  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('more');
    item.command = { command: Commands.loadMore, title: 'Load more', arguments: [this] };
    item.contextValue = 'cortex.loadMore';
    return item;
  }
}

/**
 * Base provider: one tree per view over all folders' brains. Refreshes are
 * debounced and the view only queries while visible.
 */
export abstract class BrainTreeProvider implements vscode.TreeDataProvider<TreeNode>, PageOwner, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private timer: NodeJS.Timeout | undefined;
  /** Paged parents shown at the top level, kept so "Load more…" there appends instead of starting over. */
  protected readonly rootParents = new Map<string, PagedParent<unknown>>();
  /** Resolves once the top level has been computed at least once (used by activation marks). */
  firstRender: Promise<void>;
  private resolveFirst!: () => void;

  /** `started` resolves once every folder's brain was located (and migrated when allowed). */
  constructor(
    protected readonly sessions: () => BrainSession[],
    private readonly started: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.firstRender = new Promise((r) => (this.resolveFirst = r));
  }

  /** The children of one folder's brain (the view's real content). */
  protected abstract rootsFor(session: BrainSession): Promise<TreeNode[]>;

  /** A sentence for the view's message area, or undefined for none. */
  message(): string | undefined {
    const visible = this.sessions().filter((s) => s.state !== 'noBrain');
    const notMigrated = visible.filter((s) => !s.readable && s.state !== 'error' && s.state !== 'migrating');
    if (visible.length === 1 && notMigrated.length === 1) return notMigrated[0].detail;
    return undefined;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.treeItem();
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) return node.children ? node.children() : [];
    // The first render waits for the brains to start, so it shows real rows rather than an empty view.
    await this.started();
    try {
      const withBrain = this.sessions().filter((s) => s.readable);
      if (withBrain.length === 0) return [];
      // Group by folder only when more than one folder has a brain.
      if (this.sessions().filter((s) => s.state !== 'noBrain').length === 1) return await this.rootsFor(withBrain[0]);
      return withBrain.map((s) => new FolderNode(s, (x) => this.rootsFor(x)));
    } finally {
      this.resolveFirst();
    }
  }

  /** Redraws (debounced); with `reload`, cached pages are dropped and re-queried. */
  refresh(reload = true): void {
    if (reload) this.rootParents.clear();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.emitter.fire(undefined), 100);
  }

  pageLoaded(parent: PagedParent<unknown>): void {
    if ([...this.rootParents.values()].includes(parent)) this.refresh(false);
    else this.emitter.fire(parent);
  }

  /** A root-level paged parent for a session, created once per reload. */
  protected rootParent<P extends PagedParent<unknown>>(session: BrainSession, make: () => P): P {
    const key = session.folder.uri.toString();
    let p = this.rootParents.get(key) as P | undefined;
    if (!p) {
      p = make();
      this.rootParents.set(key, p);
    }
    return p;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.emitter.dispose();
  }
}

export function markdown(lines: string[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString(lines.join('\n\n'));
  md.supportThemeIcons = true;
  return md;
}

/** Escapes text for a MarkdownString (names and paths come from the database). */
export function md(text: string | number | null | undefined): string {
  return String(text ?? '').replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
