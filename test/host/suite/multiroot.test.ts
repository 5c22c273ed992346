import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, labels, until } from './util';

describe('CORTEX in a multi-root workspace', () => {
  it('keeps one brain per folder that has one and migrates each', async () => {
    const cortex = await api();
    assert.equal(vscode.workspace.workspaceFolders?.length, 3);
    await until('both brains ready', () => cortex.brains().filter((b) => b.state === 'ready').length === 2);
    const states = Object.fromEntries(cortex.brains().map((b) => [b.folder.split(/[\\/]/).pop(), b.state]));
    assert.deepEqual(states, { 'shop-a': 'ready', 'shop-b': 'ready', 'no-brain': 'noBrain' });
    assert.equal(cortex.state, 'ready');
  });

  it('groups every view by folder', async () => {
    const { host } = (await api()).internals;
    const roots = await host.plugins.getChildren();
    assert.deepEqual(labels(roots), ['shop-a', 'shop-b']);
    // The extension runs from its bundle, so compare by contextValue rather than class identity.
    assert.ok(roots.every((r) => r.treeItem().contextValue === 'cortex.folder'));
    assert.deepEqual(labels(await host.plugins.getChildren(roots[1])), ['intelligence', 'maintenance', 'utility']);
    assert.deepEqual(labels(await host.creation.getChildren()), ['shop-a', 'shop-b']);
  });
});
