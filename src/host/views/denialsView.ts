import * as vscode from 'vscode';
import { BoundaryEventRow, recentDenials } from '../../core/integrity/boundaryEvents';
import { tableExists } from '../../core/schema/structure';
import { BrainSession } from '../brainSession';
import { BrainTreeProvider, markdown, md, TreeNode } from './tree';

const SHOWN = 50;

class DenialNode implements TreeNode {
  readonly id: string;
  constructor(
    session: BrainSession,
    readonly row: BoundaryEventRow,
  ) {
    this.id = `${session.folder.uri}:denial:${row.id}`;
  }
  treeItem(): vscode.TreeItem {
    const r = this.row;
    const item = new vscode.TreeItem(r.path, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('shield', new vscode.ThemeColor('list.errorForeground'));
    item.description = `${r.event_type} · ${r.plugin_id ?? 'engine'} · ${r.occurred_at}`;
    item.tooltip = markdown([
      `**Denied ${md(r.event_type)}** of \`${r.path.replace(/`/g, "'")}\``,
      md(r.reason ?? ''),
      r.rule_reference ? `Rule: \`${r.rule_reference}\`` : '',
      `By ${md(r.plugin_id ?? 'a CORTEX engine')} at ${md(r.occurred_at)} UTC`,
    ]);
    item.contextValue = 'cortex.denial';
    return item;
  }
}

/** The boundary guard's most recent denials: what plugins, agents and engines were not allowed to touch. */
export class DenialsView extends BrainTreeProvider {
  protected async rootsFor(session: BrainSession): Promise<TreeNode[]> {
    const rows = await session.withReader(async (db) => ((await tableExists(db, 'boundary_events')) ? recentDenials(db, SHOWN) : []));
    return rows.map((r) => new DenialNode(session, r));
  }
}
