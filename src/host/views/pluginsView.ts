import * as vscode from 'vscode';
import { Database } from '../../core/db/database';
import { Page } from '../../core/db/paging';
import { HookExecutionRow, listHookExecutions, listPlugins, PluginRow } from '../../core/plugins/queries';
import { BrainSession } from '../brainSession';
import { Commands } from '../ids';
import { BrainTreeProvider, markdown, md, MessageNode, PagedParent, PageOwner, TreeNode } from './tree';

const PRIORITY_NAMES: Record<number, string> = { 0: 'critical', 10: 'high', 50: 'normal', 100: 'low', 1000: 'optional' };

class CategoryNode implements TreeNode {
  readonly id: string;
  constructor(
    readonly session: BrainSession,
    readonly owner: PageOwner,
    readonly category: string,
    readonly plugins: PluginRow[],
  ) {
    this.id = `${session.folder.uri}:category:${category}`;
  }
  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.category, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('symbol-folder');
    item.description = `${this.plugins.length}`;
    item.contextValue = 'cortex.pluginCategory';
    return item;
  }
  async children(): Promise<TreeNode[]> {
    return this.plugins.map((p) => new PluginNode(this.session, this.owner, p));
  }
}

export class PluginNode extends PagedParent<HookExecutionRow> {
  readonly id: string;
  constructor(
    session: BrainSession,
    owner: PageOwner,
    readonly plugin: PluginRow,
  ) {
    super(session, owner, 20);
    this.id = `${session.folder.uri}:plugin:${plugin.plugin_id}`;
  }
  treeItem(): vscode.TreeItem {
    const p = this.plugin;
    const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = `${p.version} · ${PRIORITY_NAMES[p.priority] ?? `priority ${p.priority}`}${p.enabled ? '' : ' · disabled'}`;
    item.iconPath = new vscode.ThemeIcon(p.enabled ? 'extensions' : 'circle-slash', p.enabled ? undefined : new vscode.ThemeColor('disabledForeground'));
    item.tooltip = markdown([
      `**${md(p.name)}** \`${p.plugin_id}\` ${md(p.version)}`,
      md(p.description ?? ''),
      `Category: ${md(p.category)} · priority ${p.priority} · ${p.enabled ? 'enabled' : 'disabled'}`,
      `Hooks: ${p.hooks.map((h) => `\`${h}\``).join(', ') || 'none'}`,
      p.dependencies.length ? `Depends on: ${p.dependencies.map((d) => `\`${d}\``).join(', ')}` : '',
      `Registered ${md(p.registered_at)} UTC${p.author ? ` by ${md(p.author)}` : ''}`,
    ]);
    item.contextValue = p.enabled ? 'cortex.plugin.enabled' : 'cortex.plugin.disabled';
    return item;
  }
  protected fetch(db: Database, offset: number, limit: number): Promise<Page<HookExecutionRow>> {
    return listHookExecutions(db, this.plugin.plugin_id, { offset, limit });
  }
  protected toNode(row: HookExecutionRow): TreeNode {
    return new ExecutionNode(this.id, this.session, row);
  }
  protected emptyNode(): TreeNode {
    return new MessageNode(`${this.id}:none`, 'No hook runs yet', 'history');
  }
}

const STATUS_ICON: Record<string, [string, string | undefined]> = {
  success: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  running: ['loading~spin', undefined],
};

export class ExecutionNode implements TreeNode {
  readonly id: string;
  constructor(
    parentId: string,
    readonly session: BrainSession,
    readonly row: HookExecutionRow,
  ) {
    this.id = `${parentId}:exec:${row.id}`;
  }
  treeItem(): vscode.TreeItem {
    const r = this.row;
    const item = new vscode.TreeItem(r.hook, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const [icon, color] = STATUS_ICON[r.status] ?? ['circle-outline', undefined];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.description = `${r.status}${r.duration_ms !== null ? ` · ${Math.round(r.duration_ms)} ms` : ''} · ${r.started_at}`;
    item.tooltip = markdown([`**${md(r.hook)}** — ${md(r.status)}`, `Started ${md(r.started_at)} UTC`, r.error_message ? `Error: ${md(r.error_message)}` : '']);
    item.contextValue = `cortex.hookExecution.${r.status}`;
    item.command = { command: Commands.showExecution, title: 'Show Execution Details', arguments: [this] };
    return item;
  }
}

/** Plugins grouped by category; children are each plugin's recent hook runs. */
export class PluginsView extends BrainTreeProvider {
  protected async rootsFor(session: BrainSession): Promise<TreeNode[]> {
    const plugins = await session.withReader((db) => listPlugins(db));
    if (!plugins) return [];
    const byCategory = new Map<string, PluginRow[]>();
    for (const p of plugins) byCategory.set(p.category, [...(byCategory.get(p.category) ?? []), p]);
    return [...byCategory.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([c, ps]) => new CategoryNode(session, this, c, ps));
  }
}
