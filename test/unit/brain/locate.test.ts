import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { brainRootFor, locateBrain } from '../../../src/core/brain/locate';
import { cleanupTempDirs, tempDir } from '../../helpers/fixtures';

function touch(p: string): void {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, '');
}

describe('locateBrain', () => {
  afterEach(cleanupTempDirs);

  it('uses the real 1.0 Tier 1 file by default', () => {
    const ws = tempDir();
    const loc = locateBrain({ workspace: ws, env: {} });
    assert.equal(loc.source, 'default');
    assert.equal(loc.dbPath, path.join(ws, 'cortex-brain', 'tier1', 'conversations.db'));
    assert.equal(loc.exists, false);
    assert.equal(loc.brainRoot, path.join(ws, 'cortex-brain'));
  });

  it('prefers an explicit path, resolved against the workspace', () => {
    const ws = tempDir();
    const loc = locateBrain({ workspace: ws, explicitPath: 'data/brain.db', env: { CORTEX_BRAIN_PATH: '/elsewhere' } });
    assert.equal(loc.source, 'explicit');
    assert.equal(loc.dbPath, path.join(ws, 'data', 'brain.db'));
    assert.equal(loc.brainRoot, path.join(ws, 'data'));
  });

  it('reads databases.tier1.path from a v2 cortex.config.json', () => {
    const ws = tempDir();
    fs.writeFileSync(path.join(ws, 'cortex.config.json'), JSON.stringify({ version: '2.0', databases: { tier1: { path: 'cortex-brain/left-hemisphere/tier1.db' } } }));
    const loc = locateBrain({ workspace: ws, env: {} });
    assert.equal(loc.source, 'config-v2');
    assert.equal(loc.dbPath, path.join(ws, 'cortex-brain', 'left-hemisphere', 'tier1.db'));
    assert.equal(loc.brainRoot, path.join(ws, 'cortex-brain'));
  });

  it('follows CORTEX_BRAIN_PATH, then machines[host].brainPath, when they exist here', () => {
    const ws = tempDir();
    const envBrain = path.join(ws, 'env-brain');
    const machineBrain = path.join(ws, 'machine-brain');
    touch(path.join(machineBrain, 'tier1', 'conversations.db'));
    fs.writeFileSync(path.join(ws, 'cortex.config.json'), JSON.stringify({ machines: { box: { brainPath: machineBrain } } }));
    assert.equal(locateBrain({ workspace: ws, env: { CORTEX_BRAIN_PATH: envBrain }, hostname: 'box' }).source, 'config-machine');
    touch(path.join(envBrain, 'tier1', 'conversations.db'));
    const loc = locateBrain({ workspace: ws, env: { CORTEX_BRAIN_PATH: envBrain }, hostname: 'box' });
    assert.equal(loc.source, 'env');
    assert.equal(loc.dbPath, path.join(envBrain, 'tier1', 'conversations.db'));
  });

  it('notes another machine\'s path and malformed JSON, and falls back to the default', () => {
    const ws = tempDir();
    fs.writeFileSync(path.join(ws, 'cortex.config.json'), JSON.stringify({ machines: { box: { brainPath: 'D:\\PROJECTS\\x\\cortex-brain' } } }));
    const loc = locateBrain({ workspace: ws, env: {}, hostname: 'box' });
    assert.equal(loc.source, 'default');
    assert.match(loc.notes.join(), /does not exist here/);
    fs.writeFileSync(path.join(ws, 'cortex.config.json'), '{ "machines": ');
    const bad = locateBrain({ workspace: ws, env: {} });
    assert.equal(bad.source, 'default');
    assert.match(bad.notes.join(), /not valid JSON/);
  });

  it('finds the brain root above nested tier folders', () => {
    assert.equal(brainRootFor('/w/cortex-brain/tier1/conversations.db'), '/w/cortex-brain');
    assert.equal(brainRootFor('/w/data/x.db'), '/w/data');
  });
});
