import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_PLUGINS } from '../../../src/core/plugins/builtin';
import { loadManifests, PluginProblem, validateManifest } from '../../../src/core/plugins/manifest';
import { syncPluginRegistry } from '../../../src/core/plugins/registry';
import { KNOWN_HOOKS, parsePriority, PLUGIN_CATEGORIES } from '../../../src/core/plugins/vocabulary';
import { cleanupTempDirs, tempDir } from '../../helpers/fixtures';
import { PLUGIN_FIXTURES, pluginBrain } from './pluginBrain';

const INVALID = fs.readdirSync(path.join(PLUGIN_FIXTURES, 'invalid')).map((f) => `invalid/${f}`);

const errorsOf = (problems: PluginProblem[], folder: string) =>
  problems.filter((p) => p.severity === 'error' && p.source === `plugins/${folder}/plugin.json`).map((p) => p.message);

describe('plugin manifests', () => {
  afterEach(cleanupTempDirs);

  describe('the corpus (test/fixtures/plugins/invalid)', () => {
    /** Folder → the one error it must produce. */
    const EXPECTED: Record<string, RegExp> = {
      bad_id: /^plugin_id "Bad-ID!" must match \^\[a-z0-9_\]\+\$/,
      bad_version: /^version "1\.0" must be MAJOR\.MINOR\.PATCH/,
      bad_category: /^category "fun" is not one of cleanup, .*utility, intelligence$/,
      bad_hook: /^hook "on_full_moon" is not a known hook$/,
      missing_entry: /^entry file nope\.js does not exist$/,
      escaping_entry: /^entry \.\.\/good_minimal\/index\.js points outside the plugin folder$/,
      absolute_entry: /^entry must be relative to the plugin folder/,
      not_json: /^plugin\.json is not valid JSON/,
      needs_missing: /^depends on not_installed_plugin, which is not registered/,
      cycle_a: /^dependency cycle: cycle_a → cycle_b → cycle_a$/,
      cycle_b: /^dependency cycle: cycle_a → cycle_b → cycle_a$/,
    };

    it('reports each bad manifest with its own clear error and registers only the good one', async () => {
      const brain = await pluginBrain(INVALID);
      try {
        const report = await syncPluginRegistry(brain.db, brain);
        for (const [folder, pattern] of Object.entries(EXPECTED)) {
          const errors = errorsOf(report.problems, folder);
          assert.equal(errors.length, 1, `${folder}: ${JSON.stringify(errors)}`);
          assert.match(errors[0], pattern, folder);
        }
        assert.deepEqual(report.registered, ['good_minimal']);
        assert.deepEqual(errorsOf(report.problems, 'good_minimal'), []);
        const rows = await brain.db.all<{ plugin_id: string }>('SELECT plugin_id FROM plugins ORDER BY plugin_id');
        assert.deepEqual(rows.map((r) => r.plugin_id), [...BUILTIN_PLUGINS.map((p) => p.plugin_id), 'good_minimal'].sort());
      } finally {
        await brain.db.close();
      }
    });

    it('returns every problem of a manifest at once, errors and warnings', () => {
      const folder = path.join(PLUGIN_FIXTURES, 'invalid', 'many_problems');
      const raw: unknown = JSON.parse(fs.readFileSync(path.join(folder, 'plugin.json'), 'utf8'));
      const { manifest, problems } = validateManifest(raw, folder, 'plugins/many_problems/plugin.json');
      assert.equal(manifest, undefined);
      const errors = problems.filter((p) => p.severity === 'error').map((p) => p.message);
      const expected = [/^plugin_id "Many Problems"/, /^version "v2"/, /^category "fun"/, /^priority "URGENT" must be .* CRITICAL, HIGH, NORMAL, MEDIUM, LOW, OPTIONAL$/,
        /^dependencies holds a non-text item 42$/, /^hook "on_full_moon"/, /^capability "fs:everything" is not one of read:tier1/, /^entry must be a JavaScript file/];
      assert.equal(errors.length, expected.length, JSON.stringify(errors));
      expected.forEach((pattern, i) => assert.match(errors[i], pattern));
      assert.deepEqual(problems.filter((p) => p.severity === 'warning').map((p) => p.message), ['unknown field colour ignored']);
    });
  });

  it('accepts the good manifest with defaults and resolved paths', () => {
    assert.deepEqual(loadManifests(tempDir()), { manifests: [], problems: [] }, 'a brain without a plugins folder has nothing to load');
    const folder = path.join(PLUGIN_FIXTURES, 'invalid', 'good_minimal');
    const { manifest } = validateManifest(JSON.parse(fs.readFileSync(path.join(folder, 'plugin.json'), 'utf8')), folder, 's');
    assert.ok(manifest);
    assert.equal(manifest.priority, 50, 'MEDIUM is 50');
    assert.deepEqual(manifest.dependencies, []);
    assert.deepEqual(manifest.capabilities, ['read:tier1']);
    assert.equal(manifest.entryPath, fs.realpathSync(path.join(folder, 'index.js')));
  });

  it('never throws on input that is not a manifest', () => {
    for (const raw of [null, [], 'plugin', 42, { plugin_id: {}, hooks: 'on_startup', dependencies: {}, entry: 7 }]) {
      const { manifest, problems } = validateManifest(raw, tempDir(), 'x');
      assert.equal(manifest, undefined);
      assert.ok(problems.length > 0 && problems.every((p) => p.message.length > 0));
    }
  });

  it('refuses an entry that is a link leading outside its folder, and a plugin folder that is a link', async () => {
    const brain = await pluginBrain(['invalid/good_minimal']);
    try {
      const outside = path.join(brain.workspace, 'elsewhere.js');
      fs.writeFileSync(outside, 'module.exports = {};');
      const linked = path.join(brain.brainRoot, 'plugins', 'linked_entry');
      fs.mkdirSync(linked);
      fs.writeFileSync(path.join(linked, 'plugin.json'), JSON.stringify({ plugin_id: 'linked_entry', name: 'L', version: '1.0.0', category: 'custom', hooks: ['on_startup'], entry: 'index.js' }));
      fs.symlinkSync(outside, path.join(linked, 'index.js'));
      fs.symlinkSync(path.join(brain.brainRoot, 'plugins', 'good_minimal'), path.join(brain.brainRoot, 'plugins', 'zz_folder_link'));
      const { manifests, problems } = loadManifests(brain.brainRoot);
      assert.deepEqual(manifests.map((m) => m.plugin_id), ['good_minimal']);
      assert.match(errorsOf(problems, 'linked_entry')[0], /^entry index\.js is a link that leads outside the plugin folder/);
      assert.match(errorsOf(problems, 'zz_folder_link')[0], /is a symbolic link/);
    } finally {
      await brain.db.close();
    }
  });

  it('refuses a plugins folder that is a link out of the brain', async () => {
    const brain = await pluginBrain();
    try {
      const elsewhere = path.join(brain.workspace, 'elsewhere');
      fs.cpSync(path.join(PLUGIN_FIXTURES, 'invalid', 'good_minimal'), path.join(elsewhere, 'good_minimal'), { recursive: true });
      fs.symlinkSync(elsewhere, path.join(brain.brainRoot, 'plugins'));
      assert.deepEqual(loadManifests(brain.brainRoot), {
        manifests: [],
        problems: [{ severity: 'error', source: 'plugins', message: 'the plugins folder is a symbolic link; plugin code must live in the brain itself' }],
      });
    } finally {
      await brain.db.close();
    }
  });

  it('refuses a plugin_id claimed twice or taken from a built-in', async () => {
    const brain = await pluginBrain(['invalid/good_minimal']);
    try {
      fs.cpSync(path.join(brain.brainRoot, 'plugins', 'good_minimal'), path.join(brain.brainRoot, 'plugins', 'copy'), { recursive: true });
      const impostor = path.join(brain.brainRoot, 'plugins', 'impostor');
      fs.cpSync(path.join(brain.brainRoot, 'plugins', 'good_minimal'), impostor, { recursive: true });
      const manifest = JSON.parse(fs.readFileSync(path.join(impostor, 'plugin.json'), 'utf8'));
      fs.writeFileSync(path.join(impostor, 'plugin.json'), JSON.stringify({ ...manifest, plugin_id: 'self_review_plugin' }));
      const { manifests, problems } = loadManifests(brain.brainRoot, ['self_review_plugin']);
      assert.deepEqual(manifests, []);
      assert.deepEqual(errorsOf(problems, 'copy'), ['plugin_id good_minimal is declared in copy and good_minimal']);
      assert.deepEqual(errorsOf(problems, 'impostor'), ['plugin_id self_review_plugin belongs to a built-in plugin']);
    } finally {
      await brain.db.close();
    }
  });

  it('maps priority names to numbers (MEDIUM = NORMAL = 50) and refuses anything else', () => {
    const table: Array<[unknown, number | undefined]> = [
      ['CRITICAL', 0], ['high', 10], ['NORMAL', 50], ['MEDIUM', 50], [' Low ', 100], ['OPTIONAL', 1000], [7, 7], [0, 0],
      ['URGENT', undefined], [-1, undefined], [1.5, undefined], ['50', undefined], [null, undefined],
    ];
    for (const [input, expected] of table) assert.equal(parsePriority(input), expected, JSON.stringify(input));
  });

  it('describes the built-in plugins with known hooks and categories only', () => {
    for (const p of BUILTIN_PLUGINS) {
      assert.ok(PLUGIN_CATEGORIES.includes(p.category), p.plugin_id);
      for (const h of p.hooks) assert.ok(KNOWN_HOOKS.includes(h), `${p.plugin_id}: ${h}`);
    }
  });
});
