import { Database } from '../db/database';
import { parseStored, requireObject, requireConversationTables, requireText, requireTurn } from './input';

/** Doc 11's retention for conversation_state_snapshots: the last 5 per session. */
export const SNAPSHOTS_KEPT = 5;

export interface SnapshotInput {
  sessionId: string;
  turnNumber: number;
  /** Spec §8's state: session_id, status, open_tasks, completed_tasks, last_updated, pending_actions (not enforced). */
  state: Record<string, unknown>;
}

export interface SnapshotRow {
  id: number;
  session_id: string;
  turn_number: number;
  state: unknown;
  created_at: string;
}

export interface SavedSnapshot {
  id: number;
  sessionId: string;
  turnNumber: number;
  /** False when the turn is older than the session's newest five, so it was pruned at once. */
  kept: boolean;
  /** Snapshots this save deleted (the saved one included when it was not kept). */
  pruned: number;
}

/**
 * Saves the state at a turn (a second save of the same turn replaces the
 * first), then keeps only the session's newest five turns, in one transaction.
 */
export async function saveStateSnapshot(db: Database, input: SnapshotInput): Promise<SavedSnapshot> {
  const sessionId = requireText('The session id', input.sessionId);
  const turn = requireTurn(input.turnNumber);
  const state = JSON.stringify(requireObject('The state', input.state));
  await requireConversationTables(db);
  return db.transaction(async (tx) => {
    await tx.run(
      `INSERT INTO conversation_state_snapshots (session_id, turn_number, state_json) VALUES (?, ?, ?)
       ON CONFLICT(session_id, turn_number) DO UPDATE SET state_json = excluded.state_json, created_at = CURRENT_TIMESTAMP`,
      [sessionId, turn, state],
    );
    const { id } = (await tx.get<{ id: number }>('SELECT id FROM conversation_state_snapshots WHERE session_id = ? AND turn_number = ?', [sessionId, turn]))!;
    const { changes } = await tx.run(
      `DELETE FROM conversation_state_snapshots WHERE session_id = ? AND turn_number NOT IN (
         SELECT turn_number FROM conversation_state_snapshots WHERE session_id = ? ORDER BY turn_number DESC LIMIT ?)`,
      [sessionId, sessionId, SNAPSHOTS_KEPT],
    );
    const kept = (await tx.get('SELECT 1 AS x FROM conversation_state_snapshots WHERE id = ?', [id])) !== undefined;
    return { id, sessionId, turnNumber: turn, kept, pruned: changes };
  });
}

/** The session's snapshot with the highest turn number; uses idx_state_snapshots_session. */
export async function latestSnapshot(db: Database, sessionId: string): Promise<SnapshotRow | undefined> {
  await requireConversationTables(db);
  const row = await db.get<Omit<SnapshotRow, 'state'> & { state_json: string }>(
    'SELECT id, session_id, turn_number, state_json, created_at FROM conversation_state_snapshots WHERE session_id = ? ORDER BY turn_number DESC LIMIT 1',
    [sessionId],
  );
  if (!row) return undefined;
  const { state_json, ...rest } = row;
  return { ...rest, state: parseStored(state_json) };
}
