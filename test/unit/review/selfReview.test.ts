import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { withDatabase } from '../../../src/core/db/database';
import { CortexError } from '../../../src/core/db/errors';
import { latestHealthReport } from '../../../src/core/review/queries';
import { runSelfReview, SelfReviewResult, writeBaselineReview } from '../../../src/core/review/selfReview';
import { Category } from '../../../src/core/review/types';
import { exec, migratedWorkspace, series, writeAged } from '../../helpers/brains';
import { checkSchema, cleanupTempDirs, integrityOk, query } from '../../helpers/fixtures';

type Ws = Awaited<ReturnType<typeof migratedWorkspace>>;

const review = (ws: Ws, opts: { autoFix?: boolean; duringActivation?: boolean; signal?: AbortSignal } = {}) => runSelfReview({ dbPath: ws.dbPath, workspace: ws.workspace, ...opts });
const titles = (r: SelfReviewResult, c: Category) => r.categories[c].issues.map((i) => i.title);
const find = (r: SelfReviewResult, title: string) => Object.values(r.categories).flatMap((c) => c.issues).find((i) => i.title === title);

interface IssueRow {
  category: string;
  severity: string;
  title: string;
  description: string;
  auto_fixable: number;
  fix_applied: number;
  fix_description: string | null;
}
const storedIssues = (ws: Ws, reportId: number) => query<IssueRow>(ws.dbPath, 'SELECT category, severity, title, description, auto_fixable, fix_applied, fix_description FROM health_issues WHERE report_id = ? ORDER BY id', [reportId]);

const JUNIT_FAILING = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="cart" tests="3" failures="1">
    <testcase classname="cart" name="adds an item"/>
    <testcase classname="cart" name="applies a coupon"><failure message="expected 90, got 100">AssertionError</failure></testcase>
    <testcase classname="cart" name="empties"><skipped/></testcase>
  </testsuite>
</testsuites>`;

/** A Tier 2 patterns table (1.0 knowledge_graph.py shape) with the given rows. */
async function addPatterns(ws: Ws, rows: Array<[string, string, string, string, string]>): Promise<void> {
  await exec(
    ws.dbPath,
    `CREATE TABLE patterns (pattern_id TEXT PRIMARY KEY, title TEXT NOT NULL, content TEXT NOT NULL, pattern_type TEXT, confidence REAL DEFAULT 1.0,
       created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, last_accessed TIMESTAMP, access_count INTEGER DEFAULT 0, scope TEXT DEFAULT 'generic', namespaces TEXT DEFAULT '["CORTEX-core"]');
     ${rows.map(([id, title, content, scope, ns]) => `INSERT INTO patterns (pattern_id, title, content, scope, namespaces) VALUES ('${id}', '${title}', '${content}', '${scope}', '${ns}');`).join('\n')}`,
  );
}

describe('self-review', function () {
  this.timeout(120000);
  afterEach(cleanupTempDirs);

  it('reports categories with nothing to measure as not measured (stored 1.0 plus an info issue), never as perfect', async () => {
    const ws = await migratedWorkspace();
    const r = await review(ws);
    assert.deepEqual(
      Object.fromEntries(Object.entries(r.categories).map(([c, v]) => [c, v.measured])),
      { performance: false, database: true, rule_compliance: false, tests: false, storage: true },
    );
    assert.match(r.categories.tests.reason!, /no JUnit XML test results and no coverage report/);
    assert.equal(r.overall, 1, 'database and storage are clean; the others have no weight');
    const [row] = await query<Record<string, number | string>>(ws.dbPath, 'SELECT * FROM health_reports WHERE id = ?', [r.reportId!]);
    assert.equal(row.performance_score, 1);
    assert.equal(row.overall_status, 'excellent');
    const info = (await storedIssues(ws, r.reportId!)).filter((i) => i.severity === 'info').map((i) => [i.category, i.title]);
    assert.deepEqual(info, [['performance', 'Performance not measured'], ['rule_compliance', 'Rule compliance not measured'], ['tests', 'Tests not measured']]);
    const latest = await withDatabase(ws.dbPath, { readonly: true }, (db) => latestHealthReport(db));
    assert.equal(latest?.id, r.reportId);
    assert.equal(latest?.overall_score, 1);
  });

  it('scores each category as 1 − deductions and the overall as the weighted mean over the measured ones', async () => {
    const ws = await migratedWorkspace();
    await exec(ws.dbPath, `INSERT INTO conversations (conversation_id, start_time, last_updated) VALUES ('c1', '2026-01-01', '2026-01-01'), ('c2', '2026-01-02', '2026-01-02');
      DROP INDEX idx_provenance_target;`); // database −0.10
    await addPatterns(ws, [
      ['p-ok', 'Use BEGIN IMMEDIATE', 'Take the write lock first', 'generic', '["CORTEX-core"]'],
      ['p-core', 'Retry on SQLITE_BUSY', 'Back off', 'generic', '["misc"]'], // generic_without_core_namespace: −0.10
      ['p-app', 'Invoice totals', 'Sum the lines', 'generic', '["CORTEX-core"]'], // application_content_in_generic: −0.05
    ]);
    writeAged(path.join(ws.workspace, 'test-results', 'junit.xml'), JUNIT_FAILING, 0); // tests −0.50
    writeAged(path.join(ws.workspace, 'coverage', 'lcov.info'), 'SF:a.ts\nLF:10\nLH:5\nend_of_record\n', 0); // tests −0.10
    for (let i = 0; i < 11; i++) writeAged(path.join(ws.brainRoot, 'crawler-temp', `t${i}.tmp`), 'x', 1); // storage −0.05

    const r = await review(ws);
    const scores = Object.fromEntries(Object.entries(r.categories).map(([c, v]) => [c, v.score]));
    assert.deepEqual(scores, { performance: 1, database: 0.9, rule_compliance: 0.85, tests: 0.4, storage: 0.95 });
    assert.equal(r.overall, 0.8125);
    assert.equal(r.status, 'good');
    const [row] = await query<Record<string, number | string>>(ws.dbPath, 'SELECT * FROM health_reports WHERE id = ?', [r.reportId!]);
    assert.deepEqual([row.overall_score, row.database_score, row.performance_score, row.rule_compliance_score, row.test_coverage_score, row.storage_score], [0.8125, 0.9, 1, 0.85, 0.4, 0.95]);

    // Without conversations performance has nothing to time: it drops out and the weights renormalise.
    await exec(ws.dbPath, 'DELETE FROM conversations');
    const again = await review(ws);
    assert.equal(again.categories.performance.measured, false);
    assert.equal(again.overall, 0.7656);
  });

  it('finds fragmentation left by deletes and repairs it with VACUUM after a backup', async () => {
    const ws = await migratedWorkspace();
    await exec(ws.dbPath, `${series(3000)} INSERT INTO conversation_actions (session_id, turn_number, action_type, description) SELECT 's' || (i / 10), i, 'write', hex(randomblob(500)) FROM s;
      DELETE FROM conversation_actions WHERE id <= 2700;`);
    const r = await review(ws, { autoFix: true });
    const frag = find(r, 'High database fragmentation');
    assert.ok(frag, JSON.stringify(titles(r, 'database')));
    assert.equal(frag.severity, 'high');
    assert.ok((r.categories.database.metrics.fragmentation as number) > 0.3);
    assert.ok(find(r, 'Brain much larger than its data'), 'the size check sees the same waste');
    assert.equal(r.categories.database.score, 0.8);
    assert.equal(frag.fixApplied, true);
    assert.match(frag.fixDescription!, /^vacuumed: .* MB → .* MB \(backup: .*pre-fix/);
    assert.equal(r.backups.length, 1);
    assert.ok(await integrityOk(r.backups[0]), 'the pre-fix backup is a valid database');
    assert.equal((await query<{ n: number }>(r.backups[0], 'SELECT COUNT(*) AS n FROM conversation_actions'))[0].n, 300);
    const stored = (await storedIssues(ws, r.reportId!)).find((i) => i.title === 'High database fragmentation')!;
    assert.deepEqual([stored.auto_fixable, stored.fix_applied], [1, 1]);
    assert.equal(r.fixedCount, 1);
    assert.equal(r.autoFixableCount, 1);

    const after = await review(ws);
    assert.deepEqual(titles(after, 'database'), []);
    assert.equal(after.categories.database.metrics.fragmentation, 0);
    assert.equal((await query<{ n: number }>(ws.dbPath, 'SELECT COUNT(*) AS n FROM conversation_actions'))[0].n, 300);
  });

  it('finds a dropped seed index and recreates it, after which the schema matches the seed again', async () => {
    const ws = await migratedWorkspace();
    await exec(ws.dbPath, 'DROP INDEX idx_boundary_events_path');
    assert.equal(checkSchema(ws.dbPath).ok, false);
    const r = await review(ws, { autoFix: true });
    const missing = find(r, 'Missing index idx_boundary_events_path')!;
    assert.equal(missing.severity, 'high');
    assert.equal(missing.deduction, 0.1);
    assert.equal(missing.fixApplied, true);
    assert.match(missing.fixDescription!, /created idx_boundary_events_path/);
    const check = checkSchema(ws.dbPath);
    assert.ok(check.ok, check.output);
    assert.deepEqual(titles(await review(ws), 'database'), []);
  });

  it('finds statistics that are missing or more than 10% off, and ANALYZE makes them exact', async () => {
    const ws = await migratedWorkspace();
    await exec(ws.dbPath, `${series(2000)} INSERT INTO boundary_events (event_type, path, allowed) SELECT 'read', 'src/f' || (i % 50) || '.ts', 1 FROM s;`);
    const never = await review(ws);
    assert.match(find(never, 'Stale query statistics')!.description, /boundary_events: 2000 rows, never analyzed/);

    await exec(ws.dbPath, `ANALYZE; ${series(1000)} INSERT INTO boundary_events (event_type, path, allowed) SELECT 'read', 'src/g.ts', 1 FROM s;`);
    const moved = await review(ws, { autoFix: true });
    const stale = find(moved, 'Stale query statistics')!;
    assert.match(stale.description, /boundary_events: 3000 rows, 2000 when last analyzed/);
    assert.equal(stale.fixApplied, true);
    const stat = await query<{ stat: string }>(ws.dbPath, `SELECT stat FROM sqlite_stat1 WHERE tbl = 'boundary_events'`);
    assert.ok(stat.length > 0 && stat.every((s) => s.stat.startsWith('3000')), JSON.stringify(stat));
    assert.deepEqual(titles(await review(ws), 'database'), []);
  });

  it('times the Tier 1 query; a slow one is reported, and the missing index behind it is recreated', async () => {
    const ws = await migratedWorkspace();
    await exec(ws.dbPath, `DROP INDEX idx_conversations_active;
      ${series(800000)} INSERT INTO conversations (conversation_id, start_time, last_updated) SELECT 'c' || i, '2025-01-01', datetime('2025-01-01', '+' || (i * 7919 % 800000) || ' minutes') FROM s;
      ANALYZE;`);
    const r = await review(ws, { autoFix: true });
    const slow = find(r, 'Slow Tier 1 query');
    assert.ok(slow, `Tier 1 query took ${String(r.categories.performance.metrics.tier1QueryMs)} ms`);
    assert.equal(slow.fix, undefined, 'no REINDEX can help a missing index');
    assert.equal(find(r, 'Missing index idx_conversations_active')?.fixApplied, true);
    const after = await review(ws);
    assert.deepEqual(titles(after, 'performance'), []);
    assert.ok((after.categories.performance.metrics.tier1QueryMs as number) < 50);
  });

  it('times full-text search where an FTS table exists, even without conversations', async () => {
    const ws = await migratedWorkspace();
    await exec(ws.dbPath, `CREATE VIRTUAL TABLE pattern_fts USING fts5(title, content);
      ${series(500)} INSERT INTO pattern_fts (title, content) SELECT 'Pattern ' || i, 'transactions locking retries ' || i FROM s;`);
    const r = await review(ws);
    assert.equal(r.categories.performance.measured, true);
    assert.equal(typeof (r.categories.performance.metrics.ftsSearchMs as Record<string, number>).pattern_fts, 'number');
  });

  it('finds more than 10 temporary files and deletes only those older than 7 days', async () => {
    const ws = await migratedWorkspace();
    const dir = path.join(ws.brainRoot, 'crawler-temp');
    for (let i = 0; i < 8; i++) writeAged(path.join(dir, `old${i}.json`), 'x', 10);
    for (let i = 0; i < 4; i++) writeAged(path.join(dir, `new${i}.json`), 'x', 1);
    const r = await review(ws, { autoFix: true });
    const temp = find(r, 'Temporary files accumulating')!;
    assert.equal(temp.severity, 'low');
    assert.match(temp.description, /12 files .* 8 older than 7 days/);
    assert.match(temp.fixDescription!, /^deleted 8 temporary files older than 7 days/);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['new0.json', 'new1.json', 'new2.json', 'new3.json']);
    assert.deepEqual(titles(await review(ws), 'storage'), []);
  });

  it('finds more than 50 logs older than 90 days and compresses them to .log.gz', async () => {
    const ws = await migratedWorkspace();
    const dir = path.join(ws.brainRoot, 'tier1', 'logs');
    for (let i = 0; i < 51; i++) writeAged(path.join(dir, `requests-${i}.log`), `line ${i}\n`.repeat(100), 120);
    writeAged(path.join(dir, 'current.log'), 'today\n', 0);
    const r = await review(ws, { autoFix: true });
    const logs = find(r, 'Old log files')!;
    assert.equal(logs.fixApplied, true, logs.fixDescription);
    assert.equal(fs.existsSync(path.join(dir, 'requests-7.log')), false);
    assert.equal(zlib.gunzipSync(fs.readFileSync(path.join(dir, 'requests-7.log.gz'))).toString(), 'line 7\n'.repeat(100));
    assert.ok(fs.existsSync(path.join(dir, 'current.log')), 'recent logs stay');
    assert.deepEqual(titles(await review(ws), 'storage'), []);
  });

  it('reads the workspace\'s failing JUnit results and coverage; a malformed file is skipped with a warning', async () => {
    const ws = await migratedWorkspace();
    writeAged(path.join(ws.workspace, 'reports', 'junit.xml'), JUNIT_FAILING, 0);
    writeAged(path.join(ws.workspace, 'reports', 'junit-broken.xml'), '<testsuite><testcase></testsuite>', 0);
    writeAged(path.join(ws.workspace, 'node_modules', 'dep', 'junit.xml'), JUNIT_FAILING.replace(/<testcase[^]*<\/testsuite>/, '</testsuite>'), 0);
    writeAged(path.join(ws.workspace, 'coverage', 'coverage-summary.json'), JSON.stringify({ total: { lines: { total: 200, covered: 190, pct: 95 } } }), 0);
    writeAged(path.join(ws.workspace, 'coverage', 'lcov.info'), 'LF:200\nLH:10\n', 0); // the same run's lcov: not counted twice
    const r = await review(ws, { autoFix: true });
    const t = r.categories.tests;
    assert.equal(t.measured, true);
    assert.deepEqual([t.metrics.tests, t.metrics.failed, t.metrics.skipped, t.metrics.lineCoverage], [3, 1, 1, 0.95]);
    const failing = find(r, 'Failing tests')!;
    assert.equal(failing.severity, 'critical');
    assert.match(failing.description, /1 of 3 tests failed .*cart › applies a coupon/);
    assert.equal(failing.fix, undefined);
    assert.equal(failing.fixApplied, false);
    assert.equal(t.score, 0.5);
    assert.equal(r.warnings.filter((w) => /malformed JUnit XML .*junit-broken\.xml/.test(w)).length, 1);
  });

  it('applies the §9 scope rules, the Tier-0 file rule and the boundary rules the workspace has', async () => {
    const ws = await migratedWorkspace();
    await addPatterns(ws, [
      ['p-1', 'Host Control Panel layout', 'For the KSESSIONS host', 'generic', '["CORTEX-core"]'],
      ['p-2', 'Checkout flow', 'Our shop', 'application', '["CORTEX-core","acme-shop"]'],
      ['p-3', 'Spike', 'try it', 'experimental', '["CORTEX-core"]'],
      ['p-4', 'Retry', 'Back off', 'generic', '["tools"]'],
      ['p-5', 'Fine', 'Nothing to see', 'application', '["acme-shop"]'],
    ]);
    writeAged(path.join(ws.brainRoot, 'tier0', 'invoice-rules.yaml'), 'rules: []', 0);
    writeAged(path.join(ws.brainRoot, 'tier0', 'core-rules.yaml'), 'rules: []', 0);
    await exec(ws.dbPath, `INSERT INTO boundary_events (event_type, path, allowed, plugin_id) VALUES
      ('write', 'cortex-brain/tier0/core-rules.yaml', 1, 'doc_lint_plugin'),
      ('write', 'cortex-brain/tier0/core-rules.yaml', 0, 'doc_lint_plugin'),
      ('read', '../../etc/passwd', 1, NULL),
      ('write', 'src/app.ts', 1, 'doc_lint_plugin')`);
    const r = await review(ws);
    const rc = r.categories.rule_compliance;
    assert.deepEqual(titles(r, 'rule_compliance').sort(), [
      'Rule violated: application_content_in_generic',
      'Rule violated: application_file_in_tier0',
      'Rule violated: application_in_core_namespace',
      'Rule violated: core_namespace_non_generic',
      'Rule violated: generic_without_core_namespace',
      'Rule violated: path_traversal_allowed',
      'Rule violated: tier0_write_allowed',
    ]);
    assert.equal(find(r, 'Rule violated: application_content_in_generic')!.severity, 'high');
    assert.match(find(r, 'Rule violated: tier0_write_allowed')!.description, /^1 .*doc_lint_plugin write cortex-brain\/tier0\/core-rules\.yaml/);
    assert.equal(rc.score, 0.35); // six critical (−0.10) and one other (−0.05)
    assert.deepEqual([rc.metrics.patternsChecked, rc.metrics.tier0FilesChecked, rc.metrics.boundaryEventsChecked], [5, 2, 3]);
  });

  it('measures rule compliance when only governance/rules.md exists, and scores 1 without violations', async () => {
    const ws = await migratedWorkspace();
    writeAged(path.join(ws.workspace, 'governance', 'rules.md'), '# Rules\n', 0);
    const r = await review(ws);
    assert.equal(r.categories.rule_compliance.measured, true);
    assert.equal(r.categories.rule_compliance.score, 1);
  });

  it('records a failing fix as failed, runs the others, and counts only successes', async () => {
    const ws = await migratedWorkspace();
    const logs = path.join(ws.brainRoot, 'logs');
    for (let i = 0; i < 51; i++) writeAged(path.join(logs, `a${i}.log`), 'x\n', 100);
    fs.mkdirSync(path.join(logs, 'a3.log.gz.partial')); // the compressed copy of a3.log cannot be written
    for (let i = 0; i < 11; i++) writeAged(path.join(ws.brainRoot, 'temp', `t${i}`), 'x', 30);
    const r = await review(ws, { autoFix: true });
    assert.match(find(r, 'Old log files')!.fixDescription!, /^failed: compressed 50, but 1 failed .*a3\.log/);
    assert.match(find(r, 'Temporary files accumulating')!.fixDescription!, /^deleted 11/);
    assert.deepEqual([r.autoFixableCount, r.fixedCount], [2, 1]);
    const [row] = await query<{ auto_fixable_count: number; fixed_count: number }>(ws.dbPath, 'SELECT auto_fixable_count, fixed_count FROM health_reports WHERE id = ?', [r.reportId!]);
    assert.deepEqual([row.auto_fixable_count, row.fixed_count], [2, 1]);
    const stored = (await storedIssues(ws, r.reportId!)).find((i) => i.title === 'Old log files')!;
    assert.deepEqual([stored.auto_fixable, stored.fix_applied], [1, 0]);
    assert.ok(fs.existsSync(path.join(logs, 'a3.log')), 'the log that could not be compressed is kept');
  });

  it('never VACUUMs during activation: the fix is recorded as skipped', async () => {
    const ws = await migratedWorkspace();
    await exec(ws.dbPath, `${series(2000)} INSERT INTO conversation_actions (session_id, turn_number, action_type, description) SELECT 's', i, 'write', hex(randomblob(400)) FROM s; DELETE FROM conversation_actions;`);
    const r = await review(ws, { autoFix: true, duringActivation: true });
    const frag = find(r, 'High database fragmentation')!;
    assert.equal(frag.fixApplied, false);
    assert.match(frag.fixDescription!, /^skipped: VACUUM never runs while the extension activates/);
    assert.ok((await query<{ freelist_count: number }>(ws.dbPath, 'PRAGMA freelist_count'))[0].freelist_count > 0);
  });

  it('reports a damaged brain as critical and writes nothing to it', async () => {
    const ws = await migratedWorkspace();
    await exec(ws.dbPath, `CREATE TABLE junk (x TEXT); ${series(3000)} INSERT INTO junk SELECT hex(randomblob(300)) FROM s;`);
    const pages = (await query<{ rootpage: number }>(ws.dbPath, `SELECT rootpage FROM sqlite_master WHERE name = 'junk'`))[0].rootpage;
    const before = (await query<{ n: number }>(ws.dbPath, 'SELECT COUNT(*) AS n FROM health_reports'))[0].n;
    const fd = fs.openSync(ws.dbPath, 'r+');
    fs.writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, (pages - 1) * 4096); // the table's root page
    fs.closeSync(fd);
    const r = await review(ws, { autoFix: true });
    assert.equal(find(r, 'Integrity check failed')?.severity, 'critical');
    assert.equal(r.reportId, undefined);
    assert.ok(r.warnings.some((w) => /not saved/.test(w)));
    assert.equal((await query<{ n: number }>(ws.dbPath, 'SELECT COUNT(*) AS n FROM health_reports'))[0].n, before);
  });

  it('stops when cancelled and saves nothing', async () => {
    const ws = await migratedWorkspace();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(review(ws, { signal: controller.signal }), (err: unknown) => err instanceof CortexError && err.code === 'CANCELLED');
    assert.equal((await query<{ n: number }>(ws.dbPath, 'SELECT COUNT(*) AS n FROM health_reports'))[0].n, 0);
  });

  it('writes the baseline report after migration as a real review without fixes', async () => {
    const ws = await migratedWorkspace();
    for (let i = 0; i < 11; i++) writeAged(path.join(ws.brainRoot, 'tmp', `t${i}`), 'x', 30);
    const r = await writeBaselineReview({ dbPath: ws.dbPath, workspace: ws.workspace });
    assert.equal(r.fixedCount, 0);
    assert.equal(r.autoFixableCount, 1);
    assert.equal(fs.readdirSync(path.join(ws.brainRoot, 'tmp')).length, 11);
    const rows = await query<{ overall_score: number; storage_score: number }>(ws.dbPath, 'SELECT overall_score, storage_score FROM health_reports');
    assert.deepEqual(rows, [{ overall_score: r.overall, storage_score: 0.95 }]);
  });
});
