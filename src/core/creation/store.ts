import { Database } from '../db/database';
import { requireTables } from '../schema/structure';
import { FileType, PlannedChunk } from './plan';

/** A creation_sessions row with its 0/1 flags as booleans. */
export interface SessionRecord {
  id: number;
  file_path: string;
  file_type: FileType;
  total_chunks: number;
  started_at: string;
  last_update: string;
  completed: boolean;
  failed: boolean;
}

type RawSession = Omit<SessionRecord, 'completed' | 'failed'> & { completed: number; failed: number };
const toRecord = (r: RawSession): SessionRecord => ({ ...r, completed: r.completed === 1, failed: r.failed === 1 });
const SESSION_COLUMNS = 'id, file_path, file_type, total_chunks, started_at, last_update, completed, failed';

export function requireCreationTables(db: Database): Promise<void> {
  return requireTables(db, ['creation_sessions', 'creation_chunks'], 'creation tables');
}

export async function sessionById(db: Database, id: number): Promise<SessionRecord | undefined> {
  const row = await db.get<RawSession>(`SELECT ${SESSION_COLUMNS} FROM creation_sessions WHERE id = ?`, [id]);
  return row && toRecord(row);
}

export async function sessionByPath(db: Database, filePath: string): Promise<SessionRecord | undefined> {
  const row = await db.get<RawSession>(`SELECT ${SESSION_COLUMNS} FROM creation_sessions WHERE file_path = ?`, [filePath]);
  return row && toRecord(row);
}

/** Sessions not completed yet (interrupted or failed), oldest first; uses idx_creation_sessions_status. */
export async function unfinishedSessions(db: Database): Promise<SessionRecord[]> {
  await requireCreationTables(db);
  const rows = await db.all<RawSession>(`SELECT ${SESSION_COLUMNS} FROM creation_sessions WHERE completed = 0 ORDER BY id`);
  return rows.map(toRecord);
}

/** Inserts a session and its pending chunks (call inside a transaction); returns the session id. */
export async function insertSession(db: Database, filePath: string, fileType: FileType, chunks: readonly PlannedChunk[], warnings: readonly string[][]): Promise<number> {
  const { lastID } = await db.run('INSERT INTO creation_sessions (file_path, file_type, total_chunks) VALUES (?, ?, ?)', [filePath, fileType, chunks.length]);
  for (const [i, c] of chunks.entries()) {
    await db.run(
      'INSERT INTO creation_chunks (session_id, chunk_number, chunk_type, line_start, line_end, estimated_tokens, validation_warnings) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [lastID, c.number, c.type, c.lineStart, c.lineEnd, c.estimatedTokens, warnings[i].length ? JSON.stringify(warnings[i]) : null],
    );
  }
  return lastID;
}

/** Chunk statuses in order. */
export async function chunkStatuses(db: Database, sessionId: number): Promise<Array<{ chunk_number: number; status: string }>> {
  return db.all('SELECT chunk_number, status FROM creation_chunks WHERE session_id = ? ORDER BY chunk_number', [sessionId]);
}

async function setChunkStatus(db: Database, sessionId: number, chunk: number, status: 'written' | 'failed'): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run(`UPDATE creation_chunks SET status = ?, updated_at = CURRENT_TIMESTAMP WHERE session_id = ? AND chunk_number = ?`, [status, sessionId, chunk]);
    await tx.run(`UPDATE creation_sessions SET last_update = CURRENT_TIMESTAMP, failed = ? WHERE id = ?`, [status === 'failed' ? 1 : 0, sessionId]);
  });
}

export const markChunkWritten = (db: Database, sessionId: number, chunk: number) => setChunkStatus(db, sessionId, chunk, 'written');
export const markChunkFailed = (db: Database, sessionId: number, chunk: number) => setChunkStatus(db, sessionId, chunk, 'failed');

/** Adds warnings to a chunk's validation_warnings (call inside a transaction). */
export async function appendChunkWarnings(db: Database, sessionId: number, chunk: number, warnings: readonly string[]): Promise<void> {
  if (warnings.length === 0) return;
  const row = await db.get<{ validation_warnings: string | null }>('SELECT validation_warnings FROM creation_chunks WHERE session_id = ? AND chunk_number = ?', [sessionId, chunk]);
  const existing: string[] = row?.validation_warnings ? (JSON.parse(row.validation_warnings) as string[]) : [];
  await db.run('UPDATE creation_chunks SET validation_warnings = ?, updated_at = CURRENT_TIMESTAMP WHERE session_id = ? AND chunk_number = ?', [
    JSON.stringify([...existing, ...warnings]),
    sessionId,
    chunk,
  ]);
}
