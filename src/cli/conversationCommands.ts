import * as fs from 'node:fs';
import * as path from 'node:path';
import { ACTION_TYPES, ActionType, isActionType, recordAction } from '../core/conversation/actions';
import { saveStateSnapshot } from '../core/conversation/snapshots';
import { ConversationUpdate, D03_TASK_STATUSES, isD03TaskStatus, isTaskStatus, TASK_STATUSES, taskStatusFromD03, updateConversation } from '../core/conversation/status';
import { withDatabase } from '../core/db/database';
import { Command, EXIT, UsageError, Values } from './command';

function text(v: Values, name: string): string {
  const value = v[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

function turn(v: Values): number {
  const raw = text(v, 'turn');
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new UsageError('--turn takes a whole number of at least 0');
  return Number(raw);
}

/** A JSON object from the argument itself, or from a file with `@path`. */
function jsonObject(raw: string, option: string, cwd: string): Record<string, unknown> {
  let source = raw;
  if (raw.startsWith('@')) {
    const file = path.resolve(cwd, raw.slice(1));
    try {
      source = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`--${option}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (err) {
    throw new UsageError(`--${option} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`--${option} must be a JSON object ({…})`);
  return value as Record<string, unknown>;
}

export const conversationCommands: Record<string, Command> = {
  action: {
    summary: 'Log an action of a conversation turn (updates the conversation\'s last_action_at)',
    usage: `cortex action --session S --turn N --type ${ACTION_TYPES.join('|')} --description D [--metadata JSON|@file] [--failed] [--json]`,
    options: {
      session: { type: 'string' },
      turn: { type: 'string' },
      type: { type: 'string' },
      description: { type: 'string' },
      metadata: { type: 'string' },
      failed: { type: 'boolean' },
    },
    async run(v, io, ctx) {
      const sessionId = text(v, 'session');
      const turnNumber = turn(v);
      const actionType = text(v, 'type');
      if (!isActionType(actionType)) throw new UsageError(`--type is one of ${ACTION_TYPES.join(', ')}`);
      const description = text(v, 'description');
      const metadata = typeof v.metadata === 'string' ? jsonObject(v.metadata, 'metadata', io.cwd) : undefined;
      const r = await withDatabase(ctx.dbPath, { busyTimeoutMs: ctx.busyTimeoutMs }, (db) =>
        recordAction(db, { sessionId, turnNumber, actionType: actionType as ActionType, description, metadata, success: v.failed !== true }),
      );
      if (ctx.json) io.out(JSON.stringify(r, null, 2));
      else io.out(`recorded action #${r.id} (${r.action_type}${r.success ? '' : ', failed'}) for session ${r.session_id} turn ${r.turn_number}${r.conversationUpdated ? '; conversation last_action_at updated' : ''}`);
      return EXIT.ok;
    },
  },
  snapshot: {
    summary: 'Save a conversation\'s state at a turn (the newest 5 turns per session are kept)',
    usage: 'cortex snapshot --session S --turn N --state JSON|@file [--json]',
    options: { session: { type: 'string' }, turn: { type: 'string' }, state: { type: 'string' } },
    async run(v, io, ctx) {
      const sessionId = text(v, 'session');
      const turnNumber = turn(v);
      const state = jsonObject(text(v, 'state'), 'state', io.cwd);
      const r = await withDatabase(ctx.dbPath, { busyTimeoutMs: ctx.busyTimeoutMs }, (db) => saveStateSnapshot(db, { sessionId, turnNumber, state }));
      if (ctx.json) io.out(JSON.stringify(r, null, 2));
      else io.out(`saved the state of session ${r.sessionId} at turn ${r.turnNumber}${r.kept ? '' : ' (older than the 5 newest turns, so not kept)'}${r.pruned ? `; pruned ${r.pruned} older snapshot(s)` : ''}`);
      return EXIT.ok;
    },
  },
  task: {
    summary: 'Set a conversation\'s task status (doc 11 or D/03 vocabulary) and/or its archived flag',
    usage: `cortex task --conversation C [--status ${TASK_STATUSES.join('|')}|${D03_TASK_STATUSES.filter((s) => !isTaskStatus(s)).join('|')}] [--archived true|false] [--json]`,
    options: { conversation: { type: 'string' }, status: { type: 'string' }, archived: { type: 'string' } },
    async run(v, io, ctx) {
      const conversationId = text(v, 'conversation');
      if (v.status === undefined && v.archived === undefined) throw new UsageError('task needs --status and/or --archived');
      const update: ConversationUpdate = {};
      if (v.status !== undefined) {
        if (isTaskStatus(v.status)) update.taskStatus = v.status;
        else if (isD03TaskStatus(v.status)) update.taskStatus = taskStatusFromD03(v.status);
        else throw new UsageError(`--status is one of ${TASK_STATUSES.join(', ')} (or D/03's ${D03_TASK_STATUSES.join(', ')})`);
      }
      if (v.archived !== undefined) {
        if (v.archived !== 'true' && v.archived !== 'false') throw new UsageError('--archived is true or false');
        update.archived = v.archived === 'true';
      }
      const s = await withDatabase(ctx.dbPath, { busyTimeoutMs: ctx.busyTimeoutMs }, (db) => updateConversation(db, conversationId, update));
      if (ctx.json) io.out(JSON.stringify(s, null, 2));
      else io.out(`conversation ${s.conversation_id}: task_status ${s.task_status ?? '(none)'}, archived ${s.archived ? 'yes' : 'no'}, last updated ${s.last_updated ?? '(never)'}`);
      return EXIT.ok;
    },
  },
};
