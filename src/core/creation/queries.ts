import { Database } from '../db/database';
import { Page, PageRequest, pageParams, toPage } from '../db/paging';
import { tableExists } from '../schema/structure';

export interface CreationSessionRow {
  id: number;
  file_path: string;
  file_type: string;
  total_chunks: number;
  started_at: string;
  last_update: string;
  completed: boolean;
  failed: boolean;
  written: number;
  failedChunks: number;
}

export interface CreationChunkRow {
  id: number;
  session_id: number;
  chunk_number: number;
  chunk_type: string;
  line_start: number;
  line_end: number;
  estimated_tokens: number | null;
  status: string;
  validation_warnings: string[];
}

/** Sessions, unfinished first then newest; undefined when the table does not exist yet. */
export async function listCreationSessions(db: Database, req?: PageRequest): Promise<Page<CreationSessionRow> | undefined> {
  if (!(await tableExists(db, 'creation_sessions'))) return undefined;
  const { offset, limit } = pageParams(req);
  // The counts come from a correlated subquery per listed session only, using the (session_id, chunk_number) index.
  const rows = await db.all<Omit<CreationSessionRow, 'completed' | 'failed'> & { completed: number; failed: number }>(
    `SELECT s.id, s.file_path, s.file_type, s.total_chunks, s.started_at, s.last_update, s.completed, s.failed,
            (SELECT COUNT(*) FROM creation_chunks c WHERE c.session_id = s.id AND c.status = 'written') AS written,
            (SELECT COUNT(*) FROM creation_chunks c WHERE c.session_id = s.id AND c.status = 'failed') AS failedChunks
     FROM creation_sessions s ORDER BY s.completed, s.failed, s.id DESC LIMIT ? OFFSET ?`,
    [limit + 1, offset],
  );
  return toPage(rows.map((r) => ({ ...r, completed: r.completed === 1, failed: r.failed === 1 })), offset, limit);
}

export async function listCreationChunks(db: Database, sessionId: number, req?: PageRequest): Promise<Page<CreationChunkRow>> {
  const { offset, limit } = pageParams(req);
  const rows = await db.all<Omit<CreationChunkRow, 'validation_warnings'> & { validation_warnings: string | null }>(
    `SELECT id, session_id, chunk_number, chunk_type, line_start, line_end, estimated_tokens, status, validation_warnings
     FROM creation_chunks WHERE session_id = ? ORDER BY chunk_number LIMIT ? OFFSET ?`,
    [sessionId, limit + 1, offset],
  );
  return toPage(
    rows.map((r) => {
      let warnings: string[] = [];
      try {
        const v: unknown = r.validation_warnings ? JSON.parse(r.validation_warnings) : [];
        if (Array.isArray(v)) warnings = v.map(String);
      } catch {
        warnings = [String(r.validation_warnings)];
      }
      return { ...r, validation_warnings: warnings };
    }),
    offset,
    limit,
  );
}
