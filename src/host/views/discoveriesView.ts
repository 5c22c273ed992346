import * as vscode from 'vscode';
import { Database } from '../../core/db/database';
import { Page } from '../../core/db/paging';
import { DiscoveredApi, DiscoveredDatabase, DiscoveredFramework, DiscoveryByKind, DiscoveryKind, listDiscoveries } from '../../core/knowledge/discoveries';
import { BrainSession } from '../brainSession';
import { Commands } from '../ids';
import { BrainTreeProvider, markdown, md, MessageNode, PagedParent, PageOwner, TreeNode } from './tree';

const GROUPS: Record<DiscoveryKind, { label: string; icon: string; empty: string }> = {
  databases: { label: 'Databases', icon: 'database', empty: 'No databases discovered' },
  apis: { label: 'APIs', icon: 'globe', empty: 'No APIs discovered' },
  frameworks: { label: 'Frameworks', icon: 'layers', empty: 'No frameworks discovered' },
};

function when(epochSeconds: number | null): string {
  return epochSeconds === null ? 'never' : `${new Date(epochSeconds * 1000).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

export class DiscoveryGroupNode<K extends DiscoveryKind> extends PagedParent<DiscoveryByKind[K]> {
  readonly id: string;
  constructor(
    session: BrainSession,
    owner: PageOwner,
    readonly kind: K,
  ) {
    super(session, owner);
    this.id = `${session.folder.uri}:discoveries:${kind}`;
  }
  treeItem(): vscode.TreeItem {
    const g = GROUPS[this.kind];
    const item = new vscode.TreeItem(g.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(g.icon);
    item.contextValue = `cortex.discoveryGroup.${this.kind}`;
    return item;
  }
  protected fetch(db: Database, offset: number, limit: number): Promise<Page<DiscoveryByKind[K]> | undefined> {
    return listDiscoveries(db, this.kind, { offset, limit });
  }
  protected toNode(row: DiscoveryByKind[K]): TreeNode {
    return new DiscoveryNode(this.id, this.session, this.kind, row);
  }
  protected emptyNode(): TreeNode {
    return new MessageNode(`${this.id}:none`, GROUPS[this.kind].empty, 'circle-slash');
  }
}

export class DiscoveryNode implements TreeNode {
  readonly id: string;
  constructor(
    parentId: string,
    readonly session: BrainSession,
    readonly kind: DiscoveryKind,
    readonly row: DiscoveryByKind[DiscoveryKind],
  ) {
    this.id = `${parentId}:${row.id}`;
  }
  treeItem(): vscode.TreeItem {
    let label: string;
    let description: string;
    const lines: string[] = [];
    if (this.kind === 'databases') {
      const d = this.row as DiscoveredDatabase;
      label = d.database_name ?? d.host ?? d.database_type;
      description = `${d.database_type} · ${d.host ?? 'local'}${d.port ? `:${d.port}` : ''}${d.database_name ? `/${d.database_name}` : ''}`;
      lines.push(`**${md(d.database_type)}** database`, `\`${d.connection_string.replace(/`/g, "'")}\``, d.table_count ? `${d.table_count} tables` : '');
    } else if (this.kind === 'apis') {
      const a = this.row as DiscoveredApi;
      label = a.base_url;
      description = `${a.api_type}${a.authentication_type ? ` · ${a.authentication_type}` : ''} · ${a.endpoints.length} endpoints`;
      lines.push(`**${md(a.api_type)}** API`, md(a.base_url), a.spec_location ? `Spec: ${md(a.spec_location)}` : '');
    } else {
      const f = this.row as DiscoveredFramework;
      label = f.framework_type;
      description = `${f.version ?? 'version unknown'}${f.config_location ? ` · ${vscode.workspace.asRelativePath(f.config_location)}` : ''}`;
      lines.push(`**${md(f.framework_type)}** ${md(f.version ?? '')}`, f.config_location ? `From ${md(f.config_location)}` : '');
    }
    const stale = this.row.stale;
    lines.push(`Discovered ${when(this.row.discovered_at)} · verified ${when(this.row.last_verified)}${stale ? ' · **stale**' : ''}`);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = stale ? `${description} · stale` : description;
    item.iconPath = new vscode.ThemeIcon(stale ? 'history' : GROUPS[this.kind].icon, stale ? new vscode.ThemeColor('list.warningForeground') : undefined);
    item.tooltip = markdown(lines.filter(Boolean));
    item.contextValue = `cortex.discovery.${this.kind}${stale ? '.stale' : ''}`;
    item.command = { command: Commands.openDiscovery, title: 'Open Where Found', arguments: [this] };
    return item;
  }
}

/** Databases / APIs / Frameworks the crawler found. */
export class DiscoveriesView extends BrainTreeProvider {
  protected async rootsFor(session: BrainSession): Promise<TreeNode[]> {
    const kinds: DiscoveryKind[] = ['databases', 'apis', 'frameworks'];
    const groups = kinds.map((k) => new DiscoveryGroupNode(session, this, k));
    // Show the groups only when something was discovered, so the welcome text explains an empty view.
    for (const g of groups) await g.loadMore();
    const any = await Promise.all(groups.map(async (g) => (await g.children()).some((c) => c instanceof DiscoveryNode)));
    return any.some(Boolean) ? groups : [];
  }
}
