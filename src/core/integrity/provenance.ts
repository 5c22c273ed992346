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
