import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MIGRATIONS } from '../../../src/core/schema/migrations';
import { checkSchema, cleanupTempDirs, legacyWorkspace, REPO_ROOT, tempDir } from '../../helpers/fixtures';

/** Runs the built CLI (dist/cli.js) as a user would. */
function cortex(args: string[], cwd = REPO_ROOT): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, CORTEX_BRAIN_PATH: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cortex CLI', function () {
  this.timeout(30000);
  afterEach(cleanupTempDirs);

  it('init creates a 2.0 brain in the workspace\'s default place; migrate then says up to date', () => {
    const ws = tempDir();
    const init = cortex(['init', '--workspace', ws]);
    assert.equal(init.code, 0, init.stderr);
    const db = path.join(ws, 'cortex-brain', 'tier1', 'conversations.db');
    assert.ok(checkSchema(db).ok);
    const again = cortex(['migrate'], ws);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /up to date/);
  });

  it('migrate on a workspace without a brain fails with one line pointing to init, creating nothing', () => {
    const ws = tempDir();
    const r = cortex(['migrate', '--workspace', ws]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /No CORTEX brain at .*cortex init/);
    assert.deepEqual(fs.readdirSync(ws), []);
  });

  it('returns 2 on bad usage', () => {
    assert.equal(cortex([]).code, 2);
    assert.equal(cortex(['frobnicate']).code, 2);
    assert.equal(cortex(['migrate', '--no-such-flag']).code, 2);
    assert.equal(cortex(['restore', '--db', '/tmp/x.db']).code, 2);
    assert.equal(cortex(['status', '--busy-timeout', 'soon']).code, 2);
  });

  it('--json gives the documented shapes for migrate, status and errors', async () => {
    const { workspace, dbPath } = await legacyWorkspace('working-memory');
    const dry = cortex(['migrate', '--dry-run', '--json', '--workspace', workspace]);
    assert.equal(dry.code, 0, dry.stderr);
    const plan = JSON.parse(dry.stdout);
    assert.equal(plan.outcome, 'dry-run');
    assert.equal(plan.plan.length, MIGRATIONS.length);

    const run = JSON.parse(cortex(['migrate', '--json', '--db', dbPath]).stdout);
    assert.equal(run.outcome, 'migrated');
    assert.equal(typeof run.backupPath, 'string');
    assert.equal(typeof run.timingsMs.total, 'number');

    const status = JSON.parse(cortex(['status', '--json', '--workspace', workspace]).stdout);
    assert.equal(status.state, 'up-to-date');
    assert.equal(status.applied.length, MIGRATIONS.length);
    assert.equal(status.lastBackup.path, run.backupPath);
    assert.equal(typeof status.sizeBytes, 'number');

    fs.writeFileSync(dbPath, 'garbage that is not sqlite at all');
    const bad = cortex(['status', '--json', '--db', dbPath]);
    assert.equal(bad.code, 1);
    assert.equal(JSON.parse(bad.stdout).error.code, 'NOT_A_DATABASE');
  });

  it('restore --backup puts the pre-migration brain back', async () => {
    const { workspace } = await legacyWorkspace('conversation-manager');
    const run = JSON.parse(cortex(['migrate', '--json', '--workspace', workspace]).stdout);
    const r = cortex(['restore', '--backup', run.backupPath, '--workspace', workspace]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /replaced file is kept at/);
    const status = JSON.parse(cortex(['status', '--json', '--workspace', workspace]).stdout);
    assert.equal(status.state, 'pending');
  });
});
