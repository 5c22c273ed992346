import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBrain } from '../../../src/core/schema/migrator';
import { cleanupTempDirs, REPO_ROOT, tempDir } from '../../helpers/fixtures';
import { PLUGIN_FIXTURES } from './pluginBrain';

/** Runs the bundled CLI (dist/cli.js, from `npm run build`), so the worker is tested from the bundle too. */
function cortex(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', env: { ...process.env, CORTEX_BRAIN_PATH: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(args: string[]): any {
  const r = cortex([...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('cortex plugins, plugin, hook, boundary, provenance', function () {
  this.timeout(60000);
  let ws: string;
  beforeEach(async () => {
    ws = tempDir();
    await initBrain({ dbPath: path.join(ws, 'cortex-brain', 'tier1', 'conversations.db') });
    for (const f of ['runnable/good_echo', 'invalid/bad_version']) fs.cpSync(path.join(PLUGIN_FIXTURES, f), path.join(ws, 'cortex-brain', 'plugins', path.basename(f)), { recursive: true });
    fs.writeFileSync(path.join(ws, 'notes.txt'), 'from the cli');
  });
  afterEach(cleanupTempDirs);

  it('plugins --json registers and lists plugins with their problems', () => {
    const r = json(['plugins', '--workspace', ws]);
    assert.deepEqual(r.sync, { registered: ['good_echo'], updated: [], disabled: [] });
    const echo = r.plugins.find((p: { plugin_id: string }) => p.plugin_id === 'good_echo');
    assert.deepEqual([echo.builtin, echo.enabled, echo.priority, echo.hooks], [false, true, 50, ['on_startup', 'on_generate_doc']]);
    assert.equal(r.plugins.filter((p: { builtin: boolean }) => p.builtin).length, 4);
    assert.deepEqual(r.problems.map((p: { source: string; severity: string }) => [p.source, p.severity]), [['plugins/bad_version/plugin.json', 'error']]);
  });

  it('plugin --enable/--disable switch one plugin; bad usage and unknown ids fail', () => {
    assert.deepEqual(json(['plugin', '--disable', 'good_echo', '--workspace', ws]), { plugin_id: 'good_echo', enabled: false, note: null });
    assert.equal(json(['plugins', '--workspace', ws]).plugins.find((p: { plugin_id: string }) => p.plugin_id === 'good_echo').enabled, false);
    assert.equal(cortex(['plugin', '--workspace', ws]).code, 2);
    assert.equal(cortex(['plugin', '--enable', 'a', '--disable', 'b', '--workspace', ws]).code, 2);
    const unknown = cortex(['plugin', '--enable', 'nobody', '--workspace', ws, '--json']);
    assert.equal(unknown.code, 1);
    assert.equal(JSON.parse(unknown.stdout).error.code, 'BAD_INPUT');
  });

  it('hook runs third-party plugins only with --trusted and records nothing for built-ins', () => {
    const untrusted = json(['hook', '--name', 'on_startup', '--workspace', ws, '--context', '{"input":"notes.txt"}']);
    assert.deepEqual(untrusted.outcomes.find((o: { plugin_id: string }) => o.plugin_id === 'good_echo'), {
      plugin_id: 'good_echo', status: 'skipped', execution_id: null, duration_ms: null, error: 'workspace not trusted',
    });
    const r = json(['hook', '--name', 'on_startup', '--trusted', '--workspace', ws, '--context', '{"input":"notes.txt"}']);
    assert.equal(r.hook, 'on_startup');
    assert.equal(r.trusted, true);
    const byId = Object.fromEntries(r.outcomes.map((o: { plugin_id: string }) => [o.plugin_id, o]));
    assert.equal(byId.good_echo.status, 'success', byId.good_echo.error);
    assert.equal(byId.good_echo.result.read, 'from the cli');
    assert.equal(typeof byId.good_echo.execution_id, 'number');
    for (const id of ['self_review_plugin', 'db_maintenance_plugin', 'crawler_plugin']) assert.deepEqual([byId[id].status, byId[id].error], ['skipped', 'not available here']);
    assert.equal(fs.readFileSync(path.join(ws, 'generated', 'echo.txt'), 'utf8'), 'FROM THE CLI');

    assert.equal(cortex(['hook', '--name', 'on_full_moon', '--workspace', ws]).code, 2);
    assert.equal(cortex(['hook', '--name', 'on_startup', '--context', '{oops', '--workspace', ws]).code, 2);
  });

  it('boundary decides and records; provenance lists what a plugin wrote', () => {
    const denied = json(['boundary', '--path', '../../etc/passwd', '--intent', 'read', '--workspace', ws]);
    assert.deepEqual([denied.allowed, denied.rule_reference, typeof denied.event_id], [false, 'BOUNDARY#traversal', 'number']);
    const plugin = json(['boundary', '--path', 'notes.txt', '--intent', 'write', '--actor', 'plugin', '--plugin', 'x', '--capabilities', 'fs:read,fs:write', '--workspace', ws]);
    assert.deepEqual([plugin.allowed, plugin.rule_reference, plugin.resolvedPath], [true, 'BOUNDARY#inside-roots', path.join(fs.realpathSync(ws), 'notes.txt')]);
    assert.equal(cortex(['boundary', '--path', 'x', '--intent', 'rename', '--workspace', ws]).code, 2);

    json(['hook', '--name', 'on_startup', '--trusted', '--workspace', ws, '--context', '{"input":"notes.txt"}']);
    const lineage = json(['provenance', '--file', path.join(ws, 'generated', 'echo.txt'), '--workspace', ws]);
    assert.equal(lineage.ref, 'generated/echo.txt');
    assert.deepEqual(lineage.links.map((l: Record<string, string>) => [l.source_type, l.source_ref, l.relation, l.target_ref]), [['plugin', 'good_echo', 'generated', 'generated/echo.txt']]);
    assert.match(cortex(['provenance', '--file', 'notes.txt', '--workspace', ws]).stdout, /notes\.txt: no provenance recorded/);
  });
});
