import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Database, withDatabase } from '../../../src/core/db/database';
import { CortexError } from '../../../src/core/db/errors';
import { crawlWorkspace } from '../../../src/core/crawler/crawl';
import {
  forgetDiscovery,
  listDiscoveries,
  queryDiscoveredApis,
  queryDiscoveredDatabases,
  queryDiscoveredFrameworks,
} from '../../../src/core/knowledge/discoveries';
import { addRelationship, relationshipsOfEntity, relationshipsOfPattern, removeRelationship } from '../../../src/core/knowledge/relationships';
import { MIGRATIONS, migrationName } from '../../../src/core/schema/migrations';
import { initBrain, migrate } from '../../../src/core/schema/migrator';
import { checkSchema, cleanupTempDirs, legacyWorkspace, query, tempDir } from '../../helpers/fixtures';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'crawler');
const T0 = 1_800_000_000;

async function rejectsWith(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof CortexError && err.code === code && pattern.test(err.oneLine));
}

describe('knowledge: discoveries for agents', function () {
  this.timeout(60000);
  let db: Database;
  let dbPath: string;

  beforeEach(async () => {
    dbPath = path.join(tempDir(), 'brain.db');
    await initBrain({ dbPath });
    db = await Database.open(dbPath);
    for (const ws of ['aspnet-sqlserver', 'openapi-rest', 'grpc', 'node-frontends']) {
      await crawlWorkspace(db, { workspace: path.join(FIXTURES, ws), now: T0 });
    }
  });
  afterEach(async () => {
    await db.close();
    cleanupTempDirs();
  });

  it('queries databases, APIs and frameworks by type, with the seed\'s names and common aliases', async () => {
    assert.deepEqual((await queryDiscoveredDatabases(db, { type: 'sqlserver' })).map((d) => d.database_name), ['ShopDev', 'ShopLegacy', 'Shop']);
    assert.deepEqual((await queryDiscoveredDatabases(db, { type: 'MSSQL' })).length, 3);
    assert.deepEqual((await queryDiscoveredDatabases(db, { type: 'postgresql' })), []);
    const rest = await queryDiscoveredApis(db, { type: 'rest' });
    assert.deepEqual(rest.map((a) => a.base_url), ['/', 'https://catalog.acme.example/api', 'https://eu.api.acme.example/orders/v2']);
    assert.ok(Array.isArray(rest[0].endpoints));
    assert.equal((await queryDiscoveredApis(db)).length, 4);
    const [vue] = await queryDiscoveredFrameworks(db, { type: 'vue' });
    assert.deepEqual([vue.version, vue.components_count, typeof vue.metadata], ['3.4.21', 4, 'object']);
    // Rows from the other workspaces crawled into this brain were marked stale by the later crawls.
    assert.equal((await queryDiscoveredDatabases(db))[0].stale, true);
    assert.equal(vue.stale, false);
  });

  it('returns nothing (rather than failing) on a brain that has no crawler tables yet', async () => {
    const { dbPath: old } = await legacyWorkspace('conversation-manager');
    await withDatabase(old, { readonly: true }, async (d) => {
      assert.deepEqual(await queryDiscoveredDatabases(d), []);
      assert.equal(await listDiscoveries(d, 'apis'), undefined);
    });
  });

  it('links patterns to discoveries (uses_database, uses_api, uses_framework) and queries by pattern', async () => {
    const [shop] = await queryDiscoveredDatabases(db, { type: 'mssql' });
    const [grpc] = await queryDiscoveredApis(db, { type: 'grpc' });
    const id = await addRelationship(db, { subjectPatternId: 123, relationshipType: 'uses_database', objectEntityType: 'workspace_database', objectEntityId: shop.id });
    assert.equal(await addRelationship(db, { subjectPatternId: '123', relationshipType: 'uses_database', objectEntityType: 'workspace_database', objectEntityId: shop.id }), id, 'idempotent');
    await addRelationship(db, { subjectPatternId: 123, relationshipType: 'uses_api', objectEntityType: 'workspace_api', objectEntityId: grpc.id });
    await addRelationship(db, { subjectPatternId: 'p-9', relationshipType: 'uses_api', objectEntityType: 'workspace_api', objectEntityId: grpc.id });

    assert.deepEqual((await queryDiscoveredDatabases(db, { usedByPattern: 123 })).map((d) => d.id), [shop.id]);
    assert.deepEqual((await queryDiscoveredApis(db, { usedByPattern: '123', type: 'grpc' })).map((a) => a.id), [grpc.id]);
    assert.deepEqual(await queryDiscoveredFrameworks(db, { usedByPattern: 123 }), []);
    assert.deepEqual(
      (await relationshipsOfPattern(db, 123)).map((r) => [r.relationship_type, r.object_entity_type, r.object_entity_id]),
      [
        ['uses_database', 'workspace_database', shop.id],
        ['uses_api', 'workspace_api', grpc.id],
      ],
    );
    assert.deepEqual((await relationshipsOfEntity(db, 'workspace_api', grpc.id)).map((r) => r.subject_pattern_id), ['123', 'p-9']);
    assert.equal(await removeRelationship(db, { subjectPatternId: 'p-9', relationshipType: 'uses_api', objectEntityType: 'workspace_api', objectEntityId: grpc.id }), true);
    assert.equal(await removeRelationship(db, { subjectPatternId: 'p-9', relationshipType: 'uses_api', objectEntityType: 'workspace_api', objectEntityId: grpc.id }), false);
  });

  it('refuses relationships that do not fit: wrong type for the entity, unknown entity, no pattern', async () => {
    const [api] = await queryDiscoveredApis(db);
    await rejectsWith(addRelationship(db, { subjectPatternId: 1, relationshipType: 'uses_database', objectEntityType: 'workspace_api', objectEntityId: api.id }), 'BAD_INPUT', /linked with uses_api/);
    await rejectsWith(addRelationship(db, { subjectPatternId: 1, relationshipType: 'uses_api', objectEntityType: 'workspace_api', objectEntityId: 99999 }), 'BAD_INPUT', /no workspace_api with id 99999/);
    await rejectsWith(addRelationship(db, { subjectPatternId: ' ', relationshipType: 'uses_api', objectEntityType: 'workspace_api', objectEntityId: api.id }), 'BAD_INPUT', /pattern/);
    // The table's own CHECKs hold against writers that bypass the API.
    await assert.rejects(db.run(`INSERT INTO knowledge_relationships (subject_pattern_id, relationship_type, object_entity_type, object_entity_id) VALUES ('x', 'likes', 'workspace_api', 1)`), /CHECK constraint/);
  });

  it('forgetting a discovery deletes its relationships in the same transaction', async () => {
    const [a, b] = await queryDiscoveredApis(db, { type: 'rest' });
    await addRelationship(db, { subjectPatternId: 'p1', relationshipType: 'uses_api', objectEntityType: 'workspace_api', objectEntityId: a.id });
    await addRelationship(db, { subjectPatternId: 'p1', relationshipType: 'uses_api', objectEntityType: 'workspace_api', objectEntityId: b.id });
    // A row that cannot be deleted: the relationship delete must roll back with it.
    await db.exec(`CREATE TRIGGER keep_api BEFORE DELETE ON workspace_apis WHEN old.id = ${a.id} BEGIN SELECT RAISE(ABORT, 'kept'); END`);
    await assert.rejects(forgetDiscovery(db, 'apis', a.id), /kept/);
    assert.equal((await relationshipsOfEntity(db, 'workspace_api', a.id)).length, 1, 'rolled back together');
    await db.exec('DROP TRIGGER keep_api');

    assert.equal(await forgetDiscovery(db, 'apis', a.id), true);
    assert.deepEqual(await relationshipsOfEntity(db, 'workspace_api', a.id), []);
    assert.equal((await relationshipsOfEntity(db, 'workspace_api', b.id)).length, 1, 'other links stay');
    assert.equal((await queryDiscoveredApis(db)).some((x) => x.id === a.id), false);
    assert.equal(await forgetDiscovery(db, 'apis', a.id), false);
    const provenance = await db.all(`SELECT 1 FROM provenance_links WHERE target_type = 'workspace_api' AND target_ref = ?`, [String(a.id)]);
    assert.equal(provenance.length, 1, 'the audit trail stays');
  });
});

describe('migration 010_knowledge_relationships', function () {
  this.timeout(60000);
  afterEach(cleanupTempDirs);

  it('comes right after 009 and creates the table and its index; the seed checker still passes', async () => {
    assert.equal(MIGRATIONS.findIndex((m) => m.id === '010_knowledge_relationships'), 9);
    const { dbPath } = await legacyWorkspace('working-memory');
    const report = await migrate({ dbPath });
    assert.deepEqual(report.applied, MIGRATIONS.map(migrationName));
    const idx = await query<{ name: string; tbl_name: string }>(dbPath, `SELECT name, tbl_name FROM sqlite_master WHERE name LIKE '%knowledge_relationships%' ORDER BY name`);
    assert.deepEqual(idx, [
      { name: 'idx_knowledge_relationships_object', tbl_name: 'knowledge_relationships' },
      { name: 'knowledge_relationships', tbl_name: 'knowledge_relationships' },
      { name: 'sqlite_autoindex_knowledge_relationships_1', tbl_name: 'knowledge_relationships' },
    ]);
    const check = checkSchema(dbPath);
    assert.ok(check.ok, check.output);
  });

  it('keeps an identical table another tool created (adding its missing index) and refuses a different one', async () => {
    const same = await legacyWorkspace('conversation-manager');
    await withDatabase(same.dbPath, {}, (d) =>
      d.exec(`CREATE TABLE knowledge_relationships (id INTEGER PRIMARY KEY AUTOINCREMENT, subject_pattern_id TEXT NOT NULL,
        relationship_type TEXT NOT NULL CHECK (relationship_type IN ('uses_database','uses_api','uses_framework')),
        object_entity_type TEXT NOT NULL CHECK (object_entity_type IN ('workspace_database','workspace_api','workspace_framework')),
        object_entity_id INTEGER NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
        UNIQUE(subject_pattern_id, relationship_type, object_entity_type, object_entity_id));
        INSERT INTO knowledge_relationships (subject_pattern_id, relationship_type, object_entity_type, object_entity_id) VALUES ('theirs', 'uses_api', 'workspace_api', 7)`),
    );
    const report = await migrate({ dbPath: same.dbPath });
    assert.deepEqual(report.plan.find((p) => p.name.endsWith('010_knowledge_relationships'))!.steps, ['keep existing table knowledge_relationships (same structure)', 'create missing index idx_knowledge_relationships_object']);
    assert.deepEqual(await query(same.dbPath, 'SELECT subject_pattern_id FROM knowledge_relationships'), [{ subject_pattern_id: 'theirs' }]);

    const other = await legacyWorkspace('conversation-manager');
    await withDatabase(other.dbPath, {}, (d) => d.exec('CREATE TABLE knowledge_relationships (id INTEGER PRIMARY KEY, note TEXT)'));
    await rejectsWith(migrate({ dbPath: other.dbPath }), 'MIGRATION_FAILED', /010_knowledge_relationships.*knowledge_relationships/);
    assert.deepEqual(await query(other.dbPath, `SELECT name FROM pragma_table_info('knowledge_relationships')`), [{ name: 'id' }, { name: 'note' }]);
  });
});
