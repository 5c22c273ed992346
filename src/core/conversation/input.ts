import { Database } from '../db/database';
import { CortexError } from '../db/errors';
import { requireTables } from '../schema/structure';

/** Migration 006 adds the conversations columns and both tables together, so their presence says the brain is ready. */
const CONVERSATION_TABLES = ['conversations', 'conversation_actions', 'conversation_state_snapshots'];

export function requireConversationTables(db: Database): Promise<void> {
  return requireTables(db, CONVERSATION_TABLES, 'conversation tables');
}

export function requireText(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new CortexError('BAD_INPUT', `${name} must be a non-empty string.`);
  return value;
}

export function requireTurn(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new CortexError('BAD_INPUT', `The turn number must be a whole number of at least 0 (got ${String(value)}).`);
  return value;
}

/** A plain JSON object (not an array, not null), as the seed's *_json columns expect. */
export function requireObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CortexError('BAD_INPUT', `${name} must be a JSON object.`);
  return value as Record<string, unknown>;
}

/** A stored JSON column: its value, or the raw text when another writer stored something that is not JSON. */
export function parseStored(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}
