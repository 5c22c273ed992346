import { Database } from '../db/database';
import { CortexError } from '../db/errors';
import { Page, PageRequest, pageParams, toPage } from '../db/paging';
import { parseStored, requireObject, requireConversationTables, requireText, requireTurn } from './input';

export type ActionType = 'retrieval' | 'generation' | 'write' | 'maintenance' | 'self_review';
export const ACTION_TYPES: readonly ActionType[] = ['retrieval', 'generation', 'write', 'maintenance', 'self_review'];

export function isActionType(value: unknown): value is ActionType {
  return ACTION_TYPES.includes(value as ActionType);
}

export interface ActionInput {
  /** The conversation's session id (spec §8: session_id = conversation_id). */
  sessionId: string;
  turnNumber: number;
  actionType: ActionType;
  description: string;
  /** Paths, counts and the like; stored as a JSON object. */
  metadata?: Record<string, unknown>;
  /** Default true. */
  success?: boolean;
}

export interface ActionRow {
  id: number;
  session_id: string;
  turn_number: number;
  action_type: string;
  description: string;
  metadata: unknown;
  success: boolean;
  created_at: string;
}

export interface RecordedAction extends ActionRow {
  /** Whether a conversations row with this id got its last_action_at / last_updated set. */
  conversationUpdated: boolean;
}

type RawAction = Omit<ActionRow, 'metadata' | 'success'> & { metadata_json: string | null; success: number };
const toRow = ({ metadata_json, ...r }: RawAction): ActionRow => ({ ...r, metadata: parseStored(metadata_json), success: r.success === 1 });
const ACTION_COLUMNS = 'id, session_id, turn_number, action_type, description, metadata_json, success, created_at';

/**
 * Logs one action of a turn. In the same transaction, the conversation with
 * this id (when the brain has one) gets last_action_at and last_updated set to
 * the action's time.
 */
export async function recordAction(db: Database, input: ActionInput): Promise<RecordedAction> {
  const sessionId = requireText('The session id', input.sessionId);
  const turn = requireTurn(input.turnNumber);
  if (!isActionType(input.actionType)) throw new CortexError('BAD_INPUT', `'${String(input.actionType)}' is not an action type; use one of ${ACTION_TYPES.join(', ')}.`);
  const description = requireText('The description', input.description);
  const metadata = input.metadata === undefined ? null : JSON.stringify(requireObject('The metadata', input.metadata));
  await requireConversationTables(db);
  return db.transaction(async (tx) => {
    const { lastID } = await tx.run(
      'INSERT INTO conversation_actions (session_id, turn_number, action_type, description, metadata_json, success) VALUES (?, ?, ?, ?, ?, ?)',
      [sessionId, turn, input.actionType, description, metadata, input.success === false ? 0 : 1],
    );
    const row = (await tx.get<RawAction>(`SELECT ${ACTION_COLUMNS} FROM conversation_actions WHERE id = ?`, [lastID]))!;
    const { changes } = await tx.run('UPDATE conversations SET last_action_at = ?, last_updated = ? WHERE conversation_id = ?', [row.created_at, row.created_at, sessionId]);
    return { ...toRow(row), conversationUpdated: changes > 0 };
  });
}

/** A session's actions in turn order (optionally one turn), paged; uses idx_conversation_actions_session_turn. */
export async function listActions(db: Database, sessionId: string, req: PageRequest & { turn?: number } = {}): Promise<Page<ActionRow>> {
  await requireConversationTables(db);
  const { offset, limit } = pageParams(req);
  const turnFilter = req.turn === undefined ? '' : 'AND turn_number = ?';
  const rows = await db.all<RawAction>(
    `SELECT ${ACTION_COLUMNS} FROM conversation_actions WHERE session_id = ? ${turnFilter} ORDER BY turn_number, id LIMIT ? OFFSET ?`,
    req.turn === undefined ? [sessionId, limit + 1, offset] : [sessionId, requireTurn(req.turn), limit + 1, offset],
  );
  return toPage(rows.map(toRow), offset, limit);
}
