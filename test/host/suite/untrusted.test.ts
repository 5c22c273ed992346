import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, folder, until } from './util';

const dbPath = () => path.join(folder().uri.fsPath, 'cortex-brain', 'tier1', 'conversations.db');
const sha = () => crypto.createHash('sha256').update(fs.readFileSync(dbPath())).digest('hex');

describe('CORTEX in an untrusted workspace (Restricted Mode)', () => {
  it('opens the 1.0 brain read-only and writes nothing', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const hash = sha();
    const cortex = await api();
    await until('read-only', () => cortex.state === 'readOnly');
    assert.match(cortex.brains()[0].detail, /Restricted Mode/);
    assert.equal(sha(), hash, 'the brain is byte-identical');
    assert.equal(fs.existsSync(path.join(folder().uri.fsPath, 'cortex-brain', 'backups')), false, 'no backup either');
  });

  it('refuses every writing command until trusted', async () => {
    const hash = sha();
    const entries = () => fs.readdirSync(folder().uri.fsPath).sort();
    const before = entries();
    for (const id of ['cortex.migrateNow', 'cortex.restoreBackup', 'cortex.initBrain', 'cortex.runSelfReview', 'cortex.runMaintenance', 'cortex.applyRetention', 'cortex.crawlWorkspace', 'cortex.createIncrementally']) {
      assert.equal(await vscode.commands.executeCommand(id), undefined, id);
    }
    assert.equal(sha(), hash, 'the brain is byte-identical');
    assert.deepEqual(entries(), before, 'no file was created in the workspace');
    assert.equal((await api()).state, 'readOnly');
  });

  it('shows no plugin rows (no 2.0 registry yet) and explains why', async () => {
    const { host } = (await api()).internals;
    assert.deepEqual(await host.plugins.getChildren(), []);
    assert.match(host.plugins.message() ?? '', /Restricted Mode/);
  });
});
