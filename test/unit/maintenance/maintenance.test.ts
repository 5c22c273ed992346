import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withDatabase } from '../../../src/core/db/database';
import { CortexError } from '../../../src/core/db/errors';
import { runMaintenance } from '../../../src/core/maintenance/maintenance';
import { sqliteTimestamp } from '../../../src/core/maintenance/measure';
import { planMaintenance } from '../../../src/core/maintenance/plan';
import { snapshotDir } from '../../../src/core/maintenance/snapshot';
import { startHelper } from '../../helpers/child';
import { contentOf, exec, migratedWorkspace, series } from '../../helpers/brains';
import { cleanupTempDirs, integrityOk, query, sha256File } from '../../helpers/fixtures';

type Ws = Awaited<ReturnType<typeof migratedWorkspace>>;

interface RunRow {
  tier: string;
  operations: string;
  status: string;
  completed_at: string | null;
  fragmentation_before: number;
  fragmentation_after: number | null;
  size_before_mb: number;
  size_after_mb: number | null;
  space_reclaimed_mb: number | null;
  query_time_before_ms: number | null;
  query_time_after_ms: number | null;
  speedup: number | null;
  error_message: string | null;
}
const runRow = async (ws: Ws, id: number) => (await query<RunRow>(ws.dbPath, 'SELECT * FROM maintenance_runs WHERE id = ?', [id]))[0];

/** Conversations to time, a full-text table, and about `mb` MB of actions of which the older 60% are deleted again. */
async function fragmentedBrain(mb = 4): Promise<Ws> {
  const ws = await migratedWorkspace();
  const rows = Math.round((mb * 1e6) / 600);
  await exec(
    ws.dbPath,
    `${series(2000)} INSERT INTO conversations (conversation_id, start_time, last_updated) SELECT 'c' || i, '2025-01-01', datetime('2025-01-01', '+' || i || ' minutes') FROM s;
     CREATE VIRTUAL TABLE pattern_fts USING fts5(title, content);
     INSERT INTO pattern_fts (title, content) VALUES ('Locking', 'take the write lock first'), ('Retries', 'back off on busy');
     ${series(rows)} INSERT INTO conversation_actions (session_id, turn_number, action_type, description) SELECT 's' || (i / 20), i, 'write', hex(randomblob(290)) FROM s;
     DELETE FROM conversation_actions WHERE id <= ${Math.round(rows * 0.6)};`,
  );
  return ws;
}

describe('maintenance', function () {
  this.timeout(120000);
  afterEach(cleanupTempDirs);

  it('plans each tier without writing anything', async () => {
    const ws = await fragmentedBrain(1);
    const hash = sha256File(ws.dbPath);
    const ops = async (tier: 'tier1' | 'tier2' | 'tier3') => (await planMaintenance(ws.dbPath, tier)).steps.map((s) => (s.target ? `${s.op}:${s.target}` : s.op));
    assert.deepEqual(await ops('tier1'), ['analyze', 'optimize']);
    assert.deepEqual(await ops('tier2'), ['reindex', 'rebuild_fts:pattern_fts', 'analyze', 'optimize']);
    assert.deepEqual(await ops('tier3'), ['reindex', 'rebuild_fts:pattern_fts', 'vacuum', 'analyze', 'optimize']);
    const dry = await runMaintenance({ dbPath: ws.dbPath, tier: 'tier3', dryRun: true });
    assert.equal(dry.status, 'planned');
    assert.ok(dry.plan.fragmentation > 0.3);
    assert.equal(dry.plan.space?.ok, true);
    assert.equal(sha256File(ws.dbPath), hash);
    assert.equal((await query(ws.dbPath, 'SELECT * FROM maintenance_runs')).length, 0);
  });

  it('tier1 gathers statistics (exact row counts) without a backup and records one successful run', async () => {
    const ws = await fragmentedBrain(1);
    const r = await runMaintenance({ dbPath: ws.dbPath, tier: 'tier1' });
    assert.equal(r.status, 'success');
    assert.deepEqual(r.operations, ['analyze', 'optimize']);
    const row = await runRow(ws, r.runId!);
    assert.deepEqual([row.tier, JSON.parse(row.operations), row.status], ['tier1', ['analyze', 'optimize'], 'success']);
    assert.ok(row.completed_at);
    assert.equal(typeof row.query_time_before_ms, 'number');
    const stat = await query<{ stat: string }>(ws.dbPath, `SELECT stat FROM sqlite_stat1 WHERE tbl = 'conversations'`);
    assert.ok(stat.length && stat.every((s) => s.stat.split(' ')[0] === '2000'), JSON.stringify(stat));
    assert.equal(fs.existsSync(snapshotDir(ws.dbPath, 'pre-maintenance')), false, 'no destructive step, no backup');
  });

  it('tier3 compacts a fragmented brain, records before/after, reclaimed space and speedup, and changes no row', async () => {
    const ws = await fragmentedBrain(4);
    const before = await contentOf(ws.dbPath, ['maintenance_runs']);
    const events: string[] = [];
    const r = await runMaintenance({ dbPath: ws.dbPath, tier: 'tier3', onStep: (e) => void events.push(`${e.kind}${e.op ? `:${e.op}` : ''}`) });
    assert.equal(r.status, 'success', r.error);
    assert.deepEqual(r.operations, ['reindex', 'rebuild_fts', 'vacuum', 'analyze', 'optimize']);
    assert.deepEqual(events.filter((e) => !e.startsWith('step-done')), ['measured', 'recorded', 'backed-up', 'step-start:reindex', 'step-start:rebuild_fts', 'step-start:vacuum', 'step-start:analyze', 'step-start:optimize']);
    const row = await runRow(ws, r.runId!);
    assert.equal(row.status, 'success');
    assert.ok(row.fragmentation_before > 0.5, String(row.fragmentation_before));
    assert.equal(row.fragmentation_after, 0);
    assert.ok(row.size_after_mb! < row.size_before_mb);
    assert.equal(row.space_reclaimed_mb, Math.round((r.before!.sizeBytes - r.after!.sizeBytes) / 1e3) / 1e3);
    assert.ok(row.space_reclaimed_mb! > 1);
    assert.equal(row.speedup, Math.round((row.query_time_before_ms! / row.query_time_after_ms!) * 100) / 100);
    assert.equal(await contentOf(ws.dbPath, ['maintenance_runs']), before);
    assert.ok(await integrityOk(ws.dbPath));
    assert.deepEqual(fs.readdirSync(snapshotDir(ws.dbPath, 'pre-maintenance')), [], 'the snapshot is removed after a success');
    assert.deepEqual(await query(ws.dbPath, `SELECT rowid FROM pattern_fts WHERE pattern_fts MATCH 'lock'`), [{ rowid: 1 }]);
  });

  it('never VACUUMs during activation (nothing is recorded)', async () => {
    const ws = await migratedWorkspace();
    await assert.rejects(runMaintenance({ dbPath: ws.dbPath, tier: 'tier3', duringActivation: true }), (e: unknown) => e instanceof CortexError && e.code === 'BAD_INPUT' && /never runs while the extension activates/.test(e.message));
    assert.equal((await query(ws.dbPath, 'SELECT * FROM maintenance_runs')).length, 0);
    assert.equal((await runMaintenance({ dbPath: ws.dbPath, tier: 'tier1', duringActivation: true })).status, 'success');
  });

  it('a failing step leaves the brain intact (SQLite rolled it back): failed, snapshot kept, nothing restored', async () => {
    const ws = await fragmentedBrain(1);
    const before = await contentOf(ws.dbPath, ['maintenance_runs']);
    const r = await runMaintenance({
      dbPath: ws.dbPath,
      tier: 'tier3',
      onStep: (e) => {
        if (e.kind === 'step-start' && e.op === 'vacuum') throw new Error('disk went away');
      },
    });
    assert.equal(r.status, 'failed');
    assert.deepEqual(r.operations, ['reindex', 'rebuild_fts']);
    assert.ok(r.backupPath && fs.existsSync(r.backupPath) && (await integrityOk(r.backupPath)));
    const row = await runRow(ws, r.runId!);
    assert.equal(row.status, 'failed');
    assert.match(row.error_message!, /disk went away/);
    assert.equal(await contentOf(ws.dbPath, ['maintenance_runs']), before);
  });

  it('a brain damaged during the run is restored from the snapshot and the run recorded as rolled_back', async () => {
    const ws = await fragmentedBrain(2);
    const before = await contentOf(ws.dbPath, ['maintenance_runs']);
    const r = await runMaintenance({
      dbPath: ws.dbPath,
      tier: 'tier2',
      onStep: (e) => {
        if (e.kind !== 'step-done' || e.op !== 'reindex') return;
        // Overwrite b-tree pages and bump the header's change counter, so every connection re-reads them.
        const fd = fs.openSync(ws.dbPath, 'r+');
        const counter = Buffer.alloc(4);
        fs.readSync(fd, counter, 0, 4, 24);
        counter.writeUInt32BE(counter.readUInt32BE(0) + 1, 0);
        fs.writeSync(fd, counter, 0, 4, 24);
        fs.writeSync(fd, Buffer.alloc(4096 * 8, 0xa5), 0, 4096 * 8, 4096 * 40);
        fs.closeSync(fd);
        throw new Error('power glitch');
      },
    });
    assert.equal(r.status, 'rolled_back', r.error);
    assert.match(r.error!, /power glitch.*restored from .*pre-maintenance.*damaged file is kept/);
    assert.ok(await integrityOk(ws.dbPath));
    assert.equal(await contentOf(ws.dbPath, ['maintenance_runs']), before);
    const row = await runRow(ws, r.runId!);
    assert.equal(row.status, 'rolled_back');
    assert.equal(fs.readdirSync(path.join(ws.brainRoot, 'backups', 'replaced')).filter((n) => n.endsWith('-damaged.db')).length, 1);
  });

  it('cancelling between steps stops the run and records it as failed', async () => {
    const ws = await fragmentedBrain(1);
    const controller = new AbortController();
    const r = await runMaintenance({ dbPath: ws.dbPath, tier: 'tier3', signal: controller.signal, onStep: (e) => void (e.kind === 'step-start' && e.op === 'vacuum' && controller.abort()) });
    assert.equal(r.status, 'failed');
    assert.match(r.error!, /cancelled before vacuum/);
    assert.deepEqual(r.operations, ['reindex', 'rebuild_fts']);
    assert.ok(await integrityOk(ws.dbPath));
  });

  for (const delayMs of [0, 40, 120]) {
    it(`SIGKILL ${delayMs} ms into VACUUM leaves integrity ok and every row; the dead run is later marked failed`, async () => {
      const ws = await fragmentedBrain(60);
      const before = await contentOf(ws.dbPath, ['maintenance_runs']);
      const child = startHelper('maintenanceChild', [ws.dbPath, 'tier3']);
      await child.waitFor('EVENT step-start:vacuum', 60000);
      await new Promise((r) => setTimeout(r, delayMs));
      child.child.kill('SIGKILL');
      await child.exited;
      assert.ok(!child.lines.includes('EVENT step-done:vacuum'), 'killed before VACUUM finished');
      // The next connection that may write rolls a hot journal back, as any CORTEX process opening the brain would.
      await withDatabase(ws.dbPath, {}, (db) => db.get('SELECT COUNT(*) AS n FROM sqlite_master'));
      assert.ok(!fs.existsSync(`${ws.dbPath}-journal`));
      assert.ok(await integrityOk(ws.dbPath));
      assert.equal(await contentOf(ws.dbPath, ['maintenance_runs']), before);
      assert.deepEqual(await query(ws.dbPath, 'SELECT status FROM maintenance_runs'), [{ status: 'running' }]);

      const tomorrow = new Date(Date.now() + 25 * 3600_000);
      const next = await runMaintenance({ dbPath: ws.dbPath, tier: 'tier1', now: () => tomorrow });
      const rows = await query<{ id: number; status: string; error_message: string | null; completed_at: string }>(ws.dbPath, 'SELECT id, status, error_message, completed_at FROM maintenance_runs ORDER BY id');
      assert.deepEqual(rows.map((x) => x.status), ['failed', 'success']);
      assert.match(rows[0].error_message!, /interrupted/);
      assert.equal(rows[0].completed_at, sqliteTimestamp(tomorrow));
      assert.equal(rows[1].id, next.runId);
    });
  }
});
