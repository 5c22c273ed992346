import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { cleanupTempDirs, query, REPO_ROOT } from '../../helpers/fixtures';
import { daysAgo, exec, migratedWorkspace, writeAged } from '../../helpers/brains';

/** Runs the built CLI (dist/cli.js) as a user would. */
function cortex(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', env: { ...process.env, CORTEX_BRAIN_PATH: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cortex review / maintain / retention', function () {
  this.timeout(60000);
  afterEach(cleanupTempDirs);

  it('review --json gives categories with measured flags, the overall and the saved report id; --auto-fix fixes', async () => {
    const ws = await migratedWorkspace();
    for (let i = 0; i < 11; i++) writeAged(path.join(ws.brainRoot, 'crawler-temp', `t${i}`), 'x', 10);
    const r = cortex(['review', '--json', '--workspace', ws.workspace]);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(json.categories).sort(), ['database', 'performance', 'rule_compliance', 'storage', 'tests']);
    assert.deepEqual([json.categories.tests.measured, json.categories.storage.score, json.autoFixableCount, json.fixedCount], [false, 0.95, 1, 0]);
    assert.equal(typeof json.reportId, 'number');
    const fixed = JSON.parse(cortex(['review', '--auto-fix', '--json', '--db', ws.dbPath]).stdout);
    assert.equal(fixed.fixedCount, 1);
    const text = cortex(['review', '--workspace', ws.workspace]);
    assert.match(text.stdout, /health 100% excellent \(report #3\)/);
    assert.match(text.stdout, /tests +not measured — no JUnit XML/);
  });

  it('maintain runs a tier (exit 0), plans with --dry-run, and rejects a bad tier with usage (exit 2)', async () => {
    const ws = await migratedWorkspace();
    const dry = JSON.parse(cortex(['maintain', '--tier', 'tier3', '--dry-run', '--json', '--workspace', ws.workspace]).stdout);
    assert.deepEqual([dry.status, dry.plan.steps.map((s: { op: string }) => s.op)], ['planned', ['reindex', 'vacuum', 'analyze', 'optimize']]);
    const run = cortex(['maintain', '--tier', 'tier2', '--json', '--workspace', ws.workspace]);
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout);
    assert.deepEqual([json.status, json.operations], ['success', ['reindex', 'analyze', 'optimize']]);
    assert.deepEqual(await query(ws.dbPath, 'SELECT id, status FROM maintenance_runs'), [{ id: json.runId, status: 'success' }]);
    assert.equal(cortex(['maintain', '--tier', 'tier9', '--workspace', ws.workspace]).code, 2);
    assert.equal(cortex(['maintain', '--workspace', ws.workspace]).code, 2);
  });

  it('retention --dry-run lists, retention deletes; --keep overrides days; an unknown table is bad usage', async () => {
    const ws = await migratedWorkspace();
    const now = new Date();
    await exec(ws.dbPath, `INSERT INTO boundary_events (occurred_at, event_type, path, allowed) VALUES ('${daysAgo(now, 20)}', 'read', 'a', 1), ('${daysAgo(now, 100)}', 'read', 'b', 1)`);
    const dry = cortex(['retention', '--dry-run', '--workspace', ws.workspace]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /boundary_events: 1 rows would go — older than 90 days/);
    const run = JSON.parse(cortex(['retention', '--json', '--keep', 'boundary_events=10', '--workspace', ws.workspace]).stdout);
    assert.equal(run.totalDeleted, 2);
    assert.equal(typeof run.longestLockMs, 'number');
    assert.equal(typeof run.snapshotId, 'number');
    assert.equal(cortex(['retention', '--keep', 'conversations=5', '--workspace', ws.workspace]).code, 2);
  });
});
