import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database } from '../../../src/core/db/database';
import { crawlWorkspace } from '../../../src/core/crawler/crawl';
import type { CrawlOptions, CrawlReport } from '../../../src/core/crawler/types';
import { DiscoveredApi, DiscoveredDatabase, DiscoveredFramework, queryDiscovered } from '../../../src/core/knowledge/discoveries';
import { initBrain } from '../../../src/core/schema/migrator';
import { REPO_ROOT, tempDir } from '../../helpers/fixtures';

export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'crawler');

const opened: Database[] = [];

/** A migrated 2.0 brain in its own temp folder (outside any workspace under test); closed by closeBrains(). */
export async function freshBrain(): Promise<{ db: Database; dbPath: string }> {
  const dbPath = path.join(tempDir('cortex-brain-'), 'conversations.db');
  await initBrain({ dbPath });
  const db = await Database.open(dbPath);
  opened.push(db);
  return { db, dbPath };
}

export async function closeBrains(): Promise<void> {
  for (const db of opened.splice(0)) await db.close().catch(() => undefined);
}

/** A writable copy of a fixture workspace. */
export function copyFixture(name: string): string {
  const dir = path.join(tempDir('cortex-ws-'), name);
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

export interface Found {
  report: CrawlReport;
  databases: DiscoveredDatabase[];
  apis: DiscoveredApi[];
  frameworks: DiscoveredFramework[];
}

export async function discovered(db: Database): Promise<Omit<Found, 'report'>> {
  return {
    databases: await queryDiscovered(db, 'databases'),
    apis: await queryDiscovered(db, 'apis'),
    frameworks: await queryDiscovered(db, 'frameworks'),
  };
}

/** Crawls a workspace into `db` and returns the report plus every row. */
export async function crawl(db: Database, workspace: string, options: Partial<CrawlOptions> = {}): Promise<Found> {
  const report = await crawlWorkspace(db, { workspace, ...options });
  return { report, ...(await discovered(db)) };
}

/** `type host:port/name` for each database row, sorted: compact expectations. */
export function dbKeys(rows: DiscoveredDatabase[]): string[] {
  return rows.map((d) => `${d.database_type} ${d.host ?? '-'}:${d.port ?? '-'}/${d.database_name ?? '-'}`).sort();
}

export function fwKeys(rows: DiscoveredFramework[]): string[] {
  return rows.map((f) => `${f.framework_type}@${f.version ?? '-'} ${f.config_location} c=${f.components_count ?? '-'} r=${f.routes_count ?? '-'}`).sort();
}

export function apiKeys(rows: DiscoveredApi[]): string[] {
  return rows.map((a) => `${a.api_type} ${a.base_url} auth=${a.authentication_type ?? '-'} spec=${a.spec_location}`).sort();
}
