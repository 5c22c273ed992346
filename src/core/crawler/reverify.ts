import type { Database, SqlValue } from '../db/database';
import { DEFAULT_STALE_AFTER_DAYS, DISCOVERY_TABLES, DiscoveryKind } from '../knowledge/discoveries';
import { elapsedMs } from '../log';
import { realWorkspace } from './crawl';
import { detectFiles } from './detect';
import type { DetectFile } from './detectors/context';
import { DEFAULT_MAX_FILE_BYTES, detectContext, lockfilesOnDisk, Problems, WorkspaceFiles } from './fileAccess';
import { classify } from './fileKinds';
import { Discovery, IDENTITY_COLUMNS, identityKey, resolveEnvRefs, toDiscoveries } from './merge';
import { KINDS, markMissing, parseMetadata, requireCrawlerTables } from './store';
import { basenameRel, dirnameRel } from './text';
import type { SourceRef } from './types';

export interface ReverifyOptions {
  workspace: string;
  /** Entries not verified for this long are re-checked (default 30); entries marked missing always are. */
  staleAfterDays?: number;
  /** Seconds since the epoch; defaults to now. */
  now?: number;
  maxFileBytes?: number;
  signal?: AbortSignal;
}

export interface ReverifyReport {
  checked: number;
  verified: number;
  /** Not found in their files any more: marked stale (metadata.stale, missing_since). */
  missing: number;
  /** No source file recorded (rows other tooling wrote): left as they are. */
  unverifiable: number;
  warnings: string[];
  durationMs: number;
}

interface Due {
  kind: DiscoveryKind;
  row: Record<string, SqlValue>;
  sources: SourceRef[];
}

function sourcesOf(meta: Record<string, unknown>): SourceRef[] {
  if (Array.isArray(meta.sources)) return meta.sources.filter((s): s is SourceRef => typeof s === 'object' && s !== null && typeof (s as SourceRef).file === 'string');
  return typeof meta.source_file === 'string' ? [{ file: meta.source_file, line: Number(meta.line) || 1 }] : [];
}

function rowKey(kind: DiscoveryKind, row: Record<string, SqlValue>): string {
  return identityKey(
    kind,
    IDENTITY_COLUMNS[kind].map((c) => (c === 'host' && typeof row[c] === 'string' ? (row[c] as string).toLowerCase() : row[c])),
  );
}

/**
 * Re-checks stale entries without crawling: each entry's recorded source
 * files are read again (SQLite files re-opened read-only, refreshing
 * table_count/schemas); an entry still found there gets last_verified = now
 * and loses its stale marks, one no longer found is marked stale.
 */
export async function reverifyStale(db: Database, options: ReverifyOptions): Promise<ReverifyReport> {
  const started = process.hrtime.bigint();
  await requireCrawlerTables(db);
  const root = await realWorkspace(options.workspace);
  const now = options.now ?? Date.now() / 1000;
  const staleBefore = now - 86400 * (options.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS);

  const due: Due[] = [];
  for (const kind of KINDS) {
    for (const row of await db.all<Record<string, SqlValue>>(`SELECT * FROM ${DISCOVERY_TABLES[kind]}`)) {
      const meta = parseMetadata(row.metadata);
      const lv = row.last_verified;
      if (lv === null || Number(lv) < staleBefore || meta.stale === true) due.push({ kind, row, sources: sourcesOf(meta) });
    }
  }

  const problems = new Problems();
  const files = new WorkspaceFiles(root, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, problems);
  const toRead = new Map<string, DetectFile>();
  for (const d of due) {
    for (const s of d.sources) {
      const kind = classify(basenameRel(s.file), basenameRel(dirnameRel(s.file)));
      if (kind) toRead.set(s.file, { rel: s.file, abs: files.abs(s.file), kind });
    }
  }
  const detected = await detectFiles([...toRead.values()], files, detectContext(files, lockfilesOnDisk(files)), { signal: options.signal });
  const found = new Map<string, Discovery>(toDiscoveries(resolveEnvRefs(detected.findings)).map((d) => [identityKey(d.kind, d.identity), d]));

  const report: ReverifyReport = { checked: due.length, verified: 0, missing: 0, unverifiable: 0, warnings: problems.warnings, durationMs: 0 };
  await db.transaction(async () => {
    for (const { kind, row, sources } of due) {
      const table = DISCOVERY_TABLES[kind];
      const hit = found.get(rowKey(kind, row));
      if (hit) {
        const meta = { ...parseMetadata(row.metadata), ...hit.metadata };
        delete meta.stale;
        delete meta.missing_since;
        const sets: Record<string, SqlValue> = { metadata: JSON.stringify(meta), last_verified: now };
        if ('table_count' in hit.columns) {
          sets.table_count = hit.columns.table_count;
          sets.schemas = hit.columns.schemas;
        }
        await db.run(`UPDATE ${table} SET ${Object.keys(sets).map((c) => `${c} = ?`).join(', ')} WHERE id = ?`, [...Object.values(sets), row.id]);
        report.verified++;
      } else if (!sources.length) {
        report.unverifiable++;
      } else {
        await markMissing(db, kind, Number(row.id), row.metadata, now);
        report.missing++;
      }
    }
  });
  report.durationMs = elapsedMs(started);
  return report;
}
