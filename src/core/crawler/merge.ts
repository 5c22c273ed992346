import type { SqlValue } from '../db/database';
import type { DiscoveryKind } from '../knowledge/discoveries';
import { redactCredentials } from './connection/redact';
import { dirnameRel } from './text';
import type { ApiFinding, DatabaseFinding, Finding, FrameworkFinding, SourceRef } from './types';

/** The seed's UNIQUE keys: what makes two findings the same row. */
export const IDENTITY_COLUMNS: Record<DiscoveryKind, readonly string[]> = {
  databases: ['database_type', 'host', 'port', 'database_name'],
  apis: ['api_type', 'base_url'],
  frameworks: ['framework_type', 'config_location'],
};

/** One row to store: identity values (in IDENTITY_COLUMNS order), the other columns, metadata. */
export interface Discovery {
  kind: DiscoveryKind;
  identity: SqlValue[];
  /** Columns to write besides identity, metadata and the timestamps. `schemas`/`table_count` only when verified. */
  columns: Record<string, SqlValue>;
  /** Columns set only on insert: NULL rather than the seed's `table_count DEFAULT 0` for a database never opened. */
  insertOnly?: Record<string, SqlValue>;
  metadata: Record<string, unknown>;
  source: SourceRef;
}

function identityOf(f: Finding): SqlValue[] {
  switch (f.kind) {
    case 'databases':
      return [f.database_type, f.host, f.port, f.database_name];
    case 'apis':
      return [f.api_type, f.base_url];
    case 'frameworks':
      return [f.framework_type, f.config_location];
  }
}

export function identityKey(kind: DiscoveryKind, identity: readonly SqlValue[]): string {
  return JSON.stringify([kind, ...identity]);
}

const bySource = (a: Finding, b: Finding) => a.source.file.localeCompare(b.source.file) || a.source.line - b.source.line;

/** The connection string an application uses is the best witness; a tnsnames entry or one we built from parts next; an unresolved env("X") last. */
function dbRank(f: DatabaseFinding): number {
  return f.envRef ? 2 : f.synthesized || f.extra.origin === 'tnsnames' ? 1 : 0;
}

function sourcesMeta(group: Finding[], primary: Finding): Record<string, unknown> {
  const seen = new Set<string>();
  const sources: SourceRef[] = [];
  for (const f of [primary, ...group]) {
    const k = `${f.source.file}:${f.source.line}`;
    if (!seen.has(k)) {
      seen.add(k);
      sources.push(f.source);
    }
  }
  return { source_file: primary.source.file, line: primary.source.line, ...(sources.length > 1 ? { sources } : {}) };
}

function database(group: DatabaseFinding[]): Discovery {
  const primary = [...group].sort((a, b) => dbRank(a) - dbRank(b) || bySource(a, b))[0];
  const verified = group.find((f) => f.verified)?.verified;
  const origins = [...new Set(group.map((f) => f.extra.origin))];
  const columns: Record<string, SqlValue> = { connection_string: redactCredentials(primary.connection_string) };
  if (verified) {
    columns.schemas = JSON.stringify(verified.schemas);
    columns.table_count = verified.table_count;
  }
  return {
    kind: 'databases',
    identity: identityOf(primary),
    columns,
    insertOnly: verified ? undefined : { schemas: null, table_count: null },
    metadata: { ...primary.extra, ...(origins.length > 1 ? { origins } : {}), ...(primary.synthesized ? { synthesized: true } : {}), ...sourcesMeta(group, primary) },
    source: primary.source,
  };
}

function apiDiscovery(group: ApiFinding[]): Discovery {
  // The file declaring most of the API (e.g. the GraphQL schema with Query) speaks for it.
  const [primary, ...rest] = [...group].sort((a, b) => b.endpoints.length - a.endpoints.length || bySource(a, b));
  const ordered = [primary, ...rest.sort(bySource)];
  const endpoints = [...new Set(ordered.flatMap((f) => f.endpoints))];
  const specs = [...new Set(ordered.map((f) => f.spec_location))];
  return {
    kind: 'apis',
    identity: identityOf(primary),
    columns: {
      spec_location: primary.spec_location,
      endpoints: JSON.stringify(endpoints),
      authentication_type: primary.authentication_type ?? group.find((f) => f.authentication_type)?.authentication_type ?? null,
    },
    metadata: { ...primary.extra, ...(specs.length > 1 ? { spec_locations: specs } : {}), ...sourcesMeta(group, primary) },
    source: primary.source,
  };
}

function framework(group: FrameworkFinding[]): Discovery {
  const primary = [...group].sort(bySource)[0];
  return {
    kind: 'frameworks',
    identity: identityOf(primary),
    // A declared version can be a git URL with a token in it.
    columns: { version: primary.version && redactCredentials(primary.version), components_count: primary.components_count, routes_count: primary.routes_count },
    metadata: { ...primary.extra, declared: typeof primary.extra.declared === 'string' ? redactCredentials(primary.extra.declared) : null, ...sourcesMeta(group, primary) },
    source: primary.source,
  };
}

/**
 * A Prisma `env("X")` names a variable; when a `.env` in the schema's folder
 * or above sets X to a connection string, the schema is one more witness of
 * that database rather than a database of its own.
 */
export function resolveEnvRefs(findings: Finding[]): Finding[] {
  const envs = findings.filter((f): f is DatabaseFinding => f.kind === 'databases' && f.extra.origin === 'env' && typeof f.extra.env_key === 'string');
  return findings.map((f) => {
    if (f.kind !== 'databases' || !f.envRef) return f;
    let dir: string | undefined = dirnameRel(f.source.file);
    for (; dir !== undefined; dir = dir === '' ? undefined : dirnameRel(dir)) {
      const hit = envs.find((e) => e.extra.env_key === f.envRef && dirnameRel(e.source.file) === dir);
      if (hit) return { ...f, database_type: hit.database_type, host: hit.host, port: hit.port, database_name: hit.database_name };
    }
    return f;
  });
}

/** Groups findings by identity (hosts compared case-insensitively) and merges each group into one row. */
export function toDiscoveries(findings: Finding[]): Discovery[] {
  const groups = new Map<string, Finding[]>();
  // Detection runs files concurrently: order findings first so merged rows do not depend on timing.
  for (const f of [...findings].sort(bySource)) {
    const g = f.kind === 'databases' && f.host ? { ...f, host: f.host.toLowerCase() } : f;
    const key = identityKey(g.kind, identityOf(g));
    groups.set(key, [...(groups.get(key) ?? []), g]);
  }
  const out: Discovery[] = [];
  for (const group of groups.values()) {
    const kind = group[0].kind;
    if (kind === 'databases') out.push(database(group as DatabaseFinding[]));
    else if (kind === 'apis') out.push(apiDiscovery(group as ApiFinding[]));
    else out.push(framework(group as FrameworkFinding[]));
  }
  return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.source.file.localeCompare(b.source.file) || a.source.line - b.source.line);
}
