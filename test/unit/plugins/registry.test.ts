import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database, withDatabase } from '../../../src/core/db/database';
import { CortexError } from '../../../src/core/db/errors';
import { listHookExecutions, listPlugins } from '../../../src/core/plugins/queries';
import { setPluginEnabled, syncPluginRegistry } from '../../../src/core/plugins/registry';
import { cleanupTempDirs, legacyWorkspace } from '../../helpers/fixtures';
import { PLUGIN_FIXTURES, PluginBrain, pluginBrain } from './pluginBrain';

async function enabledOf(db: Database): Promise<Record<string, boolean>> {
  return Object.fromEntries(((await listPlugins(db)) ?? []).map((p) => [p.plugin_id, p.enabled]));
}

function writeConfig(brain: PluginBrain, plugins: unknown): void {
  fs.writeFileSync(path.join(brain.workspace, 'cortex.config.json'), JSON.stringify({ version: '2.0', plugins }));
}

function editManifest(brain: PluginBrain, folder: string, change: Record<string, unknown>): void {
  const file = path.join(brain.brainRoot, 'plugins', folder, 'plugin.json');
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), ...change }));
}

describe('plugin registry', () => {
  let brain: PluginBrain;
  beforeEach(async () => {
    brain = await pluginBrain(['runnable/good_echo', 'runnable/after_echo']);
  });
  afterEach(async () => {
    await brain.db.close();
    cleanupTempDirs();
  });

  it('registers valid manifests next to the built-ins the migration backfilled, then is idempotent', async () => {
    const first = await syncPluginRegistry(brain.db, brain);
    assert.deepEqual(first, { registered: ['after_echo', 'good_echo'], updated: [], disabled: [], problems: [] });
    const echo = ((await listPlugins(brain.db)) ?? []).find((p) => p.plugin_id === 'good_echo');
    assert.deepEqual(
      echo && { ...echo, id: 0, registered_at: '' },
      {
        id: 0, plugin_id: 'good_echo', name: 'Good Echo', version: '1.2.3', category: 'utility', priority: 50,
        description: 'Reads a file named in the context, lists the workspace and writes a copy.', author: 'CORTEX tests',
        dependencies: [], hooks: ['on_startup', 'on_generate_doc'], enabled: true, registered_at: '',
      },
    );
    assert.deepEqual(await syncPluginRegistry(brain.db, brain), { registered: [], updated: [], disabled: [], problems: [] });
  });

  it('updates changed metadata in place, keeping the row and its registration time', async () => {
    await syncPluginRegistry(brain.db, brain);
    const before = await brain.db.get<{ id: number; registered_at: string }>("SELECT id, registered_at FROM plugins WHERE plugin_id = 'good_echo'");
    editManifest(brain, 'good_echo', { version: '1.3.0', priority: 'LOW' });
    const r = await syncPluginRegistry(brain.db, brain);
    assert.deepEqual([r.registered, r.updated, r.disabled], [[], ['good_echo'], []]);
    const after = await brain.db.get<Record<string, unknown>>("SELECT id, registered_at, version, priority FROM plugins WHERE plugin_id = 'good_echo'");
    assert.deepEqual(after, { ...before, version: '1.3.0', priority: 100 });
  });

  it('keeps the row and its execution history when a manifest disappears or breaks, but disables it', async () => {
    await syncPluginRegistry(brain.db, brain);
    await brain.db.run("INSERT INTO plugin_hook_executions (plugin_id, hook, status) VALUES ('good_echo', 'on_startup', 'success')");
    fs.rmSync(path.join(brain.brainRoot, 'plugins', 'good_echo'), { recursive: true });
    const r = await syncPluginRegistry(brain.db, brain);
    // after_echo depends on good_echo, so it goes too, with the reason.
    assert.deepEqual(r.disabled.sort(), ['after_echo', 'good_echo']);
    assert.match(r.problems.find((p) => p.plugin_id === 'after_echo')?.message ?? '', /depends on good_echo, which is not registered/);
    const state = await enabledOf(brain.db);
    assert.deepEqual([state.good_echo, state.after_echo], [false, false]);
    assert.equal((await listHookExecutions(brain.db, 'good_echo')).items.length, 1);

    // A manifest that comes back valid is enabled again only by the user or the config.
    fs.cpSync(path.join(PLUGIN_FIXTURES, 'runnable', 'good_echo'), path.join(brain.brainRoot, 'plugins', 'good_echo'), { recursive: true });
    editManifest(brain, 'after_echo', { version: 'one' });
    const back = await syncPluginRegistry(brain.db, brain);
    assert.deepEqual([back.registered, back.updated, back.disabled], [[], [], []]);
    assert.match(back.problems.find((p) => p.plugin_id === 'after_echo')?.message ?? '', /^version "one"/);
    assert.equal((await enabledOf(brain.db)).good_echo, false);
  });

  it('applies cortex.config.json enabled/disabled lists, warns about unknown ids, and lets unlisted plugins keep their state', async () => {
    writeConfig(brain, { enabled: ['good_echo', 'ghost_plugin'], disabled: ['crawler_plugin', 'after_echo'] });
    const r = await syncPluginRegistry(brain.db, brain);
    assert.deepEqual(r.problems, [{ severity: 'warning', source: 'cortex.config.json', plugin_id: 'ghost_plugin', message: 'unknown plugin ghost_plugin; ignored' }]);
    assert.deepEqual(r.updated, ['crawler_plugin']);
    const state = await enabledOf(brain.db);
    assert.deepEqual([state.good_echo, state.after_echo, state.crawler_plugin, state.self_review_plugin], [true, false, false, true]);

    await setPluginEnabled(brain.db, 'self_review_plugin', false);
    await setPluginEnabled(brain.db, 'crawler_plugin', true);
    await syncPluginRegistry(brain.db, brain);
    const again = await enabledOf(brain.db);
    assert.equal(again.self_review_plugin, false, 'an unlisted plugin keeps the state it was given');
    assert.equal(again.crawler_plugin, false, 'the config list wins at the next sync');
  });

  it('reads the v1 flat list and the D/02 per-plugin shape; both-listed stays disabled', async () => {
    writeConfig(brain, ['after_echo']);
    await syncPluginRegistry(brain.db, brain);
    await setPluginEnabled(brain.db, 'after_echo', false);
    await syncPluginRegistry(brain.db, brain);
    assert.equal((await enabledOf(brain.db)).after_echo, true);

    writeConfig(brain, { good_echo: { enabled: false }, enabled: ['after_echo'], disabled: ['after_echo'] });
    const r = await syncPluginRegistry(brain.db, brain);
    assert.deepEqual(r.problems.map((p) => p.message), ['after_echo is both enabled and disabled; it stays disabled']);
    const state = await enabledOf(brain.db);
    assert.deepEqual([state.good_echo, state.after_echo], [false, false]);
  });

  it('setPluginEnabled() refuses an unknown plugin; a 1.0 brain has no registry to sync', async () => {
    await assert.rejects(setPluginEnabled(brain.db, 'nobody', true), (e: unknown) => e instanceof CortexError && e.code === 'BAD_INPUT' && /No plugin nobody/.test(e.message));
    const legacy = await legacyWorkspace('conversation-manager');
    await withDatabase(legacy.dbPath, {}, async (db) => {
      await assert.rejects(syncPluginRegistry(db, { brainRoot: path.dirname(path.dirname(legacy.dbPath)), workspace: legacy.workspace }), /no plugin registry yet/);
    });
  });
});
