import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withDatabase } from '../../../src/core/db/database';
import { CortexError } from '../../../src/core/db/errors';
import { crawlWorkspace } from '../../../src/core/crawler/crawl';
import { reverifyStale } from '../../../src/core/crawler/reverify';
import type { CrawlProgress } from '../../../src/core/crawler/types';
import { lineageOf } from '../../../src/core/integrity/provenance';
import { listDiscoveries } from '../../../src/core/knowledge/discoveries';
import { cleanupTempDirs, tempDir } from '../../helpers/fixtures';
import { closeBrains, copyFixture, crawl, dbKeys, discovered, FIXTURES, freshBrain } from './helpers';

const T0 = 1_800_000_000;
const DAY = 86400;

async function counts(db: Awaited<ReturnType<typeof freshBrain>>['db']): Promise<number[]> {
  const row = await db.get<Record<string, number>>(
    `SELECT (SELECT count(*) FROM workspace_databases) AS d, (SELECT count(*) FROM workspace_apis) AS a, (SELECT count(*) FROM workspace_frameworks) AS f,
            (SELECT count(*) FROM provenance_links WHERE source_type = 'crawler') AS p`,
  );
  return [row!.d, row!.a, row!.f, row!.p];
}

describe('crawler storage', function () {
  this.timeout(60000);
  afterEach(async () => {
    await closeBrains();
    cleanupTempDirs();
  });

  it('a re-crawl never duplicates a row, NULL columns included: discovered_at kept, last_verified refreshed', async () => {
    // LocalDB and named instances (NULL port), a Django sqlite file (NULL host and port): NULLs in the UNIQUE keys.
    const ws = tempDir();
    for (const name of ['aspnet-sqlserver', 'django-mysql']) fs.cpSync(path.join(FIXTURES, name), path.join(ws, name), { recursive: true });
    const { db } = await freshBrain();
    const r1 = await crawlWorkspace(db, { workspace: ws, now: T0 });
    const first = await discovered(db);
    const before = await counts(db);
    const r2 = await crawlWorkspace(db, { workspace: ws, now: T0 + 60 });
    assert.deepEqual(await counts(db), before);
    assert.deepEqual([r2.new, r2.updated, r2.unchanged, r2.stale], [0, 0, r1.new, 0]);
    const second = await discovered(db);
    assert.deepEqual(
      second.databases.map((d) => [d.id, d.discovered_at]),
      first.databases.map((d) => [d.id, d.discovered_at]),
    );
    assert.equal(second.databases.filter((d) => d.host === null || d.port === null).length, 3);
    for (const row of [...second.databases, ...second.frameworks]) assert.equal(row.last_verified, T0 + 60);
  });

  it('an existing row with the same NULL-bearing identity (written by other tooling) is updated, not duplicated', async () => {
    const { db } = await freshBrain();
    await db.run(`INSERT INTO workspace_databases (database_type, connection_string, host, port, database_name, discovered_at, last_verified, metadata) VALUES ('sqlite', 'db.sqlite3', NULL, NULL, 'db.sqlite3', ?, NULL, '{"by":"1.0 crawler"}')`, [T0 - DAY]);
    const r = await crawlWorkspace(db, { workspace: path.join(FIXTURES, 'django-mysql'), now: T0 });
    const rows = await db.all<{ id: number; discovered_at: number; last_verified: number; metadata: string }>(`SELECT * FROM workspace_databases WHERE database_type = 'sqlite'`);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].id, 1);
    assert.equal(rows[0].discovered_at, T0 - DAY);
    assert.equal(rows[0].last_verified, T0);
    assert.equal(JSON.parse(rows[0].metadata).by, '1.0 crawler', 'metadata keys of others are kept');
    assert.deepEqual([r.new, r.updated], [2 + 1, 1]);
  });

  it('each new discovery gets one provenance row naming the file it was found in', async () => {
    const { db } = await freshBrain();
    await crawlWorkspace(db, { workspace: path.join(FIXTURES, 'grpc'), now: T0 });
    await crawlWorkspace(db, { workspace: path.join(FIXTURES, 'grpc'), now: T0 + 1 });
    const [api] = (await discovered(db)).apis;
    const lineage = await lineageOf(db, 'workspace_api', String(api.id));
    assert.deepEqual(
      lineage.map((l) => [l.source_type, l.source_ref, l.relation]),
      [['crawler', 'proto/shop/v1/orders.proto', 'generated']],
    );
  });

  it('things no longer found are marked stale, not deleted, and come back when found again', async () => {
    const ws = copyFixture('express-react-postgres');
    const { db } = await freshBrain();
    await crawlWorkspace(db, { workspace: ws, now: T0 });
    const compose = path.join(ws, 'docker-compose.yml');
    const original = fs.readFileSync(compose, 'utf8');
    // Same line count above the postgres service, so only redis changes.
    fs.writeFileSync(compose, original.replace('REDIS_URL: redis://cache:6379/0', '# no cache').replace(/  cache:\n    image: redis:7\n/, ''));
    const r2 = await crawlWorkspace(db, { workspace: ws, now: T0 + DAY });
    assert.equal(r2.stale, 1);
    let redis = (await discovered(db)).databases.find((d) => d.database_type === 'redis')!;
    assert.equal(redis.last_verified, T0, 'last_verified stays the last time it was really seen');
    assert.equal(redis.metadata.stale, true);
    assert.equal(redis.metadata.missing_since, T0 + DAY);
    assert.equal(redis.stale, true);
    const page = await listDiscoveries(db, 'databases', { now: T0 + DAY });
    assert.deepEqual(
      page!.items.map((d) => [d.database_type, d.stale]),
      [
        ['postgresql', false],
        ['redis', true],
      ],
    );
    // A second crawl without it does not move missing_since.
    assert.equal((await crawlWorkspace(db, { workspace: ws, now: T0 + 2 * DAY })).stale, 0);
    fs.writeFileSync(compose, original);
    const r4 = await crawlWorkspace(db, { workspace: ws, now: T0 + 3 * DAY });
    redis = (await discovered(db)).databases.find((d) => d.database_type === 'redis')!;
    assert.equal(r4.updated, 1);
    assert.equal(redis.last_verified, T0 + 3 * DAY);
    assert.equal(redis.metadata.stale, undefined);
    assert.equal(redis.metadata.missing_since, undefined);
  });

  it('a crawl cut short by its time budget stores what it found but marks nothing stale', async () => {
    const { db } = await freshBrain();
    await crawlWorkspace(db, { workspace: path.join(FIXTURES, 'soap'), now: T0 });
    const r = await crawlWorkspace(db, { workspace: path.join(FIXTURES, 'grpc'), now: T0 + 1, timeBudgetMs: 0 });
    assert.equal(r.truncated, true);
    assert.equal(r.stale, 0);
    const [soap] = (await discovered(db)).apis;
    assert.equal(soap.metadata.stale, undefined);
  });

  it('cancellation stops the crawl and writes nothing; progress is reported by phase', async () => {
    const { db } = await freshBrain();
    const ac = new AbortController();
    const phases: CrawlProgress['phase'][] = [];
    await assert.rejects(
      crawlWorkspace(db, {
        workspace: path.join(FIXTURES, 'polyglot'),
        signal: ac.signal,
        onProgress: (p) => {
          phases.push(p.phase);
          if (p.phase === 'detect') ac.abort();
        },
      }),
      (err: unknown) => err instanceof CortexError && err.code === 'CANCELLED',
    );
    assert.deepEqual(await counts(db), [0, 0, 0, 0]);
    const seen: string[] = [];
    await crawlWorkspace(db, { workspace: path.join(FIXTURES, 'soap'), onProgress: (p) => seen.push(p.phase) });
    assert.deepEqual([...new Set(seen)], ['detect', 'store']);
    assert.ok(phases.includes('detect'));
  });

  it('refuses a brain without crawler tables, and a workspace that is not a folder', async () => {
    const dbPath = path.join(tempDir(), 'old.db');
    await withDatabase(dbPath, { create: true }, async (db) => {
      await assert.rejects(crawlWorkspace(db, { workspace: FIXTURES }), (e: unknown) => e instanceof CortexError && /no crawler tables yet.*cortex migrate/.test(e.oneLine));
    });
    const { db } = await freshBrain();
    await assert.rejects(crawlWorkspace(db, { workspace: path.join(FIXTURES, 'nope') }), (e: unknown) => e instanceof CortexError && e.code === 'BAD_INPUT');
  });

  describe('re-verification', () => {
    it('re-checks only stale entries: still there → verified, gone → marked missing; SQLite counts refreshed', async () => {
      const ws = copyFixture('polyglot');
      const sqlite = path.join(ws, 'data.db');
      await withDatabase(sqlite, { create: true }, (d) => d.exec('CREATE TABLE a (x)'));
      const { db } = await freshBrain();
      await crawlWorkspace(db, { workspace: ws, now: T0 });
      await withDatabase(sqlite, {}, (d) => d.exec('CREATE TABLE b (x); CREATE TABLE c (x)'));
      fs.rmSync(path.join(ws, 'flask-svc', '.env'));
      fs.writeFileSync(path.join(ws, 'go-gin', 'go.mod'), 'module example.com/shop/gin\n\ngo 1.22\n');
      // One row verified recently is not due.
      await db.run(`UPDATE workspace_frameworks SET last_verified = ? WHERE framework_type = 'axum'`, [T0 + 25 * DAY]);

      const r = await reverifyStale(db, { workspace: ws, now: T0 + 31 * DAY });
      const all = await discovered(db);
      const total = all.databases.length + all.apis.length + all.frameworks.length;
      assert.deepEqual([r.checked, r.missing, r.unverifiable], [total - 1, 2, 0]);
      assert.equal(r.verified, total - 3);
      const mongo = all.databases.find((d) => d.host === 'cluster0.ab1cd.mongodb.net')!;
      assert.deepEqual([mongo.last_verified, mongo.metadata.stale, mongo.metadata.missing_since], [T0, true, T0 + 31 * DAY]);
      const gin = all.frameworks.find((f) => f.framework_type === 'gin')!;
      assert.equal(gin.metadata.stale, true);
      const file = all.databases.find((d) => d.database_name === 'data.db')!;
      assert.deepEqual([file.table_count, file.last_verified, file.stale], [3, T0 + 31 * DAY, false]);
      assert.equal(all.frameworks.find((f) => f.framework_type === 'axum')!.last_verified, T0 + 25 * DAY);
      // Prisma's database is verified through either of its files.
      assert.equal(all.databases.find((d) => d.database_name === 'users')!.last_verified, T0 + 31 * DAY);
    });

    it('missing entries are re-checked whatever their age, and recover when their file is back', async () => {
      const ws = copyFixture('soap');
      const { db } = await freshBrain();
      await crawlWorkspace(db, { workspace: ws, now: T0 });
      const wsdl = path.join(ws, 'wsdl', 'StockQuote.wsdl');
      const text = fs.readFileSync(wsdl);
      fs.rmSync(wsdl);
      await crawlWorkspace(db, { workspace: ws, now: T0 + 60 });
      fs.writeFileSync(wsdl, text);
      const r = await reverifyStale(db, { workspace: ws, now: T0 + 120 });
      assert.deepEqual([r.checked, r.verified, r.missing], [1, 1, 0]);
      const [api] = (await discovered(db)).apis;
      assert.deepEqual([api.last_verified, api.metadata.stale, api.stale], [T0 + 120, undefined, false]);
    });

    it('honours staleAfterDays and leaves rows without a recorded source alone', async () => {
      const { db } = await freshBrain();
      await crawlWorkspace(db, { workspace: path.join(FIXTURES, 'grpc'), now: T0 });
      await db.run(`INSERT INTO workspace_apis (api_type, base_url, discovered_at, last_verified) VALUES ('rest', 'https://legacy.example', ?, NULL)`, [T0]);
      const none = await reverifyStale(db, { workspace: path.join(FIXTURES, 'grpc'), now: T0 + 31 * DAY, staleAfterDays: 60 });
      assert.deepEqual([none.checked, none.unverifiable], [1, 1]);
      const due = await reverifyStale(db, { workspace: path.join(FIXTURES, 'grpc'), now: T0 + 31 * DAY });
      assert.deepEqual([due.checked, due.verified, due.unverifiable], [2, 1, 1]);
      const legacy = (await discovered(db)).apis.find((a) => a.base_url === 'https://legacy.example')!;
      assert.equal(legacy.last_verified, null);
    });
  });

  it('keeps the brain consistent for the Discoveries view: dbKeys of a crawl are stable across runs', async () => {
    const { db } = await freshBrain();
    const a = await crawl(db, path.join(FIXTURES, 'spring-oracle'), { now: T0 });
    const b = await crawl(db, path.join(FIXTURES, 'spring-oracle'), { now: T0 + 1 });
    assert.deepEqual(dbKeys(b.databases), dbKeys(a.databases));
    assert.equal(b.report.unchanged, a.report.new);
  });
});
