import * as path from 'node:path';
import { Database } from '../db/database';

/** Seed vocabulary: source types file|conversation|pattern|plugin (plus migration, creation_session, retention, crawler, discovery). */
export interface ProvenanceLink {
  source_type: string;
  source_ref: string;
  target_type: string;
  target_ref: string;
  /** generated | updated | referenced | archived_from */
  relation: 'generated' | 'updated' | 'referenced' | 'archived_from';
  confidence?: number | null;
}

export interface ProvenanceRow extends ProvenanceLink {
  id: number;
  created_at: string;
}

/** Records where an artifact came from; returns the row id. */
export async function addProvenance(db: Database, link: ProvenanceLink): Promise<number> {
  const r = await db.run(
    'INSERT INTO provenance_links (source_type, source_ref, target_type, target_ref, relation, confidence) VALUES (?, ?, ?, ?, ?, ?)',
    [link.source_type, link.source_ref, link.target_type, link.target_ref, link.relation, link.confidence ?? null],
  );
  return r.lastID;
}

/** Everything linked to a reference, as source or as target, newest first (uses both provenance indexes). */
export async function lineageOf(db: Database, type: string, ref: string): Promise<ProvenanceRow[]> {
  return db.all<ProvenanceRow>(
    `SELECT * FROM provenance_links WHERE target_type = ? AND target_ref = ?
     UNION
     SELECT * FROM provenance_links WHERE source_type = ? AND source_ref = ?
     ORDER BY created_at DESC, id DESC`,
    [type, ref, type, ref],
  );
}

/** The reference a file is stored under: its path relative to the workspace with `/` separators, or absolute when outside it. */
export function fileRef(workspace: string, file: string): string {
  const abs = path.resolve(workspace, file);
  const rel = path.relative(path.resolve(workspace), abs);
  const inside = rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
  return inside ? rel.split(path.sep).join('/') : abs;
}

/**
 * Lineage of a file whatever form its references were stored in (relative
 * with `/` or `\`, `./`-prefixed, absolute, or exactly as given), as source
 * or as target of any type, newest first.
 */
export async function fileLineage(db: Database, workspace: string, file: string): Promise<ProvenanceRow[]> {
  const abs = path.resolve(workspace, file);
  const ref = fileRef(workspace, file);
  const relative = ref === abs ? [] : [ref, `./${ref}`, ref.replace(/\//g, '\\')];
  const forms = [...new Set([file, abs, ...relative])];
  const marks = forms.map(() => '?').join(', ');
  return db.all<ProvenanceRow>(
    `SELECT * FROM provenance_links WHERE target_ref IN (${marks}) OR source_ref IN (${marks}) ORDER BY created_at DESC, id DESC`,
    [...forms, ...forms],
  );
}
