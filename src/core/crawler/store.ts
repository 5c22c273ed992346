import type { Database, SqlValue } from '../db/database';
import { addProvenance } from '../integrity/provenance';
import { DISCOVERY_TABLES, DiscoveryKind, ENTITY_TYPE } from '../knowledge/discoveries';
import { requireTables } from '../schema/structure';
import { Discovery, IDENTITY_COLUMNS } from './merge';

export const KINDS: readonly DiscoveryKind[] = ['databases', 'apis', 'frameworks'];

/** Metadata keys the crawler owns for staleness; cleared when a thing is seen again. */
const STALE_KEYS = ['stale', 'missing_since'];

export function requireCrawlerTables(db: Database): Promise<void> {
  return requireTables(db, Object.values(DISCOVERY_TABLES), 'crawler tables');
}

export function parseMetadata(value: unknown): Record<string, unknown> {
  if (typeof value !== 'string') return {};
  try {
    const v: unknown = JSON.parse(value);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function withoutStale(meta: Record<string, unknown>): Record<string, unknown> {
  const out = { ...meta };
  for (const k of STALE_KEYS) delete out[k];
  return out;
}

/** `col IS ?` for every identity column: SQLite's UNIQUE treats NULLs as distinct, IS does not. */
function identityWhere(kind: DiscoveryKind): string {
  return IDENTITY_COLUMNS[kind].map((c) => `${c} IS ?`).join(' AND ');
}

export interface StoreResult {
  new: number;
  updated: number;
  unchanged: number;
  stale: number;
}

/** Marks a row as no longer found (keeping last_verified as the last time it really was). */
export async function markMissing(db: Database, kind: DiscoveryKind, id: number, metadata: unknown, now: number): Promise<boolean> {
  const meta = parseMetadata(metadata);
  if (meta.stale === true) return false;
  await db.run(`UPDATE ${DISCOVERY_TABLES[kind]} SET metadata = ? WHERE id = ?`, [JSON.stringify({ ...meta, stale: true, missing_since: now }), id]);
  return true;
}

/**
 * Writes one crawl's discoveries in one transaction: a row with the same
 * identity is updated (discovered_at kept, last_verified = now, stale marks
 * cleared), a new one is inserted with a provenance link. With `markMissing`,
 * every other row of the three tables is marked stale, never deleted.
 */
export async function storeDiscoveries(db: Database, discoveries: readonly Discovery[], opts: { now: number; markMissing: boolean }): Promise<StoreResult> {
  const result: StoreResult = { new: 0, updated: 0, unchanged: 0, stale: 0 };
  await db.transaction(async () => {
    const seen: Record<DiscoveryKind, Set<number>> = { databases: new Set(), apis: new Set(), frameworks: new Set() };
    for (const d of discoveries) {
      const table = DISCOVERY_TABLES[d.kind];
      const idCols = IDENTITY_COLUMNS[d.kind];
      const existing = await db.get<Record<string, SqlValue>>(`SELECT * FROM ${table} WHERE ${identityWhere(d.kind)} ORDER BY id LIMIT 1`, d.identity);
      if (existing) {
        const id = Number(existing.id);
        const metadata = JSON.stringify({ ...withoutStale(parseMetadata(existing.metadata)), ...d.metadata });
        const cols = Object.keys(d.columns);
        const changed = metadata !== existing.metadata || cols.some((c) => d.columns[c] !== existing[c]);
        await db.run(`UPDATE ${table} SET ${[...cols, 'metadata', 'last_verified'].map((c) => `${c} = ?`).join(', ')} WHERE id = ?`, [
          ...cols.map((c) => d.columns[c]),
          metadata,
          opts.now,
          id,
        ]);
        seen[d.kind].add(id);
        if (changed) result.updated++;
        else result.unchanged++;
      } else {
        const data = { ...d.insertOnly, ...d.columns };
        const cols = [...idCols, ...Object.keys(data), 'metadata', 'discovered_at', 'last_verified'];
        const r = await db.run(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, [
          ...d.identity,
          ...Object.values(data),
          JSON.stringify(d.metadata),
          opts.now,
          opts.now,
        ]);
        seen[d.kind].add(r.lastID);
        await addProvenance(db, { source_type: 'crawler', source_ref: d.source.file, target_type: ENTITY_TYPE[d.kind], target_ref: String(r.lastID), relation: 'generated' });
        result.new++;
      }
    }
    if (!opts.markMissing) return;
    for (const kind of KINDS) {
      const rows = await db.all<{ id: number; metadata: unknown }>(`SELECT id, metadata FROM ${DISCOVERY_TABLES[kind]}`);
      for (const row of rows) {
        if (!seen[kind].has(row.id) && (await markMissing(db, kind, row.id, row.metadata, opts.now))) result.stale++;
      }
    }
  });
  return result;
}
