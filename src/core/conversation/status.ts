import { Database } from '../db/database';
import { CortexError } from '../db/errors';
import { requireConversationTables, requireText } from './input';

/** Doc 11's conversations.task_status. */
export type TaskStatus = 'open' | 'in_progress' | 'blocked' | 'done';
export const TASK_STATUSES: readonly TaskStatus[] = ['open', 'in_progress', 'blocked', 'done'];

/** D/03's task statuses (conversation_state.db). */
export type D03TaskStatus = 'not_started' | 'in_progress' | 'completed' | 'failed' | 'blocked';
export const D03_TASK_STATUSES: readonly D03TaskStatus[] = ['not_started', 'in_progress', 'completed', 'failed', 'blocked'];

// spec §8: failed has no doc 11 match; it needs attention, so it reads as blocked
const FROM_D03: Record<D03TaskStatus, TaskStatus> = {
  not_started: 'open',
  in_progress: 'in_progress',
  blocked: 'blocked',
  completed: 'done',
  failed: 'blocked',
};

export function taskStatusFromD03(status: D03TaskStatus): TaskStatus {
  return FROM_D03[status];
}

export function isTaskStatus(value: unknown): value is TaskStatus {
  return TASK_STATUSES.includes(value as TaskStatus);
}

export function isD03TaskStatus(value: unknown): value is D03TaskStatus {
  return D03_TASK_STATUSES.includes(value as D03TaskStatus);
}

/** The doc 11 columns of one conversations row. */
export interface ConversationStatus {
  conversation_id: string;
  task_status: string | null;
  archived: boolean;
  last_action_at: string | null;
  last_updated: string | null;
}

export async function conversationStatus(db: Database, conversationId: string): Promise<ConversationStatus | undefined> {
  await requireConversationTables(db);
  const row = await db.get<Omit<ConversationStatus, 'archived'> & { archived: number | null }>(
    'SELECT conversation_id, task_status, archived, last_action_at, last_updated FROM conversations WHERE conversation_id = ?',
    [conversationId],
  );
  return row && { ...row, archived: row.archived === 1 };
}

export interface ConversationUpdate {
  taskStatus?: TaskStatus;
  /** Moved to Tier 3 (true) or back. */
  archived?: boolean;
}

/**
 * Sets a conversation's task status and/or archived flag, and last_updated, in
 * one transaction; refuses statuses outside doc 11's vocabulary.
 */
export async function updateConversation(db: Database, conversationId: string, update: ConversationUpdate): Promise<ConversationStatus> {
  requireText('The conversation id', conversationId);
  const sets: string[] = [];
  const values: Array<string | number> = [];
  if (update.taskStatus !== undefined) {
    if (!isTaskStatus(update.taskStatus)) {
      throw new CortexError(
        'BAD_INPUT',
        `'${String(update.taskStatus)}' is not a task status; use one of ${TASK_STATUSES.join(', ')}.`,
        `D/03 statuses (${D03_TASK_STATUSES.join(', ')}) map with taskStatusFromD03.`,
      );
    }
    sets.push('task_status = ?');
    values.push(update.taskStatus);
  }
  if (update.archived !== undefined) {
    sets.push('archived = ?');
    values.push(update.archived ? 1 : 0);
  }
  if (sets.length === 0) throw new CortexError('BAD_INPUT', 'Nothing to update: give a task status and/or the archived flag.');
  await requireConversationTables(db);
  return db.transaction(async (tx) => {
    const { changes } = await tx.run(`UPDATE conversations SET ${sets.join(', ')}, last_updated = CURRENT_TIMESTAMP WHERE conversation_id = ?`, [...values, conversationId]);
    if (changes === 0) throw new CortexError('BAD_INPUT', `There is no conversation '${conversationId}' in ${db.path}.`);
    return (await conversationStatus(tx, conversationId))!;
  });
}

export function setTaskStatus(db: Database, conversationId: string, status: TaskStatus): Promise<ConversationStatus> {
  return updateConversation(db, conversationId, { taskStatus: status });
}

export function setArchived(db: Database, conversationId: string, archived: boolean): Promise<ConversationStatus> {
  return updateConversation(db, conversationId, { archived });
}
