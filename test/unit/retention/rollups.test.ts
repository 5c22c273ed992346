import * as assert from 'node:assert/strict';
import { Database, withDatabase } from '../../../src/core/db/database';
import { mergeBatch, sumBatch } from '../../../src/core/retention/rollups';
import { exec, migratedWorkspace, series } from '../../helpers/brains';
import { cleanupTempDirs, query } from '../../helpers/fixtures';

describe('retention rollups', function () {
  this.timeout(60000);
  afterEach(cleanupTempDirs);

  async function setup(): Promise<string> {
    const ws = await migratedWorkspace();
    await exec(ws.dbPath, `${series(10)} INSERT INTO plugin_hook_executions (id, plugin_id, hook, started_at, status, duration_ms) SELECT i, 'self_review_plugin', 'on_startup', '2026-01-0' || (i % 9 + 1) || ' 10:00:00', 'success', i FROM s;`);
    return ws.dbPath;
  }

  it('merges sums read before the lock when nobody wrote in between', async () => {
    const dbPath = await setup();
    await withDatabase(dbPath, {}, async (db) => {
      const sums = await sumBatch(db, 'plugin_hook_executions', 1, 10, '(started_at < ?)', ['2027-01-01']);
      await db.transaction(() => mergeBatch(db, 'plugin_hook_executions', sums, 1, 10, '(started_at < ?)', ['2027-01-01']));
    });
    assert.deepEqual(await query(dbPath, 'SELECT period, plugin_id, hook, runs, failed, total_ms, max_ms FROM hook_execution_rollups'), [
      { period: '2026-01', plugin_id: 'self_review_plugin', hook: 'on_startup', runs: 10, failed: 0, total_ms: 55, max_ms: 10 },
    ]);
  });

  it('sums again under the lock when another connection committed after the sums were read', async () => {
    const dbPath = await setup();
    const db = await Database.open(dbPath);
    try {
      const sums = await sumBatch(db, 'plugin_hook_executions', 1, 10, '(started_at < ?)', ['2027-01-01']);
      await exec(dbPath, `UPDATE plugin_hook_executions SET status = 'failed', duration_ms = 500 WHERE id = 3`);
      await db.transaction(() => mergeBatch(db, 'plugin_hook_executions', sums, 1, 10, '(started_at < ?)', ['2027-01-01']));
    } finally {
      await db.close();
    }
    assert.deepEqual(await query(dbPath, 'SELECT runs, failed, total_ms, max_ms FROM hook_execution_rollups'), [{ runs: 10, failed: 1, total_ms: 552, max_ms: 500 }]);
  });
});
