import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { withDatabase } from '../../../src/core/db/database';
import { CortexError } from '../../../src/core/db/errors';
import { RETENTION_TABLES } from '../../../src/core/retention/policies';
import { runRetention, RetentionResult } from '../../../src/core/retention/retention';
import { tier3Path } from '../../../src/core/retention/tier3Archive';
import { median } from '../../../src/core/maintenance/measure';
import { startHelper } from '../../helpers/child';
import { contentOf, daysAgo, exec, migratedWorkspace, series } from '../../helpers/brains';
import { cleanupTempDirs, integrityOk, query, sha256File } from '../../helpers/fixtures';

type Ws = Awaited<ReturnType<typeof migratedWorkspace>>;

const NOW = new Date();
const ago = (days: number) => daysAgo(NOW, days);
const epochAgo = (days: number) => NOW.getTime() / 1000 - days * 86400;
const retain = (ws: Ws, opts: Partial<Parameters<typeof runRetention>[0]> = {}) => runRetention({ dbPath: ws.dbPath, now: () => NOW, ...opts });
const ids = async (ws: Ws, table: string) => (await query<{ id: number }>(ws.dbPath, `SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);
const policy = (r: RetentionResult, table: string) => r.policies.find((p) => p.table === table)!;

function coldFiles(ws: Ws, prefix: string): string[] {
  const dir = path.join(ws.brainRoot, 'cold_storage');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.startsWith(prefix)).map((n) => path.join(dir, n)) : [];
}
function readCold(file: string): Array<Record<string, unknown>> {
  return zlib
    .gunzipSync(fs.readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Two rows per policy: one a day inside its window, one a day outside. */
async function boundaryRows(ws: Ws): Promise<void> {
  const report = (id: number, at: string) => `(${id}, '${at}', 'good', 0.8, 1, 1, 1, 1, 1, 0, 0)`;
  await exec(
    ws.dbPath,
    `INSERT INTO health_reports (id, created_at, overall_status, overall_score, database_score, performance_score, rule_compliance_score, test_coverage_score, storage_score, auto_fixable_count, fixed_count)
       VALUES ${report(101, ago(179))}, ${report(102, ago(181))};
     INSERT INTO health_issues (report_id, category, severity, title, detected_at) VALUES (101, 'database', 'low', 'kept', '${ago(179)}'), (102, 'database', 'low', 'goes', '${ago(181)}');
     INSERT INTO maintenance_runs (id, started_at, tier, operations, status) VALUES (201, '${ago(89)}', 'tier1', '[]', 'success'), (202, '${ago(91)}', 'tier1', '[]', 'success');
     INSERT INTO archival_operations (id, started_at, source_tier, destination_tier, records_archived, compression_enabled) VALUES (301, '${ago(179)}', 'tier1', 'tier3', 1, 0), (302, '${ago(181)}', 'tier1', 'tier3', 1, 0);
     INSERT INTO retention_policy_snapshots (id, created_at, tier, policy_json, violations_count, age_violations, count_violations) VALUES (401, '${ago(89)}', 'tier1', '{}', 0, 0, 0), (402, '${ago(91)}', 'tier1', '{}', 0, 0, 0);
     INSERT INTO creation_sessions (id, file_path, file_type, total_chunks, last_update, completed) VALUES (501, 'in.md', 'markdown', 1, '${ago(29)}', 1), (502, 'out.md', 'markdown', 1, '${ago(31)}', 1), (503, 'open.md', 'markdown', 1, '${ago(31)}', 0);
     INSERT INTO creation_chunks (session_id, chunk_number, chunk_type, line_start, line_end) VALUES (501, 1, 'header', 1, 1), (502, 1, 'header', 1, 1), (503, 1, 'header', 1, 1);
     INSERT INTO plugin_hook_executions (id, plugin_id, hook, started_at, status, duration_ms) VALUES (601, 'self_review_plugin', 'on_self_review', '${ago(29)}', 'success', 5), (602, 'self_review_plugin', 'on_self_review', '${ago(31)}', 'success', 7);
     INSERT INTO conversation_actions (id, session_id, turn_number, action_type, description, created_at) VALUES (701, 's-in', 1, 'write', 'kept', '${ago(59)}'), (702, 's-out', 1, 'write', 'goes', '${ago(61)}');
     ${series(7)} INSERT INTO conversation_state_snapshots (session_id, turn_number, state_json, created_at) SELECT 'snap', i, '{"turn":' || i || '}', '${ago(1)}' FROM s;
     INSERT INTO boundary_events (id, occurred_at, event_type, path, allowed) VALUES (801, '${ago(89)}', 'read', 'a.ts', 1), (802, '${ago(91)}', 'read', 'b.ts', 1);
     INSERT INTO provenance_links (id, source_type, source_ref, target_type, target_ref, relation, created_at) VALUES (901, 'file', 'a.ts', 'pattern', 'p-1', 'generated', '${ago(364)}'), (902, 'file', 'b.ts', 'pattern', 'p-2', 'updated', '${ago(366)}');
     INSERT INTO workspace_databases (id, database_type, connection_string, discovered_at, last_verified) VALUES (1001, 'postgresql', 'in', ${epochAgo(364)}, NULL), (1002, 'postgresql', 'out', ${epochAgo(366)}, NULL), (1003, 'postgresql', 'verified', ${epochAgo(400)}, ${epochAgo(10)});
     INSERT INTO workspace_apis (id, api_type, base_url, discovered_at) VALUES (1101, 'rest', 'http://in', ${epochAgo(364)}), (1102, 'rest', 'http://out', ${epochAgo(366)});
     INSERT INTO workspace_frameworks (id, framework_type, discovered_at) VALUES (1201, 'react', ${epochAgo(364)}), (1202, 'express', ${epochAgo(366)});
     CREATE TABLE notes (id INTEGER PRIMARY KEY, created_at TIMESTAMP, body TEXT);
     INSERT INTO notes (created_at, body) VALUES ('${ago(4000)}', 'no policy names this table');
     INSERT INTO conversations (conversation_id, start_time, last_updated) VALUES ('old', '${ago(900)}', '${ago(900)}');`,
  );
}

describe('retention', function () {
  this.timeout(120000);
  afterEach(cleanupTempDirs);

  it('keeps a row a day inside each window and deletes the row a day outside, for every policy', async () => {
    const ws = await migratedWorkspace();
    await boundaryRows(ws);
    const untouched = await contentOf(ws.dbPath, [...RETENTION_TABLES, 'health_issues', 'creation_chunks', 'maintenance_rollups', 'hook_execution_rollups']);
    const r = await retain(ws);

    assert.deepEqual(await ids(ws, 'health_reports'), [101]);
    assert.deepEqual((await query<{ title: string }>(ws.dbPath, 'SELECT title FROM health_issues')).map((x) => x.title), ['kept'], 'issues go with their report');
    assert.deepEqual(await ids(ws, 'maintenance_runs'), [201]);
    assert.deepEqual((await ids(ws, 'archival_operations')).filter((id) => id <= 302), [301]);
    assert.deepEqual((await ids(ws, 'retention_policy_snapshots')).filter((id) => id >= 401 && id <= 402), [401]);
    assert.deepEqual(await ids(ws, 'creation_sessions'), [501, 503], 'an incomplete session stays whatever its age');
    assert.deepEqual((await query<{ session_id: number }>(ws.dbPath, 'SELECT session_id FROM creation_chunks ORDER BY session_id')).map((x) => x.session_id), [501, 503]);
    assert.deepEqual(await ids(ws, 'plugin_hook_executions'), [601]);
    assert.deepEqual(await ids(ws, 'conversation_actions'), [701]);
    assert.deepEqual((await query<{ turn_number: number }>(ws.dbPath, 'SELECT turn_number FROM conversation_state_snapshots ORDER BY turn_number')).map((x) => x.turn_number), [3, 4, 5, 6, 7]);
    assert.deepEqual(await ids(ws, 'boundary_events'), [801]);
    assert.deepEqual((await ids(ws, 'provenance_links')).filter((id) => id >= 900), [901]);
    assert.deepEqual(await ids(ws, 'workspace_databases'), [1001, 1003], 'a recent verification keeps an old discovery');
    assert.deepEqual(await ids(ws, 'workspace_apis'), [1101]);
    assert.deepEqual(await ids(ws, 'workspace_frameworks'), [1201]);
    assert.equal(await contentOf(ws.dbPath, [...RETENTION_TABLES, 'health_issues', 'creation_chunks', 'maintenance_rollups', 'hook_execution_rollups']), untouched, 'nothing no policy names changed');

    assert.equal(r.totalDeleted, 14);
    assert.deepEqual(readCold(coldFiles(ws, 'provenance_links-')[0]).map((x) => x.id), [902], 'provenance is exported before it goes');
    assert.deepEqual(await query(ws.dbPath, 'SELECT period, tier, runs, failed FROM maintenance_rollups'), [{ period: ago(91).slice(0, 7), tier: 'tier1', runs: 1, failed: 0 }]);
    const [snap] = await query<{ tier: string; violations_count: number; age_violations: number; count_violations: number; actions_taken: string; policy_json: string }>(
      ws.dbPath,
      'SELECT * FROM retention_policy_snapshots WHERE id = ?',
      [r.snapshotId!],
    );
    assert.deepEqual([snap.tier, snap.violations_count, snap.age_violations, snap.count_violations], ['tier1', 14, 12, 2]);
    assert.equal(JSON.parse(snap.policy_json).policies.length, RETENTION_TABLES.length);
    const actions = JSON.parse(snap.actions_taken) as Array<{ table: string; deleted: number; archivalOperationId: number }>;
    assert.equal(actions.length, 13);
    const ops = await query<{ id: number; destination_tier: string; records_archived: number; status: string; completed_at: string | null }>(ws.dbPath, 'SELECT * FROM archival_operations WHERE id > 302 ORDER BY id');
    assert.deepEqual(ops.map((o) => o.id), actions.map((a) => a.archivalOperationId));
    assert.ok(ops.every((o) => o.status === 'success' && o.completed_at && o.records_archived >= 1));
    assert.deepEqual([...new Set(ops.map((o) => o.destination_tier))].sort(), ['cold_storage', 'purged', 'rollup', 'tier3']);
    assert.ok(await integrityOk(ws.dbPath));
  });

  it('rolls runs past 90 days and hook executions past 30 days into monthly summaries, exactly once', async () => {
    const ws = await migratedWorkspace();
    // 120 runs over three months (batches of 50 split them), every fourth failed; 10 recent runs stay.
    await exec(
      ws.dbPath,
      `${series(120)} INSERT INTO maintenance_runs (started_at, tier, operations, status, space_reclaimed_mb, speedup)
         SELECT datetime('${ago(200)}', '+' || (i - 1) || ' days'), CASE WHEN i % 2 THEN 'tier1' ELSE 'tier3' END, '[]', CASE WHEN i % 4 = 0 THEN 'failed' ELSE 'success' END, i * 0.5, 1 + (i % 3) FROM s WHERE datetime('${ago(200)}', '+' || (i - 1) || ' days') < '${ago(95)}';
       ${series(10)} INSERT INTO maintenance_runs (started_at, tier, operations, status) SELECT '${ago(5)}', 'tier1', '[]', 'success' FROM s;
       ${series(300)} INSERT INTO plugin_hook_executions (plugin_id, hook, started_at, status, duration_ms)
         SELECT CASE WHEN i % 3 THEN 'self_review_plugin' ELSE 'db_maintenance_plugin' END, 'on_startup', datetime('${ago(90)}', '+' || (i / 10) || ' days'), CASE WHEN i % 7 = 0 THEN 'failed' ELSE 'success' END, i FROM s;`,
    );
    const want = async (sql: string) => query(ws.dbPath, sql);
    const wantRuns = await want(
      `SELECT strftime('%Y-%m', started_at) AS period, tier, COUNT(*) AS runs, SUM(status <> 'success') AS failed, ROUND(SUM(space_reclaimed_mb), 6) AS space, ROUND(AVG(speedup), 6) AS speedup
       FROM maintenance_runs WHERE started_at < '${ago(90)}' GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const wantHooks = await want(
      `SELECT strftime('%Y-%m', started_at) AS period, plugin_id, hook, COUNT(*) AS runs, SUM(status = 'failed') AS failed, SUM(duration_ms) AS total, MAX(duration_ms) AS max
       FROM plugin_hook_executions WHERE started_at < '${ago(30)}' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    const r = await retain(ws, { batchSize: 50, lockBudgetMs: 1 });
    assert.ok(policy(r, 'maintenance_runs').deleted > 50 && r.batches > 3, 'several batches');
    const gotRuns = await want('SELECT period, tier, runs, failed, ROUND(space_reclaimed_mb, 6) AS space, ROUND(avg_speedup, 6) AS speedup FROM maintenance_rollups ORDER BY 1, 2');
    assert.deepEqual(gotRuns, wantRuns);
    assert.deepEqual(await want('SELECT period, plugin_id, hook, runs, failed, total_ms AS total, max_ms AS max FROM hook_execution_rollups ORDER BY 1, 2, 3'), wantHooks);
    assert.equal((await ids(ws, 'maintenance_runs')).length, 10);
    assert.equal((await query(ws.dbPath, `SELECT 1 FROM plugin_hook_executions WHERE started_at < '${ago(30)}'`)).length, 0);

    await retain(ws);
    assert.deepEqual(await want('SELECT period, tier, runs, failed, ROUND(space_reclaimed_mb, 6) AS space, ROUND(avg_speedup, 6) AS speedup FROM maintenance_rollups ORDER BY 1, 2'), wantRuns, 'a second run counts nothing twice');
  });

  it('archives old actions of long-lived sessions to Tier 3 (read back first) and drops the others', async () => {
    const ws = await migratedWorkspace();
    await exec(
      ws.dbPath,
      `INSERT INTO conversations (conversation_id, start_time, last_updated) VALUES ('conv-live', '${ago(100)}', '${ago(70)}');
       INSERT INTO conversation_actions (id, session_id, turn_number, action_type, description, metadata_json, success, created_at) VALUES
         (1, 'conv-live', 1, 'retrieval', 'read the schema', '{"paths":["a.sql"]}', 1, '${ago(90)}'),
         (2, 'sess-active', 1, 'write', 'first draft', NULL, 0, '${ago(80)}'),
         (3, 'sess-active', 2, 'write', 'second draft', NULL, 1, '${ago(2)}'),
         (4, 'sess-dead', 1, 'generation', 'forgotten', NULL, 1, '${ago(75)}');`,
    );
    const original = await query(ws.dbPath, 'SELECT * FROM conversation_actions WHERE id IN (1, 2) ORDER BY id');
    assert.equal(fs.existsSync(tier3Path(ws.dbPath)), false);
    const r = await retain(ws);
    assert.deepEqual(await ids(ws, 'conversation_actions'), [3]);
    assert.deepEqual([policy(r, 'conversation_actions').deleted, policy(r, 'conversation_actions').archived], [3, 2]);
    const archived = await query<Record<string, unknown>>(tier3Path(ws.dbPath), 'SELECT * FROM archived_conversation_actions ORDER BY id');
    assert.deepEqual(archived.map(({ archived_at: _a, ...rest }) => rest), original);
    assert.ok(archived.every((a) => a.archived_at === NOW.toISOString().slice(0, 19).replace('T', ' ')));
    const [op] = await query<{ destination_tier: string; records_archived: number }>(ws.dbPath, 'SELECT * FROM archival_operations WHERE id = ?', [policy(r, 'conversation_actions').archivalOperationId!]);
    assert.deepEqual([op.destination_tier, op.records_archived], ['tier3', 3]);
  });

  it('exports expired denied boundary events to cold storage, reads them back, then purges exactly those and the allowed ones', async () => {
    const ws = await migratedWorkspace();
    await exec(
      ws.dbPath,
      `${series(300)} INSERT INTO boundary_events (occurred_at, event_type, path, allowed, reason, rule_reference, plugin_id, session_id)
         SELECT datetime('${ago(200)}', '+' || (i * 5) || ' hours'), 'write', 'src/f' || (i % 17) || '.ts', (i % 3 <> 0), CASE WHEN i % 3 = 0 THEN 'outside roots' END, 'RULE#22', 'doc_lint_plugin', 's' || (i / 30) FROM s;
       ${series(50)} INSERT INTO boundary_events (occurred_at, event_type, path, allowed) SELECT '${ago(3)}', 'read', 'src/x.ts', i % 2 FROM s;`,
    );
    const expiredDenied = await query(ws.dbPath, `SELECT * FROM boundary_events WHERE occurred_at < '${ago(90)}' AND allowed = 0 ORDER BY id`);
    const recent = await query(ws.dbPath, `SELECT * FROM boundary_events WHERE occurred_at >= '${ago(90)}' ORDER BY id`);
    const r = await retain(ws, { batchSize: 50 });
    const p = policy(r, 'boundary_events');
    const files = coldFiles(ws, 'boundary_events-denied-');
    assert.equal(files.length, 1);
    assert.match(path.basename(files[0]), /^boundary_events-denied-\d{8}T\d{9}Z\.jsonl\.gz$/);
    assert.deepEqual(readCold(files[0]), expiredDenied, 'the export holds exactly the purged denied events, every column');
    assert.equal(p.exported, expiredDenied.length);
    assert.deepEqual(await query(ws.dbPath, 'SELECT * FROM boundary_events ORDER BY id'), recent);
    assert.equal(p.deleted, 350 - recent.length);
    assert.deepEqual(fs.readdirSync(path.dirname(files[0])).filter((n) => n.endsWith('.partial')), []);
    const [op] = await query<{ destination_tier: string; compression_enabled: number; records_archived: number; status: string }>(ws.dbPath, 'SELECT * FROM archival_operations WHERE id = ?', [p.archivalOperationId!]);
    assert.deepEqual([op.destination_tier, op.compression_enabled, op.records_archived, op.status], ['cold_storage', 1, p.deleted, 'success']);
  });

  it('dry run lists what would go and why, and writes nothing', async () => {
    const ws = await migratedWorkspace();
    await boundaryRows(ws);
    await exec(ws.dbPath, `INSERT INTO boundary_events (id, occurred_at, event_type, path, allowed) VALUES (803, '${ago(120)}', 'write', 'c.ts', 0)`);
    const hash = sha256File(ws.dbPath);
    const r = await retain(ws, { dryRun: true });
    assert.equal(r.dryRun, true);
    const be = policy(r, 'boundary_events');
    assert.deepEqual([be.expired, be.sampleIds, be.wouldCopy, be.deleted], [2, [802, 803], 1, 0]);
    assert.match(be.rule, /older than 90 days; denied events are exported to cold storage first/);
    assert.deepEqual([policy(r, 'conversation_state_snapshots').expired, policy(r, 'conversation_state_snapshots').rule], [2, 'not among the newest 5 snapshots of their session']);
    assert.equal(policy(r, 'health_reports').oldest, ago(181));
    assert.equal(sha256File(ws.dbPath), hash);
    assert.equal(fs.existsSync(path.join(ws.brainRoot, 'cold_storage')), false);
    assert.equal(fs.existsSync(tier3Path(ws.dbPath)), false);
  });

  it('takes the days to keep from overrides, and refuses a table no policy names', async () => {
    const ws = await migratedWorkspace();
    await exec(ws.dbPath, `INSERT INTO boundary_events (id, occurred_at, event_type, path, allowed) VALUES (1, '${ago(9)}', 'read', 'a', 1), (2, '${ago(11)}', 'read', 'b', 1)`);
    await retain(ws, { overrides: { boundary_events: 10 } });
    assert.deepEqual(await ids(ws, 'boundary_events'), [1]);
    await assert.rejects(retain(ws, { overrides: { conversations: 1 } as never }), (e: unknown) => e instanceof CortexError && e.code === 'BAD_INPUT');
  });

  it('skips a rollup policy when its rollup table is missing, deleting nothing there', async () => {
    const ws = await migratedWorkspace();
    await exec(ws.dbPath, `DROP TABLE maintenance_rollups; INSERT INTO maintenance_runs (started_at, tier, operations, status) VALUES ('${ago(200)}', 'tier1', '[]', 'success')`);
    const r = await retain(ws);
    assert.match(policy(r, 'maintenance_runs').skipped!, /no maintenance_rollups table/);
    assert.equal((await ids(ws, 'maintenance_runs')).length, 1);
  });

  it('purges in short transactions while another process keeps writing', async () => {
    const ws = await migratedWorkspace();
    await exec(ws.dbPath, `${series(60000)} INSERT INTO boundary_events (occurred_at, event_type, path, allowed) SELECT datetime('${ago(400)}', '+' || (i / 200) || ' days'), 'read', 'src/m' || (i % 40) || '/f' || (i % 300) || '.ts', 1 FROM s;`);
    // The other writer waits at most CORTEX's default busy timeout for the lock.
    const writer = startHelper('writerLoop', [ws.dbPath, '3000', '5', '5000']);
    await writer.waitFor('READY');
    const locks: number[] = [];
    // A small budget makes this small table behave like a large one: many batches, each a short lock.
    const r = await retain(ws, { batchSize: 1000, lockBudgetMs: 10, onBatch: ({ lockMs }) => void locks.push(lockMs) });
    const done = JSON.parse((await writer.waitFor('DONE', 30000)).slice(5)) as { writes: number; errors: number; maxWaitMs: number };
    await writer.exited;
    assert.equal(policy(r, 'boundary_events').deleted, 60000 - (await ids(ws, 'boundary_events')).length);
    assert.ok(r.batches > 10, `${r.batches} batches`);
    assert.equal(r.longestLockMs, Math.round(Math.max(...locks) * 10) / 10);
    // The worst case depends on the disk's fsync latency (bench/retention.bench.ts measures it on a quiet machine); the typical batch must be short.
    assert.ok(median(locks) < 100, `median lock ${median(locks)} ms`);
    assert.equal(done.errors, 0, `the other writer never timed out: ${JSON.stringify(done)}`);
    assert.ok(done.writes > 0);
  });

  /** Expired rows of three policies with copies (export, Tier 3, rollup); returns what a crash must not lose. */
  async function crashBrain(ws: Ws) {
    await exec(
      ws.dbPath,
      `${series(3000)} INSERT INTO boundary_events (occurred_at, event_type, path, allowed) SELECT datetime('${ago(300)}', '+' || (i / 20) || ' days'), 'write', 'src/f' || (i % 97) || '.ts', (i % 4 <> 0) FROM s;
       ${series(2000)} INSERT INTO plugin_hook_executions (plugin_id, hook, started_at, status, duration_ms) SELECT 'self_review_plugin', 'on_self_review', datetime('${ago(200)}', '+' || (i / 20) || ' days'), 'success', 1 FROM s;
       INSERT INTO conversations (conversation_id, start_time, last_updated) VALUES ('live', '${ago(300)}', '${ago(1)}');
       ${series(2000)} INSERT INTO conversation_actions (session_id, turn_number, action_type, description, created_at) SELECT CASE WHEN i % 2 THEN 'live' ELSE 'gone' || i END, i, 'write', 'step ' || i, datetime('${ago(300)}', '+' || (i / 20) || ' days') FROM s;
       ${series(100)} INSERT INTO boundary_events (occurred_at, event_type, path, allowed) SELECT '${ago(1)}', 'read', 'recent.ts', i % 2 FROM s;`,
    );
    return {
      recentEvents: await query(ws.dbPath, `SELECT * FROM boundary_events WHERE occurred_at >= '${ago(90)}' ORDER BY id`),
      denied: await query<{ id: number }>(ws.dbPath, `SELECT * FROM boundary_events WHERE occurred_at < '${ago(90)}' AND allowed = 0 ORDER BY id`),
      hooks: (await query<{ n: number }>(ws.dbPath, `SELECT COUNT(*) AS n FROM plugin_hook_executions WHERE started_at < '${ago(30)}'`))[0].n,
      liveActions: await query<{ id: number }>(ws.dbPath, `SELECT * FROM conversation_actions WHERE session_id = 'live' ORDER BY id`),
    };
  }

  /** Nothing a policy did not name is lost: denied events are in the brain or cold storage, live actions in the brain or Tier 3, hook runs counted once. */
  async function assertNothingLost(ws: Ws, kept: Awaited<ReturnType<typeof crashBrain>>): Promise<void> {
    await withDatabase(ws.dbPath, {}, (db) => db.get('SELECT COUNT(*) FROM sqlite_master')); // rolls back a hot journal, as any next process would
    assert.ok(await integrityOk(ws.dbPath));
    assert.deepEqual(await query(ws.dbPath, `SELECT * FROM boundary_events WHERE occurred_at >= '${ago(90)}' ORDER BY id`), kept.recentEvents);
    const exported = new Map(coldFiles(ws, 'boundary_events-denied-').flatMap(readCold).map((row) => [row.id, row]));
    const inBrain = new Set((await query<{ id: number }>(ws.dbPath, 'SELECT id FROM boundary_events WHERE allowed = 0')).map((x) => x.id));
    for (const d of kept.denied) if (!inBrain.has(d.id)) assert.deepEqual(exported.get(d.id), d, `denied event ${d.id} is in cold storage`);
    const rolled = (await query<{ n: number | null }>(ws.dbPath, 'SELECT SUM(runs) AS n FROM hook_execution_rollups'))[0].n ?? 0;
    const detail = (await query<{ n: number }>(ws.dbPath, `SELECT COUNT(*) AS n FROM plugin_hook_executions WHERE started_at < '${ago(30)}'`))[0].n;
    assert.equal(rolled + detail, kept.hooks, 'every hook run is in the rollup or still in detail, once');
    const actions = new Set((await query<{ id: number }>(ws.dbPath, 'SELECT id FROM conversation_actions')).map((x) => x.id));
    const archived = fs.existsSync(tier3Path(ws.dbPath)) ? new Map((await query<{ id: number }>(tier3Path(ws.dbPath), 'SELECT * FROM archived_conversation_actions')).map((x) => [x.id, x])) : new Map();
    for (const a of kept.liveActions) if (!actions.has(a.id)) assert.deepEqual({ ...archived.get(a.id), archived_at: undefined }, { ...a, archived_at: undefined }, `action ${a.id} is in Tier 3`);
  }

  for (const kill of ['between batches', 'a few ms into a batch']) {
    it(`SIGKILL ${kill} leaves integrity ok and loses nothing; a rerun completes without double counting`, async () => {
      const ws = await migratedWorkspace();
      const kept = await crashBrain(ws);
      const child = startHelper('retentionChild', [ws.dbPath, NOW.toISOString(), '100', kill === 'between batches' ? '4' : '0']);
      if (kill === 'between batches') await child.waitFor('PAUSED', 60000);
      else {
        await child.waitFor('BATCH conversation_actions', 60000);
        await new Promise((r) => setTimeout(r, 3));
      }
      child.child.kill('SIGKILL');
      await child.exited;
      assert.ok(!child.lines.some((l) => l.startsWith('RESULT')), 'killed before the run finished');
      await assertNothingLost(ws, kept);

      const rerun = await retain(ws);
      assert.ok(rerun.policies.every((p) => !p.error), JSON.stringify(rerun.policies.filter((p) => p.error)));
      await assertNothingLost(ws, kept);
      assert.equal((await query(ws.dbPath, `SELECT 1 FROM boundary_events WHERE occurred_at < '${ago(90)}'`)).length, 0);
      assert.equal((await query<{ n: number }>(ws.dbPath, 'SELECT SUM(runs) AS n FROM hook_execution_rollups'))[0].n, kept.hooks);
      const archivedIds = (await query<{ id: number }>(tier3Path(ws.dbPath), 'SELECT id FROM archived_conversation_actions ORDER BY id')).map((x) => x.id);
      assert.deepEqual(archivedIds, kept.liveActions.map((a) => a.id), 'every live action archived exactly once');
    });
  }
});
