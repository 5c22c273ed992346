import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withDatabase } from '../../../src/core/db/database';
import { CortexError } from '../../../src/core/db/errors';
import { listBackups, restoreBackup } from '../../../src/core/schema/backups';
import { MIGRATIONS, migrationName } from '../../../src/core/schema/migrations';
import { brainStatus, initBrain, migrate } from '../../../src/core/schema/migrator';
import { startHelper } from '../../helpers/child';
import {
  checkSchema,
  cleanupTempDirs,
  columnsOf,
  integrityOk,
  legacyWorkspace,
  query,
  sha256File,
  snapshotRows,
  tempDir,
} from '../../helpers/fixtures';

async function rejectsWith(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<CortexError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof CortexError, `expected CortexError, got ${String(err)}`);
    assert.equal(err.code, code, err.oneLine);
    if (pattern) assert.match(err.oneLine, pattern);
    return err;
  }
  assert.fail(`expected ${code}`);
}

const ALL = MIGRATIONS.map(migrationName);

/** For each 1.0 shape: its original tables/columns (to prove no row changed) and the expected backfill. */
const SHAPES: Record<string, { tables: Record<string, string[]>; lastUpdated: Record<string, string | null>; keepsOldIndex: boolean }> = {
  'conversation-manager': {
    tables: {
      conversations: ['conversation_id', 'agent_id', 'start_time', 'end_time', 'goal', 'outcome', 'status', 'message_count', 'context'],
      messages: ['message_id', 'conversation_id', 'role', 'content', 'timestamp'],
    },
    lastUpdated: { 'conv-001': '2025-10-01 09:40:00', 'conv-002': '2025-10-20 14:05:00' },
    keepsOldIndex: false,
  },
  'working-memory': {
    tables: {
      conversations: ['id', 'conversation_id', 'title', 'created_at', 'updated_at', 'message_count', 'is_active', 'summary', 'tags', 'session_id', 'last_activity'],
      messages: ['id', 'conversation_id', 'role', 'content', 'timestamp'],
    },
    // updated_at first, then last_activity, then created_at
    lastUpdated: { 'wm-1': '2025-09-02 11:00:00', 'wm-2': '2025-10-11 16:00:00', 'wm-3': '2025-11-01 12:00:00' },
    keepsOldIndex: true,
  },
  'migrate-tier1': {
    tables: { conversations: ['conversation_id', 'title', 'started', 'ended', 'message_count', 'active', 'intent', 'outcome', 'note', 'source', 'session_id', 'import_date', 'created_at', 'updated_at'] },
    lastUpdated: { 'imp-1': '2025-08-01 09:00:00', 'imp-2': '2025-11-01 00:00:00' },
    keepsOldIndex: true,
  },
  'conversation-state': {
    tables: {
      conversations: ['conversation_id', 'user_request', 'intent', 'status', 'created_at', 'last_updated', 'completed_at', 'current_phase'],
      tasks: ['task_id', 'conversation_id', 'title', 'status', 'phase'],
    },
    lastUpdated: { 'cs-1': '2025-11-02 10:00:00' },
    keepsOldIndex: false,
  },
  'knowledge-graph-only': {
    tables: { patterns: ['pattern_id', 'title', 'content', 'pattern_type', 'confidence'] },
    lastUpdated: {},
    keepsOldIndex: false,
  },
  'partly-migrated': {
    tables: {
      conversations: ['conversation_id', 'agent_id', 'start_time', 'goal'],
      health_reports: ['id', 'overall_status', 'overall_score'],
      health_issues: ['id', 'report_id', 'title', 'detected_at'],
    },
    lastUpdated: { 'pm-1': '2025-11-06 10:00:00' },
    keepsOldIndex: false,
  },
};

describe('migrator', function () {
  this.timeout(60000);
  afterEach(cleanupTempDirs);

  it('creates a fresh brain that matches the seed exactly, with the backfill rows', async () => {
    const dbPath = path.join(tempDir(), 'nested', 'fresh.db');
    const report = await initBrain({ dbPath });
    assert.deepEqual(report.applied, ALL);
    assert.equal(report.backupPath, undefined, 'an empty new file needs no backup');
    const check = checkSchema(dbPath);
    assert.ok(check.ok, check.output);
    const plugins = await query<{ plugin_id: string; priority: number; hooks: string }>(dbPath, 'SELECT plugin_id, priority, hooks FROM plugins ORDER BY plugin_id');
    assert.deepEqual(plugins.map((p) => p.plugin_id), ['crawler_plugin', 'db_maintenance_plugin', 'incremental_creation_plugin', 'self_review_plugin']);
    assert.deepEqual(JSON.parse(plugins.find((p) => p.plugin_id === 'self_review_plugin')!.hooks), ['on_self_review', 'on_startup']);
    assert.deepEqual((await query<{ tier: string }>(dbPath, 'SELECT tier FROM retention_policy_snapshots ORDER BY tier')).map((r) => r.tier), ['tier1', 'tier2', 'tier3']);
    assert.deepEqual(await query(dbPath, 'SELECT source_type, source_ref, target_type, target_ref, relation, confidence FROM provenance_links'), [
      { source_type: 'migration', source_ref: 'MIGRATION_START', target_type: 'system', target_ref: 'schema_v2', relation: 'generated', confidence: 1 },
    ]);
    const rows = await query<{ name: string; success: number; checksum: string }>(dbPath, 'SELECT name, success, checksum FROM migrations ORDER BY id');
    assert.deepEqual(rows.map((r) => [r.name, r.success]), ALL.map((n) => [n, 1]));
    assert.ok(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum)));
  });

  for (const [shape, expect] of Object.entries(SHAPES)) {
    it(`migrates the 1.0 shape "${shape}" to the seed schema without changing a row`, async () => {
      const { dbPath } = await legacyWorkspace(shape);
      const before: Record<string, string> = {};
      for (const [table, cols] of Object.entries(expect.tables)) before[table] = await snapshotRows(dbPath, table, cols);
      const oldIndexSql = (await query<{ sql: string }>(dbPath, `SELECT sql FROM sqlite_master WHERE name = 'idx_conversations_active'`))[0]?.sql;

      const report = await migrate({ dbPath });
      assert.equal(report.outcome, 'migrated');
      assert.ok(report.backupPath && fs.existsSync(report.backupPath), 'a pre-migration backup exists');
      assert.match(report.backupPath!, /cortex-brain[\\/]backups[\\/]pre-migration[\\/]conversations-\d{8}T\d{9}Z\.db$/);

      const check = checkSchema(dbPath);
      assert.ok(check.ok, check.output);
      assert.ok(await integrityOk(dbPath));
      for (const [table, cols] of Object.entries(expect.tables)) {
        assert.equal(await snapshotRows(dbPath, table, cols), before[table], `rows of ${table} unchanged`);
      }
      for (const [id, want] of Object.entries(expect.lastUpdated)) {
        const [row] = await query<{ last_updated: string | null }>(dbPath, 'SELECT last_updated FROM conversations WHERE conversation_id = ?', [id]);
        assert.equal(row.last_updated, want, `last_updated of ${id}`);
      }
      const preserved = await query<{ sql: string }>(dbPath, `SELECT sql FROM sqlite_master WHERE name = 'idx_conversations_active_v1'`);
      if (expect.keepsOldIndex) {
        assert.equal(preserved.length, 1, 'the 1.0 index is kept under another name');
        assert.equal(preserved[0].sql.replace('idx_conversations_active_v1', 'idx_conversations_active'), oldIndexSql.replace(/IF NOT EXISTS /, ''));
      } else assert.equal(preserved.length, 0);

      // The backup is the untouched 1.0 brain.
      for (const [table, cols] of Object.entries(expect.tables)) assert.equal(await snapshotRows(report.backupPath!, table, cols), before[table]);
      assert.equal((await query(report.backupPath!, `SELECT 1 FROM sqlite_master WHERE name = 'workspace_apis'`)).length, 0);
    });
  }

  it('keeps other tooling\'s migrations rows and reports them as foreign', async () => {
    const { dbPath } = await legacyWorkspace('partly-migrated');
    const report = await migrate({ dbPath });
    assert.deepEqual(report.foreign.map((f) => f.name), ['2025-11-07_001_core_tables.sql', '2025-11-07_002_self_review.sql']);
    assert.ok(report.plan.find((p) => p.name.endsWith('002_self_review'))!.steps.some((s) => /keep existing table health_reports/.test(s)));
    const status = await brainStatus(dbPath);
    assert.equal(status.state, 'up-to-date');
    assert.equal(status.foreign.length, 2);
    assert.equal((await query(dbPath, 'SELECT * FROM health_issues')).length, 1, 'the existing issue row is kept');
  });

  it('is idempotent: a second run changes nothing and says up to date', async () => {
    const { dbPath } = await legacyWorkspace('conversation-manager');
    await migrate({ dbPath });
    const schemaBefore = await query(dbPath, 'SELECT type, name, sql FROM sqlite_master ORDER BY name');
    const hash = sha256File(dbPath);
    const again = await migrate({ dbPath });
    assert.equal(again.outcome, 'up-to-date');
    assert.deepEqual(again.applied, []);
    assert.equal(again.backupPath, undefined, 'no backup when nothing is to be done');
    assert.equal(sha256File(dbPath), hash, 'the file is byte-identical');
    assert.deepEqual(await query(dbPath, 'SELECT type, name, sql FROM sqlite_master ORDER BY name'), schemaBefore);
    assert.equal(listBackups(dbPath).length, 1);
  });

  it('refuses a brain whose applied migration changed (drift), naming it and writing nothing', async () => {
    const { dbPath } = await legacyWorkspace('conversation-manager');
    await migrate({ dbPath });
    await withDatabase(dbPath, {}, (db) => db.run(`UPDATE migrations SET checksum = 'tampered' WHERE name = ?`, [ALL[3]]));
    const hash = sha256File(dbPath);
    await rejectsWith(migrate({ dbPath }), 'DRIFT', /004_incremental_creation/);
    assert.equal(sha256File(dbPath), hash);
    assert.equal((await brainStatus(dbPath)).state, 'drift');
  });

  it('refuses to write a brain migrated by a newer version and reports it read-only', async () => {
    const { dbPath } = await legacyWorkspace('conversation-manager');
    await migrate({ dbPath });
    await withDatabase(dbPath, {}, (db) => db.run(`INSERT INTO migrations (name, checksum, success) VALUES ('cortex-vscode/099_future', 'x', 1)`));
    const hash = sha256File(dbPath);
    await rejectsWith(migrate({ dbPath }), 'NEWER_SCHEMA', /099_future.*read-only/);
    assert.equal(sha256File(dbPath), hash);
    const status = await brainStatus(dbPath);
    assert.equal(status.state, 'newer');
    assert.deepEqual(status.unknown, ['cortex-vscode/099_future']);
  });

  it('leaves a corrupt brain byte-identical with a clear error', async () => {
    const { dbPath } = await legacyWorkspace('conversation-manager');
    // Grow the file so there are interior pages to damage.
    await withDatabase(dbPath, {}, (db) => db.exec(`INSERT INTO messages (conversation_id, role, content) SELECT 'conv-001', 'user', hex(randomblob(500)) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) SELECT i FROM n)`));
    const fd = fs.openSync(dbPath, 'r+');
    fs.writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, 4096 * 3);
    fs.closeSync(fd);
    const hash = sha256File(dbPath);
    const err = await rejectsWith(migrate({ dbPath }), 'CORRUPT', /restore/i);
    assert.match(err.message, /conversations\.db/);
    assert.equal(sha256File(dbPath), hash);
    assert.ok(!fs.existsSync(`${dbPath}-journal`));
  });

  it('refuses a file whose header is not SQLite without opening it', async () => {
    const { dbPath } = await legacyWorkspace('conversation-manager');
    const fd = fs.openSync(dbPath, 'r+');
    fs.writeSync(fd, Buffer.from('NOT A DATABASE!!'), 0, 16, 0);
    fs.closeSync(fd);
    const hash = sha256File(dbPath);
    await rejectsWith(migrate({ dbPath }), 'NOT_A_DATABASE', /not a SQLite database/);
    assert.equal(sha256File(dbPath), hash);
  });

  it('waits busy_timeout for another writer, then fails clearly with no partial schema', async () => {
    const { dbPath } = await legacyWorkspace('conversation-manager');
    const holder = startHelper('lockHolder', [dbPath]);
    try {
      await holder.waitFor('LOCKED');
      const started = Date.now();
      await rejectsWith(migrate({ dbPath, busyTimeoutMs: 400 }), 'LOCKED', /locked by another process \(waited 400 ms\)/);
      assert.ok(Date.now() - started >= 380, 'it waited for the lock');
    } finally {
      holder.child.kill('SIGKILL');
      await holder.exited;
    }
    const tables = (await query<{ name: string }>(dbPath, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)).map((r) => r.name);
    assert.deepEqual(tables, ['conversations', 'messages', 'sqlite_sequence']);
    assert.ok(await integrityOk(dbPath));
    assert.equal((await migrate({ dbPath })).outcome, 'migrated', 'a later run completes');
  });

  it('rolls back a failing group, records it with success=0 and keeps the last good version', async () => {
    const { dbPath } = await legacyWorkspace('conversation-manager');
    // Another tool created maintenance_runs with a different definition.
    await withDatabase(dbPath, {}, (db) => db.exec(`CREATE TABLE maintenance_runs (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO maintenance_runs (note) VALUES ('theirs')`));
    const err = await rejectsWith(migrate({ dbPath }), 'MIGRATION_FAILED', /003_maintenance.*maintenance_runs.*unchanged since cortex-vscode\/002_self_review/);
    assert.match(err.oneLine, /backup is at/);
    const rows = await query<{ name: string; success: number; error_message: string | null }>(dbPath, 'SELECT name, success, error_message FROM migrations ORDER BY id');
    assert.deepEqual(rows.map((r) => [r.name, r.success]), [[ALL[0], 1], [ALL[1], 1], [ALL[2], 0]]);
    assert.match(rows[2].error_message!, /maintenance_runs/);
    assert.deepEqual(await query(dbPath, 'SELECT note FROM maintenance_runs'), [{ note: 'theirs' }], 'the conflicting table is not clobbered');
    assert.equal((await query(dbPath, `SELECT 1 FROM sqlite_master WHERE name = 'archival_operations'`)).length, 0, 'the failed group left nothing');
    assert.ok(await integrityOk(dbPath));
    const status = await brainStatus(dbPath);
    assert.equal(status.state, 'pending');
    assert.equal(status.failed[0].name, ALL[2]);

    // Once the cause is removed, the next run completes from where it stopped.
    await withDatabase(dbPath, {}, (db) => db.exec('ALTER TABLE maintenance_runs RENAME TO their_maintenance_runs'));
    const report = await migrate({ dbPath });
    assert.deepEqual(report.applied, ALL.slice(2));
    assert.match(report.warnings.join(), /failed earlier/);
    assert.ok(checkSchema(dbPath).ok);
  });

  it('dry-run plans without writing anything', async () => {
    const { dbPath } = await legacyWorkspace('working-memory');
    const hash = sha256File(dbPath);
    const report = await migrate({ dbPath, dryRun: true });
    assert.equal(report.outcome, 'dry-run');
    assert.equal(report.plan.length, ALL.length);
    const conv = report.plan.find((p) => p.name.endsWith('006_conversation'))!;
    assert.ok(conv.steps.some((s) => /backfill last_updated from updated_at → last_activity → created_at/.test(s)), conv.steps.join('\n'));
    assert.ok(conv.steps.some((s) => /replace the 1.0 index idx_conversations_active/.test(s)));
    assert.equal(sha256File(dbPath), hash);
    assert.equal(listBackups(dbPath).length, 0);
  });

  it('can be cancelled before the first write', async () => {
    const { dbPath } = await legacyWorkspace('conversation-manager');
    const hash = sha256File(dbPath);
    const ac = new AbortController();
    ac.abort();
    await rejectsWith(migrate({ dbPath, signal: ac.signal }), 'CANCELLED');
    assert.equal(sha256File(dbPath), hash);
  });

  it('keeps the newest backups only', async () => {
    const { dbPath } = await legacyWorkspace('conversation-manager');
    let t = Date.UTC(2026, 0, 1);
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      made.push((await migrate({ dbPath, backupsKept: 2, now: () => new Date((t += 60000)) })).backupPath!);
      await withDatabase(dbPath, {}, (db) => db.exec(`DELETE FROM migrations WHERE name LIKE '%009_backfill'`));
    }
    assert.deepEqual(listBackups(dbPath).map((b) => b.path), [made[2], made[1]]);
    assert.equal(fs.existsSync(made[0]), false);
  });

  it('restores a backup after checking it, keeping the replaced file', async () => {
    const { dbPath } = await legacyWorkspace('conversation-manager');
    const { backupPath } = await migrate({ dbPath });
    const migratedHash = sha256File(dbPath);
    const result = await restoreBackup(dbPath, backupPath!);
    assert.equal((await query(dbPath, `SELECT 1 FROM sqlite_master WHERE name = 'health_reports'`)).length, 0, 'back to 1.0');
    assert.equal((await query(dbPath, 'SELECT * FROM conversations')).length, 3);
    assert.equal(sha256File(result.replacedCopy!), migratedHash, 'the replaced brain is kept byte for byte');

    const bogus = path.join(tempDir(), 'bogus.db');
    fs.writeFileSync(bogus, 'SQLite format 3\0' + 'x'.repeat(2000));
    const hash = sha256File(dbPath);
    await assert.rejects(restoreBackup(dbPath, bogus), CortexError);
    assert.equal(sha256File(dbPath), hash, 'a bad backup is never put in place');
  });

  describe('crash safety (SIGKILL)', () => {
    const points: Array<[string, string, boolean]> = [
      ['after the backup', 'backed-up', false],
      ['inside a group, before COMMIT', 'group-applied:006_conversation', true],
      ['between groups', 'group-committed:003_maintenance', true],
    ];
    for (const [label, pauseAt, partial] of points) {
      it(`killed ${label}: integrity ok, 1.0 rows intact, a re-run completes`, async () => {
        const { dbPath } = await legacyWorkspace('conversation-manager');
        const before = await snapshotRows(dbPath, 'messages', ['message_id', 'conversation_id', 'role', 'content', 'timestamp']);
        const child = startHelper('migrateChild', [dbPath, pauseAt]);
        await child.waitFor('PAUSED');
        child.child.kill('SIGKILL');
        await child.exited;

        assert.ok(await integrityOk(dbPath), 'integrity after the kill');
        assert.equal(await snapshotRows(dbPath, 'messages', ['message_id', 'conversation_id', 'role', 'content', 'timestamp']), before);
        const cols = await columnsOf(dbPath, 'conversations');
        assert.equal(cols.includes('task_status'), false, 'the interrupted conversation group left no trace');
        const hasMaintenance = (await query(dbPath, `SELECT 1 FROM sqlite_master WHERE name = 'maintenance_runs'`)).length === 1;
        assert.equal(hasMaintenance, partial);

        const report = await migrate({ dbPath });
        assert.equal(report.outcome, 'migrated');
        assert.ok(checkSchema(dbPath).ok);
        const rows = await query<{ name: string; n: number }>(dbPath, 'SELECT name, COUNT(*) AS n FROM migrations WHERE success = 1 GROUP BY name');
        assert.equal(rows.length, ALL.length);
        assert.ok(rows.every((r) => r.n === 1));
      });
    }
  });

  it('two migrators started at once apply each migration exactly once', async () => {
    const { dbPath } = await legacyWorkspace('working-memory');
    const a = startHelper('migrateChild', [dbPath, 'none', '20000']);
    const b = startHelper('migrateChild', [dbPath, 'none', '20000']);
    const [ra, rb] = await Promise.all([a.waitFor('REPORT'), b.waitFor('REPORT')]);
    await Promise.all([a.exited, b.exited]);
    const reports = [ra, rb].map((l) => JSON.parse(l.slice('REPORT '.length)) as { applied: string[]; skipped: string[] });
    const appliedTotal = reports.flatMap((r) => r.applied).sort();
    assert.deepEqual(appliedTotal, [...ALL].sort(), 'every migration applied by exactly one of them');
    const rows = await query<{ name: string; n: number }>(dbPath, 'SELECT name, COUNT(*) AS n FROM migrations GROUP BY name');
    assert.ok(rows.every((r) => r.n === 1), JSON.stringify(rows));
    assert.ok(checkSchema(dbPath).ok);
    assert.equal((await query(dbPath, 'SELECT * FROM plugins')).length, 4);
  });
});
