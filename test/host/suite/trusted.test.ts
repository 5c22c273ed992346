import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { withDatabase } from '../../../src/core/db/database';
import { listBackups } from '../../../src/core/schema/backups';
import { api, descriptions, folder, labels, until } from './util';

const dbPath = () => path.join(folder().uri.fsPath, 'cortex-brain', 'tier1', 'conversations.db');
const write = (sql: string) => withDatabase(dbPath(), {}, (db) => db.exec(sql));

describe('CORTEX in a trusted workspace (real extension host)', () => {
  it('activates and migrates the 1.0 sample brain, logging performance marks', async () => {
    const cortex = await api();
    assert.equal(vscode.workspace.isTrusted, true);
    await until('ready', () => cortex.state === 'ready');
    const [brain] = cortex.brains();
    assert.equal(brain.dbPath, dbPath());
    assert.equal(brain.state, 'ready');
    const checker = path.resolve(__dirname, '../../../../../shared/tools/check-schema.py');
    const check = spawnSync('python3', [checker, dbPath()], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.equal(listBackups(dbPath()).length, 1, 'a pre-migration backup was written');
    assert.ok(cortex.marks['activate() returned'] !== undefined);
    assert.ok(cortex.marks['migration done'] !== undefined);
  });

  it('registers the commands', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['cortex.migrateNow', 'cortex.showStatus', 'cortex.restoreBackup', 'cortex.refresh', 'cortex.showLog', 'cortex.initBrain']) {
      assert.ok(all.includes(id), id);
    }
  });

  it('shows the built-in plugins grouped by category, with their hook runs', async () => {
    const { host } = (await api()).internals;
    const roots = await host.plugins.getChildren();
    assert.deepEqual(labels(roots), ['intelligence', 'maintenance', 'utility']);
    const maintenance = await host.plugins.getChildren(roots[1]);
    // Same priority (high): ordered by plugin_id.
    assert.deepEqual(labels(maintenance), ['Database Maintenance', 'Self-Review']);
    assert.match(descriptions(maintenance)[0], /1\.0\.0 · high/);
    await write(`INSERT INTO plugin_hook_executions (plugin_id, hook, status, duration_ms, completed_at) VALUES ('self_review_plugin', 'on_self_review', 'success', 42.4, CURRENT_TIMESTAMP)`);
    await vscode.commands.executeCommand('cortex.refresh');
    const fresh = await host.plugins.getChildren((await host.plugins.getChildren())[1]);
    const selfReview = fresh.find((n) => labels([n])[0] === 'Self-Review')!;
    const runs = await host.plugins.getChildren(selfReview);
    assert.ok(labels(runs).every((l) => l === 'on_self_review'), labels(runs).join());
    assert.ok(descriptions(runs).some((d) => /^success · 42 ms/.test(d)), descriptions(runs).join('\n'));
  });

  it('lists creation sessions with chunks, unfinished first', async () => {
    const { host } = (await api()).internals;
    assert.deepEqual(await host.creation.getChildren(), [], 'empty before any session (the welcome text shows)');
    await write(`INSERT INTO creation_sessions (id, file_path, file_type, total_chunks, completed) VALUES (1, '/tmp/done.md', 'markdown', 1, 1), (2, '/tmp/big.md', 'markdown', 3, 0);
      INSERT INTO creation_chunks (session_id, chunk_number, chunk_type, line_start, line_end, estimated_tokens, status, validation_warnings) VALUES
        (1, 1, 'header', 1, 3, 10, 'written', NULL),
        (2, 1, 'header', 1, 5, 20, 'written', NULL), (2, 2, 'code_block', 6, 40, 300, 'written', '["Unbalanced code fences"]'), (2, 3, 'footer', 41, 44, 12, 'pending', NULL)`);
    await vscode.commands.executeCommand('cortex.refresh');
    const sessions = await until('sessions', async () => {
      const s = await host.creation.getChildren();
      return s.length === 2 ? s : undefined;
    });
    assert.deepEqual(descriptions(sessions), ['2/3 written · markdown', '1/1 written · markdown · completed']);
    const chunks = await host.creation.getChildren(sessions[0]);
    assert.deepEqual(labels(chunks), ['#1 header', '#2 code_block', '#3 footer']);
    assert.match(descriptions(chunks)[1], /lines 6–40 · ~300 tokens · written/);
    assert.equal((chunks[1].treeItem().iconPath as vscode.ThemeIcon).id, 'warning');
  });

  it('pages big discovery tables with "Load more…" and marks stale rows', async () => {
    const { host } = (await api()).internals;
    const now = Math.floor(Date.now() / 1000);
    await write(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120)
      INSERT INTO workspace_frameworks (framework_type, version, config_location, discovered_at, last_verified)
      SELECT printf('fw%03d', i), '1.' || i, printf('/w/pkg%03d/package.json', i), ${now}, CASE WHEN i = 1 THEN NULL ELSE ${now} END FROM n;
      INSERT INTO workspace_databases (database_type, connection_string, host, port, database_name, discovered_at, last_verified)
      VALUES ('postgresql', 'postgres://shop:***@db:5432/shop', 'db', 5432, 'shop', ${now}, ${now})`);
    await vscode.commands.executeCommand('cortex.refresh');
    const groups = await until('discovery groups', async () => {
      const g = await host.discoveries.getChildren();
      return g.length === 3 ? g : undefined;
    });
    assert.deepEqual(labels(groups), ['Databases', 'APIs', 'Frameworks']);
    const dbs = await host.discoveries.getChildren(groups[0]);
    assert.deepEqual(labels(dbs), ['shop']);
    assert.equal(descriptions(dbs)[0], 'postgresql · db:5432/shop');
    assert.deepEqual(labels(await host.discoveries.getChildren(groups[1])), ['No APIs discovered']);
    const first = await host.discoveries.getChildren(groups[2]);
    assert.equal(first.length, 51);
    assert.equal(labels(first)[50], 'Load more…');
    assert.match(descriptions(first)[0], /stale$/);
    const more = first[50].treeItem().command!;
    await vscode.commands.executeCommand(more.command, ...(more.arguments ?? []));
    const second = await host.discoveries.getChildren(groups[2]);
    assert.equal(second.length, 101);
    assert.equal(labels(second)[99], 'fw100');
  });

  it('writes a baseline review after migration and shows the latest review in the status bar', async () => {
    const { host } = (await api()).internals;
    await until('baseline review in the status bar', () => /^\$\(pulse\) CORTEX \d+% (excellent|good|fair|poor|critical)$/.test(host.statusBar.text));
    const [{ n }] = await withDatabase(dbPath(), { readonly: true }, (db) => db.all<{ n: number }>('SELECT COUNT(*) AS n FROM health_reports'));
    assert.equal(n, 1, 'one baseline report');
    await write(`INSERT INTO health_reports (created_at, overall_status, overall_score, database_score, performance_score, rule_compliance_score, test_coverage_score, storage_score, auto_fixable_count, fixed_count)
      VALUES (datetime('now', '+1 minute'), 'good', 0.874, 0.9, 0.8, 0.95, 0.8, 0.9, 2, 1)`);
    await vscode.commands.executeCommand('cortex.refresh');
    await until('status bar text', () => host.statusBar.text === '$(pulse) CORTEX 87% good');
  });

  it('runs Self-Review from the command palette and records it as the self-review plugin\'s run', async () => {
    const { host } = (await api()).internals;
    fs.mkdirSync(path.join(folder().uri.fsPath, 'test-results'), { recursive: true });
    fs.writeFileSync(path.join(folder().uri.fsPath, 'test-results', 'junit.xml'), '<testsuites><testsuite name="api" tests="2" failures="1"><testcase name="lists products"/><testcase name="places order"><failure message="500"/></testcase></testsuite></testsuites>');
    const result = (await vscode.commands.executeCommand('cortex.runSelfReview', false)) as { overall: number; status: string; categories: Record<string, { measured: boolean; score: number }> };
    assert.equal(result.categories.tests.measured, true);
    assert.ok(result.categories.tests.score <= 0.5, 'a failing test costs 0.50');
    await until('status bar shows the new review', () => host.statusBar.text === `$(pulse) CORTEX ${Math.round(result.overall * 100)}% ${result.status}`);
    const runs = await withDatabase(dbPath(), { readonly: true }, (db) => db.all<{ status: string }>(`SELECT status FROM plugin_hook_executions WHERE plugin_id = 'self_review_plugin' AND hook = 'on_self_review' ORDER BY id DESC LIMIT 1`));
    assert.deepEqual(runs, [{ status: 'success' }]);
  });

  it('runs tier1 maintenance and records the run with before/after metrics', async () => {
    const result = (await vscode.commands.executeCommand('cortex.runMaintenance', 'tier1', true)) as { status: string; runId: number; operations: string[] };
    assert.equal(result.status, 'success');
    assert.ok(result.operations.includes('analyze'));
    const [row] = await withDatabase(dbPath(), { readonly: true }, (db) => db.all<{ tier: string; status: string; size_before_mb: number }>('SELECT tier, status, size_before_mb FROM maintenance_runs WHERE id = ?', [result.runId]));
    assert.equal(row.tier, 'tier1');
    assert.equal(row.status, 'success');
    assert.ok(row.size_before_mb > 0);
  });

  it('applies retention: deletes only what a policy names', async () => {
    await write(`INSERT INTO health_reports (created_at, overall_status, overall_score, database_score, performance_score, rule_compliance_score, test_coverage_score, storage_score, auto_fixable_count, fixed_count)
      VALUES (datetime('now', '-181 days'), 'poor', 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0, 0), (datetime('now', '-179 days'), 'fair', 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0, 0)`);
    const before = (await withDatabase(dbPath(), { readonly: true }, (db) => db.get<{ n: number }>('SELECT COUNT(*) AS n FROM health_reports')))!.n;
    const result = (await vscode.commands.executeCommand('cortex.applyRetention', true)) as { totalDeleted: number; policies: Array<{ table: string; deleted: number }> };
    assert.equal(result.policies.find((p) => p.table === 'health_reports')!.deleted, 1);
    const after = (await withDatabase(dbPath(), { readonly: true }, (db) => db.get<{ n: number }>('SELECT COUNT(*) AS n FROM health_reports')))!.n;
    assert.equal(after, before - 1);
  });

  it('opens the Health dashboard with a strict CSP and posts it the brain\'s data', async () => {
    const panel = (await vscode.commands.executeCommand('cortex.showDashboard')) as { html_: string; lastData?: { latest: { categories: unknown[] } | null; trend: unknown[]; maintenance: unknown[]; retention: unknown[] } };
    assert.match(panel.html_, /Content-Security-Policy" content="default-src 'none';/);
    assert.match(panel.html_, /script-src 'nonce-[A-Za-z0-9+/=]+'/);
    const data = await until('dashboard data', () => panel.lastData);
    assert.equal(data.latest!.categories.length, 5);
    assert.ok(data.trend.length >= 3);
    assert.ok(data.maintenance.length >= 1);
    assert.ok(data.retention.length >= 1);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('creates a file incrementally from a source, shows the session, opens a chunk and discards it', async () => {
    const { host } = (await api()).internals;
    const src = path.join(folder().uri.fsPath, 'guide.md');
    const lines = ['# Guide', '', 'Intro text.', ''];
    for (let i = 1; i <= 12; i++) lines.push(`## Part ${i}`, '', `Body of part ${i}.`, '', '```js', `console.log(${i});`, '```', '');
    fs.writeFileSync(src, lines.join('\n'));
    const dest = path.join(folder().uri.fsPath, 'out', 'guide.md');
    const report = (await vscode.commands.executeCommand('cortex.createIncrementally', vscode.Uri.file(src), vscode.Uri.file(dest))) as { outcome: string; totalChunks: number; sessionId: number };
    assert.equal(report.outcome, 'completed');
    assert.equal(fs.readFileSync(dest, 'utf8'), fs.readFileSync(src, 'utf8'));
    const sessions = await until('session row', async () => {
      const rows = await host.creation.getChildren();
      return rows.find((r) => labels([r])[0].endsWith('guide.md') && descriptions([r])[0].includes('completed'));
    });
    assert.match(descriptions([sessions])[0], new RegExp(`^${report.totalChunks}/${report.totalChunks} written · markdown · completed`));
    const chunks = await host.creation.getChildren(sessions);
    assert.equal(chunks.length, report.totalChunks);
    await vscode.commands.executeCommand('cortex.openChunk', chunks[1]);
    assert.equal(vscode.window.activeTextEditor!.document.uri.fsPath, dest);
    assert.ok(vscode.window.activeTextEditor!.selection.start.line > 0);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    assert.equal(await vscode.commands.executeCommand('cortex.discardCreation', sessions, true), true);
    await until('session gone', async () => !(await host.creation.getChildren()).some((r) => labels([r])[0].endsWith('guide.md')));
    assert.ok(fs.existsSync(dest), 'the written file is kept');
  });

  it('resumes an interrupted creation session from the view', async () => {
    const { host } = (await api()).internals;
    const src = path.join(folder().uri.fsPath, 'notes.md');
    fs.writeFileSync(src, ['# Notes', '', ...Array.from({ length: 40 }, (_, i) => `- item ${i + 1}`), ''].join('\n'));
    const dest = path.join(folder().uri.fsPath, 'blocked', 'notes.md');
    fs.mkdirSync(dest, { recursive: true }); // a folder where the file should go: the run stops before chunk 1
    assert.equal(await vscode.commands.executeCommand('cortex.createIncrementally', vscode.Uri.file(src), vscode.Uri.file(dest)), undefined, 'the error is shown, not thrown');
    fs.rmSync(dest, { recursive: true });
    await vscode.commands.executeCommand('cortex.refresh');
    const node = await until('unfinished session row', async () =>
      (await host.creation.getChildren()).find((r) => r.treeItem().contextValue === 'cortex.creationSession.in-progress' && labels([r])[0].endsWith('notes.md')),
    );
    const resumed = (await vscode.commands.executeCommand('cortex.resumeCreation', node)) as { outcome: string };
    assert.equal(resumed.outcome, 'completed');
    assert.equal(fs.readFileSync(dest, 'utf8'), fs.readFileSync(src, 'utf8'));
  });

  it('runs Show Status and Migrate Now on an up-to-date brain without side effects', async () => {
    const before = fs.statSync(dbPath()).mtimeMs;
    const status = (await vscode.commands.executeCommand('cortex.showStatus')) as { state: string; applied: unknown[] };
    assert.equal(status.state, 'up-to-date');
    await vscode.commands.executeCommand('cortex.migrateNow');
    assert.equal(fs.statSync(dbPath()).mtimeMs, before);
  });

  it('restores the pre-migration backup, stays read-only, and migrates again on request', async () => {
    const cortex = await api();
    const [backup] = listBackups(dbPath());
    await vscode.commands.executeCommand('cortex.restoreBackup', backup.path);
    await until('read-only after restore', () => cortex.state === 'readOnly');
    assert.match(cortex.brains()[0].detail, /migration\(s\) pending/);
    assert.ok(fs.readdirSync(path.join(folder().uri.fsPath, 'cortex-brain', 'backups', 'replaced')).length === 1, 'the replaced brain is kept');
    await vscode.commands.executeCommand('cortex.migrateNow');
    await until('ready again', () => cortex.state === 'ready');
  });

  it('registers a third-party plugin, runs its hook in the worker, shows the run and the denials, and disables it', async () => {
    const { host } = (await api()).internals;
    const fixture = path.resolve(__dirname, '../../../../test/fixtures/plugins/runnable/sneaky_reader');
    fs.cpSync(fixture, path.join(folder().uri.fsPath, 'cortex-brain', 'plugins', 'sneaky_reader'), { recursive: true });
    fs.writeFileSync(path.join(folder().uri.fsPath, 'notes.txt'), 'hello');
    await vscode.commands.executeCommand('cortex.refresh');
    const custom = await until('custom category', async () => (await host.plugins.getChildren()).find((n) => labels([n])[0] === 'custom'));
    const [plugin] = await host.plugins.getChildren(custom);
    assert.equal(labels([plugin])[0], 'Sneaky Reader');

    const report = (await vscode.commands.executeCommand('cortex.runHook', 'on_startup')) as { outcomes: Array<{ plugin_id: string; status: string; result?: { results: Array<{ path: string; ok: boolean }> } }> };
    const sneaky = report.outcomes.find((o) => o.plugin_id === 'sneaky_reader')!;
    assert.equal(sneaky.status, 'success');
    const byPath = Object.fromEntries(sneaky.result!.results.map((r) => [r.path, r.ok]));
    assert.deepEqual(byPath, { '../../etc/passwd': false, '/etc/passwd': false, '.env': false, 'config\\..\\..\\..\\etc\\passwd': false, 'stolen.txt': false, 'notes.txt': true });

    await vscode.commands.executeCommand('cortex.refresh');
    const denials = await until('denials', async () => {
      const d = await host.denials.getChildren();
      return d.length >= 4 ? d : undefined;
    });
    assert.ok(labels(denials).includes('../../etc/passwd'), labels(denials).join(', '));
    assert.ok(descriptions(denials).every((d) => d.includes('sneaky_reader')));

    const refreshed = await host.plugins.getChildren((await host.plugins.getChildren()).find((n) => labels([n])[0] === 'custom'));
    const runs = await host.plugins.getChildren(refreshed[0]);
    assert.deepEqual(labels(runs), ['on_startup']);
    await vscode.commands.executeCommand('cortex.showExecution', runs[0]);
    const shown = vscode.window.activeTextEditor!.document;
    assert.equal(shown.languageId, 'json');
    assert.equal(JSON.parse(shown.getText()).plugin_id, 'sneaky_reader');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    await vscode.commands.executeCommand('cortex.disablePlugin', refreshed[0]);
    await until('disabled', async () => {
      const c = (await host.plugins.getChildren()).find((n) => labels([n])[0] === 'custom');
      return c && descriptions(await host.plugins.getChildren(c))[0].endsWith('disabled');
    });
  });

  it('refreshes the views when another process writes the brain', async () => {
    const { host } = (await api()).internals;
    const count = async () => {
      const groups = await host.plugins.getChildren();
      const all = await Promise.all(groups.map((g) => host.plugins.getChildren(g)));
      return all.flat().length;
    };
    const before = await count();
    // Written by a separate connection, as a CORTEX agent would; no refresh command.
    await write(`INSERT INTO plugins (plugin_id, name, version, category, priority, hooks) VALUES ('doc_lint_plugin', 'Doc Lint', '0.3.0', 'documentation', 50, '["on_doc_refresh"]')`);
    await until('watcher refresh', async () => (await count()) === before + 1);
  });
});
