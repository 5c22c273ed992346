import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CortexError } from '../../../src/core/db/errors';
import { RULES } from '../../../src/core/integrity/boundary';
import { lineageOf } from '../../../src/core/integrity/provenance';
import { Logger } from '../../../src/core/log';
import { BUILTIN_PLUGINS } from '../../../src/core/plugins/builtin';
import { boundedJson, MAX_STORED_JSON_BYTES } from '../../../src/core/plugins/executions';
import { setPluginEnabled, syncPluginRegistry } from '../../../src/core/plugins/registry';
import { BuiltinHandler, runHook, RunHookOptions } from '../../../src/core/plugins/runner';
import { cleanupTempDirs } from '../../helpers/fixtures';
import { PluginBrain, pluginBrain } from './pluginBrain';

interface ExecutionRow {
  id: number;
  plugin_id: string;
  hook: string;
  status: string;
  completed_at: string | null;
  duration_ms: number | null;
  error_message: string | null;
  context_json: string | null;
  result_json: string | null;
}

const executions = (brain: PluginBrain) => brain.db.all<ExecutionRow>('SELECT * FROM plugin_hook_executions ORDER BY id');
const byPlugin = <T extends { plugin_id: string }>(rows: T[]) => Object.fromEntries(rows.map((r) => [r.plugin_id, r]));

function options(brain: PluginBrain, extra: Partial<RunHookOptions> = {}): RunHookOptions {
  return { trusted: true, boundary: { workspace: brain.workspace, brainRoot: brain.brainRoot }, ...extra };
}

function memoryLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => void lines.push(m);
  return { lines, trace: push, info: push, warn: push, error: push };
}

describe('hook runner', function () {
  this.timeout(60000);
  let brain: PluginBrain;
  afterEach(async () => {
    await brain.db.close();
    cleanupTempDirs();
  });

  describe('built-in plugins (in process)', () => {
    beforeEach(async () => {
      brain = await pluginBrain();
    });

    it('runs them by priority then id, isolates a failure and a time-out, and audits each run', async () => {
      const seen: string[] = [];
      let aborted = false;
      const builtins: Record<string, BuiltinHandler> = {
        self_review_plugin: async () => {
          seen.push('self_review_plugin');
          throw new Error('review engine exploded');
        },
        db_maintenance_plugin: async (ctx) => {
          seen.push('db_maintenance_plugin');
          // The 'running' row is written before the plugin starts.
          const row = await brain.db.get<{ status: string }>("SELECT status FROM plugin_hook_executions WHERE plugin_id = 'db_maintenance_plugin'");
          return { success: true, statusWhileRunning: row?.status, echo: ctx };
        },
        crawler_plugin: (_ctx, signal) => {
          seen.push('crawler_plugin');
          return new Promise((resolve) => signal.addEventListener('abort', () => { aborted = true; resolve('too late'); }));
        },
      };
      const report = await runHook(brain.db, 'on_startup', { reason: 'test' }, options(brain, { builtins, timeoutMs: 300 }));

      // HIGH (10): db_maintenance, self_review by id; NORMAL (50): crawler.
      assert.deepEqual(seen, ['db_maintenance_plugin', 'self_review_plugin', 'crawler_plugin']);
      assert.deepEqual(report.outcomes.map((o) => [o.plugin_id, o.status, o.error]), [
        ['db_maintenance_plugin', 'success', undefined],
        ['self_review_plugin', 'failed', 'review engine exploded'],
        ['crawler_plugin', 'failed', 'timed out after 300 ms'],
      ]);
      assert.ok(aborted, 'the time limit aborts the built-in\'s signal');

      const rows = byPlugin(await executions(brain));
      assert.equal(Object.keys(rows).length, 3);
      for (const r of Object.values(rows)) {
        assert.equal(r.hook, 'on_startup');
        assert.notEqual(r.completed_at, null);
        assert.equal(typeof r.duration_ms, 'number');
        assert.deepEqual(JSON.parse(r.context_json ?? ''), { reason: 'test' });
      }
      assert.deepEqual(JSON.parse(rows.db_maintenance_plugin.result_json ?? ''), { success: true, statusWhileRunning: 'running', echo: { reason: 'test' } });
      assert.deepEqual([rows.self_review_plugin.status, rows.self_review_plugin.error_message, rows.self_review_plugin.result_json], ['failed', 'review engine exploded', null]);
      assert.equal(rows.crawler_plugin.error_message, 'timed out after 300 ms');
      assert.ok((rows.crawler_plugin.duration_ms ?? 0) >= 290);
      const outcomeIds = report.outcomes.map((o) => o.execution_id);
      assert.deepEqual(outcomeIds, [rows.db_maintenance_plugin.id, rows.self_review_plugin.id, rows.crawler_plugin.id]);
    });

    it('skips a built-in whose engine is not supplied, without a row; treats { success: false } as a failure', async () => {
      const report = await runHook(brain.db, 'on_startup', null, options(brain, {
        builtins: { crawler_plugin: async () => ({ success: false, message: 'no workspace to crawl' }) },
      }));
      assert.deepEqual(report.outcomes.map((o) => [o.plugin_id, o.status, o.error]), [
        ['db_maintenance_plugin', 'skipped', 'not available here'],
        ['self_review_plugin', 'skipped', 'not available here'],
        ['crawler_plugin', 'failed', 'no workspace to crawl'],
      ]);
      const rows = await executions(brain);
      assert.deepEqual(rows.map((r) => [r.plugin_id, r.status, JSON.parse(r.result_json ?? 'null')]), [
        ['crawler_plugin', 'failed', { success: false, message: 'no workspace to crawl' }],
      ]);
    });

    it('stores a huge result as a valid truncated JSON marker of at most 64 KB', async () => {
      await runHook(brain.db, 'on_generate_doc', {}, options(brain, { builtins: { incremental_creation_plugin: async () => ({ text: 'é'.repeat(100_000) }) } }));
      const [row] = await executions(brain);
      const stored = row.result_json ?? '';
      assert.ok(Buffer.byteLength(stored) <= MAX_STORED_JSON_BYTES);
      const marker = JSON.parse(stored);
      assert.equal(marker.truncated, true);
      assert.equal(marker.original_bytes, Buffer.byteLength(JSON.stringify({ text: 'é'.repeat(100_000) })));
      assert.ok(marker.preview.startsWith('{"text":"éé'));
    });

    it('refuses an unknown hook and a context that is not JSON', async () => {
      await assert.rejects(runHook(brain.db, 'on_full_moon', {}, options(brain)), (e: unknown) => e instanceof CortexError && e.code === 'BAD_INPUT');
      await assert.rejects(runHook(brain.db, 'on_startup', { n: 1n }, options(brain)), (e: unknown) => e instanceof CortexError && /not JSON data/.test(e.message));
      assert.deepEqual(await executions(brain), []);
    });
  });

  describe('third-party plugins (in a worker)', () => {
    beforeEach(async () => {
      brain = await pluginBrain(['runnable/good_echo', 'runnable/after_echo', 'runnable/slow_sleeper', 'runnable/throws_error', 'runnable/reports_failure', 'runnable/sneaky_reader']);
      fs.writeFileSync(path.join(brain.workspace, 'notes.txt'), 'hello notes');
      fs.writeFileSync(path.join(brain.workspace, '.env'), 'API_KEY=do-not-leak');
      const report = await syncPluginRegistry(brain.db, brain);
      assert.deepEqual(report.problems, []);
      // The built-ins are not the subject here (and have no engine in these tests).
      for (const p of BUILTIN_PLUGINS) await setPluginEnabled(brain.db, p.plugin_id, false);
    });

    it('runs them in order; a busy loop, a throw and a reported failure do not stop the others', async () => {
      const log = memoryLog();
      await setPluginEnabled(brain.db, 'sneaky_reader', false);
      const report = await runHook(brain.db, 'on_startup', { input: 'notes.txt' }, options(brain, { timeoutMs: 1500, log }));
      // HIGH: slow_sleeper, throws_error; NORMAL: good_echo; after_echo (CRITICAL) must wait for good_echo; LOW: reports_failure.
      assert.deepEqual(report.outcomes.map((o) => [o.plugin_id, o.status, o.error]), [
        ['slow_sleeper', 'failed', 'timed out after 1500 ms'],
        ['throws_error', 'failed', 'boom from throws_error'],
        ['good_echo', 'success', undefined],
        ['after_echo', 'success', undefined],
        ['reports_failure', 'failed', 'nothing to clean'],
      ]);
      const echo = report.outcomes[2].result as { read: string; listed: string[] };
      assert.equal(echo.read, 'hello notes');
      assert.ok(echo.listed.includes('notes.txt') && echo.listed.includes('cortex-brain'));
      assert.equal(fs.readFileSync(path.join(brain.workspace, 'generated', 'echo.txt'), 'utf8'), 'HELLO NOTES');
      assert.ok(log.lines.includes('[plugin good_echo] echoed notes.txt'), log.lines.join('\n'));

      const rows = byPlugin(await executions(brain));
      assert.deepEqual(
        Object.values(rows).map((r) => [r.plugin_id, r.status, r.error_message]),
        report.outcomes.map((o) => [o.plugin_id, o.status, o.error ?? null]),
      );
      assert.ok((rows.slow_sleeper.duration_ms ?? 0) >= 1400);
      assert.equal(JSON.parse(rows.after_echo.result_json ?? '').ran, 'after_echo');

      const events = await brain.db.all<{ event_type: string; path: string; allowed: number; plugin_id: string }>(
        "SELECT event_type, path, allowed, plugin_id FROM boundary_events WHERE plugin_id = 'good_echo' ORDER BY id",
      );
      const entry = path.join(brain.brainRoot, 'plugins', 'good_echo', 'index.js');
      assert.deepEqual(events.map((e) => [e.event_type, e.path, e.allowed]), [
        ['plugin', fs.realpathSync(entry), 1],
        ['read', 'notes.txt', 1],
        ['scan', '.', 1],
        ['write', 'generated/echo.txt', 1],
      ]);
      assert.deepEqual((await lineageOf(brain.db, 'file', 'generated/echo.txt')).map((l) => [l.source_type, l.source_ref, l.relation]), [['plugin', 'good_echo', 'generated']]);
      await runHook(brain.db, 'on_startup', { input: 'notes.txt' }, options(brain, { timeoutMs: 1500 }));
      assert.deepEqual((await lineageOf(brain.db, 'file', 'generated/echo.txt')).map((l) => l.relation), ['updated', 'generated']);
    });

    it('denies and records every escape a plugin tries through the API, and gives it no require or process', async () => {
      for (const id of ['good_echo', 'after_echo', 'slow_sleeper', 'throws_error', 'reports_failure']) await setPluginEnabled(brain.db, id, false);
      const report = await runHook(brain.db, 'on_startup', {}, options(brain));
      const [outcome] = report.outcomes;
      assert.equal(outcome.status, 'success', outcome.error);
      const result = outcome.result as { results: Array<{ op: string; path: string; ok: boolean; value?: string; error?: string }>; requireError: string; hasProcess: boolean };
      const expected: Array<[string, string | undefined]> = [
        ['../../etc/passwd', RULES.traversal],
        ['/etc/passwd', RULES.outsideRoots],
        ['.env', RULES.secretEnv],
        ['config\\..\\..\\..\\etc\\passwd', RULES.traversal],
        ['stolen.txt', RULES.capabilityWrite],
        ['notes.txt', undefined],
      ];
      assert.deepEqual(
        result.results.map((r) => [r.path, r.ok]),
        expected.map(([p, rule]) => [p, rule === undefined]),
      );
      result.results.forEach((r, i) => {
        const rule = expected[i][1];
        if (rule) assert.match(r.error ?? '', new RegExp(`^denied \\(${rule.replace(/[#:]/g, '\\$&')}\\)`), r.path);
      });
      assert.equal(result.results[5].value, 'hello notes');
      assert.ok(!JSON.stringify(result).includes('do-not-leak'));
      assert.ok(!fs.existsSync(path.join(brain.workspace, 'stolen.txt')));
      assert.match(result.requireError, /require\("fs"\) is not available to CORTEX plugins/);
      assert.equal(result.hasProcess, false);

      const denials = await brain.db.all<{ path: string; rule_reference: string }>(
        "SELECT path, rule_reference FROM boundary_events WHERE plugin_id = 'sneaky_reader' AND allowed = 0 ORDER BY id",
      );
      assert.deepEqual(denials.map((d) => [d.path, d.rule_reference]), expected.filter(([, rule]) => rule).map(([p, rule]) => [p, rule]));
    });

    it('runs no third-party code and writes no row in an untrusted workspace', async () => {
      const report = await runHook(brain.db, 'on_startup', { input: 'notes.txt' }, options(brain, { trusted: false }));
      assert.equal(report.outcomes.length, 6);
      assert.ok(report.outcomes.every((o) => o.status === 'skipped' && o.error === 'workspace not trusted' && o.execution_id === null));
      assert.deepEqual(await executions(brain), []);
      assert.deepEqual(await brain.db.all('SELECT * FROM boundary_events'), []);
      assert.ok(!fs.existsSync(path.join(brain.workspace, 'generated')));
    });

    it('records a failed run saying why when a dependency is disabled or the manifest has gone', async () => {
      for (const id of ['slow_sleeper', 'throws_error', 'reports_failure', 'sneaky_reader']) await setPluginEnabled(brain.db, id, false);
      await setPluginEnabled(brain.db, 'good_echo', false);
      let report = await runHook(brain.db, 'on_startup', {}, options(brain));
      assert.deepEqual(report.outcomes.map((o) => [o.plugin_id, o.status, o.error]), [['after_echo', 'failed', 'not run: depends on good_echo, which is disabled']]);

      await setPluginEnabled(brain.db, 'good_echo', true);
      fs.rmSync(path.join(brain.brainRoot, 'plugins', 'after_echo'), { recursive: true });
      report = await runHook(brain.db, 'on_startup', { input: 'notes.txt' }, options(brain));
      assert.deepEqual(report.outcomes.map((o) => [o.plugin_id, o.status]), [['good_echo', 'success'], ['after_echo', 'failed']]);
      assert.match(report.outcomes[1].error ?? '', /no valid manifest/);
      assert.equal((await executions(brain)).length, 3);
    });

    it('re-validates manifests at run time: an entry swapped for a link out of the plugin folder is not loaded', async () => {
      for (const id of ['after_echo', 'slow_sleeper', 'throws_error', 'reports_failure', 'sneaky_reader']) await setPluginEnabled(brain.db, id, false);
      const outside = path.join(brain.workspace, 'evil.js');
      fs.writeFileSync(outside, 'module.exports = { hooks: { on_startup: () => "evil ran" } };');
      const entry = path.join(brain.brainRoot, 'plugins', 'good_echo', 'index.js');
      fs.rmSync(entry);
      fs.symlinkSync(outside, entry);
      const report = await runHook(brain.db, 'on_startup', {}, options(brain));
      assert.equal(report.outcomes[0].status, 'failed');
      assert.match(report.outcomes[0].error ?? '', /no valid manifest/);
      assert.notEqual(report.outcomes[0].result, 'evil ran');
    });
  });

  it('stops a plugin that overruns the 100 MB heap, and keeps running the next hook', async () => {
    brain = await pluginBrain(['runnable/memory_hog', 'runnable/reports_failure']);
    await syncPluginRegistry(brain.db, brain);
    const report = await runHook(brain.db, 'on_startup', {}, options(brain, { timeoutMs: 30000 }));
    assert.deepEqual(report.outcomes.filter((o) => o.status !== 'skipped').map((o) => [o.plugin_id, o.status, o.error]), [
      ['reports_failure', 'failed', 'nothing to clean'],
      ['memory_hog', 'failed', 'exceeded the 100 MB heap limit'],
    ]);
    const again = await runHook(brain.db, 'on_startup', {}, options(brain, { timeoutMs: 30000 }));
    assert.equal(again.outcomes.filter((o) => o.status === 'failed').length, 2);
  });
});

describe('execution JSON', () => {
  it('boundedJson() keeps small values, marks unserializable ones and maps undefined to null', () => {
    assert.equal(boundedJson({ a: 1 }), '{"a":1}');
    assert.equal(boundedJson(undefined), null);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.match(boundedJson(circular) ?? '', /^\{"unserializable":".*circular/);
    const quotes = boundedJson('"'.repeat(200_000)) ?? '';
    assert.ok(Buffer.byteLength(quotes) <= MAX_STORED_JSON_BYTES);
    assert.equal(JSON.parse(quotes).truncated, true);
  });
});
