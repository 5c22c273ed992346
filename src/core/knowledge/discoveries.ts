import { Database } from '../db/database';
import { Page, PageRequest, pageParams, toPage } from '../db/paging';
import { tableExists } from '../schema/structure';

/** A discovery is stale when never verified or not verified for this long (design facts §10). */
export const DEFAULT_STALE_AFTER_DAYS = 30;

export type DiscoveryKind = 'databases' | 'apis' | 'frameworks';

export const DISCOVERY_TABLES: Record<DiscoveryKind, string> = {
  databases: 'workspace_databases',
  apis: 'workspace_apis',
  frameworks: 'workspace_frameworks',
};

interface Common {
  id: number;
  discovered_at: number;
  last_verified: number | null;
  metadata: Record<string, unknown>;
  stale: boolean;
}
export interface DiscoveredDatabase extends Common {
  database_type: string;
  connection_string: string;
  host: string | null;
  port: number | null;
  database_name: string | null;
  schemas: string[] | null;
  table_count: number | null;
}
export interface DiscoveredApi extends Common {
  api_type: string;
  base_url: string;
  spec_location: string | null;
  endpoints: string[];
  authentication_type: string | null;
}
export interface DiscoveredFramework extends Common {
  framework_type: string;
  version: string | null;
  config_location: string | null;
  components_count: number | null;
  routes_count: number | null;
}
export interface DiscoveryByKind {
  databases: DiscoveredDatabase;
  apis: DiscoveredApi;
  frameworks: DiscoveredFramework;
}

const TYPE_COLUMN: Record<DiscoveryKind, string> = { databases: 'database_type', apis: 'api_type', frameworks: 'framework_type' };
const ORDER: Record<DiscoveryKind, string> = {
  databases: 'database_type, host, database_name, id',
  apis: 'api_type, base_url, id',
  frameworks: 'framework_type, config_location, id',
};
const JSON_COLUMNS: Record<DiscoveryKind, string[]> = { databases: ['schemas', 'metadata'], apis: ['endpoints', 'metadata'], frameworks: ['metadata'] };

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}

export interface DiscoveryQuery extends PageRequest {
  type?: string;
  staleAfterDays?: number;
  /** Seconds since the epoch; defaults to now. */
  now?: number;
}

/** One page of discoveries of a kind; undefined when the brain has no crawler tables yet. */
export async function listDiscoveries<K extends DiscoveryKind>(db: Database, kind: K, q: DiscoveryQuery = {}): Promise<Page<DiscoveryByKind[K]> | undefined> {
  const table = DISCOVERY_TABLES[kind];
  if (!(await tableExists(db, table))) return undefined;
  const { offset, limit } = pageParams(q);
  const now = q.now ?? Date.now() / 1000;
  const staleBefore = now - 86400 * (q.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS);
  const where = q.type ? `WHERE ${TYPE_COLUMN[kind]} = ?` : '';
  const params = q.type ? [q.type.toLowerCase(), limit + 1, offset] : [limit + 1, offset];
  const rows = await db.all<Record<string, unknown>>(`SELECT * FROM ${table} ${where} ORDER BY ${ORDER[kind]} LIMIT ? OFFSET ?`, params);
  const items = rows.map((r) => {
    const out: Record<string, unknown> = { ...r };
    for (const c of JSON_COLUMNS[kind]) out[c] = parseJson(r[c]);
    if (out.metadata === null || typeof out.metadata !== 'object') out.metadata = {};
    if (kind === 'apis' && !Array.isArray(out.endpoints)) out.endpoints = [];
    const lv = r.last_verified as number | null;
    out.stale = lv === null || lv < staleBefore;
    return out as unknown as DiscoveryByKind[K];
  });
  return toPage(items, offset, limit);
}

export async function countDiscoveries(db: Database): Promise<Record<DiscoveryKind, number> | undefined> {
  if (!(await tableExists(db, 'workspace_databases'))) return undefined;
  const row = await db.get<Record<DiscoveryKind, number>>(
    `SELECT (SELECT COUNT(*) FROM workspace_databases) AS databases, (SELECT COUNT(*) FROM workspace_apis) AS apis, (SELECT COUNT(*) FROM workspace_frameworks) AS frameworks`,
  );
  return row;
}
