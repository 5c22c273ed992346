import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { withDatabase } from '../../../src/core/db/database';
import { brainHealthAnswer, discoveredApisAnswer, discoveredDatabasesAnswer, discoveredFrameworksAnswer } from '../../../src/core/knowledge/toolResults';
import { initBrain } from '../../../src/core/schema/migrator';
import { cleanupTempDirs, tempDir } from '../../helpers/fixtures';

describe('agent tool answers', () => {
  afterEach(cleanupTempDirs);

  it('say plainly that nothing is known yet, and what to do', async () => {
    const dbPath = path.join(tempDir(), 'brain.db');
    await initBrain({ dbPath });
    await withDatabase(dbPath, { readonly: true }, async (db) => {
      const now = new Date('2026-11-26T12:00:00Z');
      for (const a of [await discoveredDatabasesAnswer(db, { now }), await discoveredApisAnswer(db, { now, type: 'graphql' }), await discoveredFrameworksAnswer(db, { now })]) {
        assert.equal(a.count, 0);
        assert.match(a.note!, /Crawl Workspace/);
        assert.equal(a.freshness.generated_at, now.toISOString());
        assert.equal(a.freshness.newest_verification, null);
      }
      assert.match((await discoveredApisAnswer(db, { type: 'graphql' })).note!, /No graphql APIs/);
      const h = await brainHealthAnswer(db);
      assert.equal(h.review, null);
      assert.equal(h.last_maintenance, null);
      assert.match(h.note!, /No self-review/);
    });
  });

  it('never include connection strings and mark stale rows by last_verified', async () => {
    const dbPath = path.join(tempDir(), 'brain.db');
    await initBrain({ dbPath });
    const now = Date.UTC(2026, 10, 26) / 1000;
    await withDatabase(dbPath, {}, (db) =>
      db.exec(`INSERT INTO workspace_databases (database_type, connection_string, host, port, database_name, discovered_at, last_verified) VALUES
        ('postgresql', 'postgres://u:***@db:5432/shop', 'db', 5432, 'shop', ${now - 86400 * 40}, ${now - 86400 * 29}),
        ('mysql', 'mysql://u:***@m:3306/crm', 'm', 3306, 'crm', ${now - 86400 * 40}, ${now - 86400 * 31})`),
    );
    await withDatabase(dbPath, { readonly: true }, async (db) => {
      const a = await discoveredDatabasesAnswer(db, { now: new Date(now * 1000) });
      assert.ok(!JSON.stringify(a).includes('***'));
      assert.ok(!JSON.stringify(a).includes('connection_string'));
      assert.deepEqual(a.items.map((i) => [i.type, i.stale]), [['mysql', true], ['postgresql', false]]);
      assert.equal(a.freshness.stale_count, 1);
      assert.equal(a.freshness.newest_verification, new Date((now - 86400 * 29) * 1000).toISOString());
    });
  });
});
