import { Database, SqlValue } from '../db/database';
import { Page, PageRequest, pageParams, toPage } from '../db/paging';
import { tableExists } from '../schema/structure';

/** Created by migration 010; links knowledge-graph patterns to discoveries. */
export const RELATIONSHIPS_TABLE = 'knowledge_relationships';

/** A discovery is stale when never verified or not verified for this long (design facts §10). */
export const DEFAULT_STALE_AFTER_DAYS = 30;

export type DiscoveryKind = 'databases' | 'apis' | 'frameworks';

export const DISCOVERY_TABLES: Record<DiscoveryKind, string> = {
  databases: 'workspace_databases',
  apis: 'workspace_apis',
  frameworks: 'workspace_frameworks',
};

/** How relationships and provenance name a discovery's table (the seed's `object_entity_type` values). */
export type EntityType = 'workspace_database' | 'workspace_api' | 'workspace_framework';
export const ENTITY_TYPE: Record<DiscoveryKind, EntityType> = {
  databases: 'workspace_database',
  apis: 'workspace_api',
  frameworks: 'workspace_framework',
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

/**
 * A row as callers see it: JSON columns parsed, and `stale` when never
 * verified, not verified for `staleAfterDays`, or marked missing by a crawl.
 */
function toDiscovery<K extends DiscoveryKind>(kind: K, r: Record<string, unknown>, staleBefore: number): DiscoveryByKind[K] {
  const out: Record<string, unknown> = { ...r };
  for (const c of JSON_COLUMNS[kind]) out[c] = parseJson(r[c]);
  if (out.metadata === null || typeof out.metadata !== 'object') out.metadata = {};
  if (kind === 'apis' && !Array.isArray(out.endpoints)) out.endpoints = [];
  const lv = r.last_verified as number | null;
  out.stale = lv === null || lv < staleBefore || (out.metadata as Record<string, unknown>).stale === true;
  return out as unknown as DiscoveryByKind[K];
}

function staleBefore(q: { staleAfterDays?: number; now?: number }): number {
  return (q.now ?? Date.now() / 1000) - 86400 * (q.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS);
}

/** One page of discoveries of a kind; undefined when the brain has no crawler tables yet. */
export async function listDiscoveries<K extends DiscoveryKind>(db: Database, kind: K, q: DiscoveryQuery = {}): Promise<Page<DiscoveryByKind[K]> | undefined> {
  const table = DISCOVERY_TABLES[kind];
  if (!(await tableExists(db, table))) return undefined;
  const { offset, limit } = pageParams(q);
  const where = q.type ? `WHERE ${TYPE_COLUMN[kind]} = ?` : '';
  const params = q.type ? [normalizeType(q.type), limit + 1, offset] : [limit + 1, offset];
  const rows = await db.all<Record<string, unknown>>(`SELECT * FROM ${table} ${where} ORDER BY ${ORDER[kind]} LIMIT ? OFFSET ?`, params);
  const before = staleBefore(q);
  return toPage(
    rows.map((r) => toDiscovery(kind, r, before)),
    offset,
    limit,
  );
}

/** One discovery by id, or undefined (also when the brain has no crawler tables yet). */
export async function getDiscovery<K extends DiscoveryKind>(db: Database, kind: K, id: number, q: { staleAfterDays?: number; now?: number } = {}): Promise<DiscoveryByKind[K] | undefined> {
  const table = DISCOVERY_TABLES[kind];
  if (!(await tableExists(db, table))) return undefined;
  const row = await db.get<Record<string, unknown>>(`SELECT * FROM ${table} WHERE id = ?`, [id]);
  return row && toDiscovery(kind, row, staleBefore(q));
}

/** Spellings agents and other tools use for the seed's type names. */
const TYPE_ALIASES: Record<string, string> = { sqlserver: 'mssql', postgres: 'postgresql', pg: 'postgresql', mongo: 'mongodb', 'asp.net-core': 'aspnet-core', nextjs: 'next' };

function normalizeType(type: string): string {
  const t = type.trim().toLowerCase();
  return TYPE_ALIASES[t] ?? t;
}

export interface AgentQuery {
  /** database_type / api_type / framework_type (case-insensitive; `sqlserver` means `mssql`). */
  type?: string;
  /** Only what this knowledge-graph pattern is linked to (knowledge_relationships). */
  usedByPattern?: string | number;
  staleAfterDays?: number;
  now?: number;
}

/** Every discovery of a kind matching the query, for agents (no paging; the tables hold one workspace's stack). [] before migration. */
export async function queryDiscovered<K extends DiscoveryKind>(db: Database, kind: K, q: AgentQuery = {}): Promise<Array<DiscoveryByKind[K]>> {
  const table = DISCOVERY_TABLES[kind];
  if (!(await tableExists(db, table))) return [];
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (q.type) {
    where.push(`t.${TYPE_COLUMN[kind]} = ?`);
    params.push(normalizeType(q.type));
  }
  if (q.usedByPattern !== undefined) {
    if (!(await tableExists(db, RELATIONSHIPS_TABLE))) return [];
    where.push(`t.id IN (SELECT object_entity_id FROM ${RELATIONSHIPS_TABLE} WHERE object_entity_type = ? AND subject_pattern_id = ?)`);
    params.push(ENTITY_TYPE[kind], String(q.usedByPattern));
  }
  const rows = await db.all<Record<string, unknown>>(
    `SELECT t.* FROM ${table} t ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${ORDER[kind].split(', ').map((c) => `t.${c}`).join(', ')}`,
    params,
  );
  const before = staleBefore(q);
  return rows.map((r) => toDiscovery(kind, r, before));
}

export function queryDiscoveredDatabases(db: Database, q: AgentQuery = {}): Promise<DiscoveredDatabase[]> {
  return queryDiscovered(db, 'databases', q);
}

export function queryDiscoveredApis(db: Database, q: AgentQuery = {}): Promise<DiscoveredApi[]> {
  return queryDiscovered(db, 'apis', q);
}

export function queryDiscoveredFrameworks(db: Database, q: AgentQuery = {}): Promise<DiscoveredFramework[]> {
  return queryDiscovered(db, 'frameworks', q);
}

/**
 * Deletes a discovery ("forget") and, in the same transaction, every
 * relationship pointing at it. Provenance rows stay: they are the audit trail.
 * Returns false when there was no such row.
 */
export async function forgetDiscovery(db: Database, kind: DiscoveryKind, id: number): Promise<boolean> {
  return db.transaction(async () => {
    if (await tableExists(db, RELATIONSHIPS_TABLE)) {
      await db.run(`DELETE FROM ${RELATIONSHIPS_TABLE} WHERE object_entity_type = ? AND object_entity_id = ?`, [ENTITY_TYPE[kind], id]);
    }
    const r = await db.run(`DELETE FROM ${DISCOVERY_TABLES[kind]} WHERE id = ?`, [id]);
    return r.changes > 0;
  });
}
