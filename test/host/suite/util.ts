import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CortexApi } from '../../../src/extension';
import type { TreeNode } from '../../../src/host/views/tree';

export const EXTENSION_ID = 'cortex-community.cortex-vscode';

export async function api(): Promise<CortexApi> {
  const ext = vscode.extensions.getExtension<CortexApi>(EXTENSION_ID);
  assert.ok(ext, 'the extension is installed');
  const cortex = ext.isActive ? ext.exports : await ext.activate();
  await cortex.whenReady();
  return cortex;
}

export function folder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'a workspace folder is open');
  return f;
}

export async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 15000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** Labels of a node's tree items, as the view would render them. */
export function labels(nodes: readonly TreeNode[]): string[] {
  return nodes.map((n) => {
    const l = n.treeItem().label;
    return typeof l === 'string' ? l : (l?.label ?? '');
  });
}

export function descriptions(nodes: readonly TreeNode[]): string[] {
  return nodes.map((n) => String(n.treeItem().description ?? ''));
}
