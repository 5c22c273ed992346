import { Database } from '../db/database';
import { BoundaryDecision, BoundaryIntent, BoundaryRequest, decide } from './boundary';

/** One boundary_events row to write: the decision and what it was about. */
export interface BoundaryEvent {
  event_type: BoundaryIntent;
  /** The path as the actor asked for it (the decision's reason names where it really leads). */
  path: string;
  allowed: boolean;
  reason?: string | null;
  rule_reference?: string | null;
  plugin_id?: string | null;
  session_id?: string | null;
}

export interface BoundaryEventRow {
  id: number;
  occurred_at: string;
  event_type: string;
  path: string;
  allowed: boolean;
  reason: string | null;
  rule_reference: string | null;
  plugin_id: string | null;
  session_id: string | null;
}

/** A NUL would cut the stored text short in many viewers; keep it visible instead. */
const printable = (p: string) => p.replace(/\0/g, '\\0');

export async function recordBoundaryEvent(db: Database, event: BoundaryEvent): Promise<number> {
  const r = await db.run(
    'INSERT INTO boundary_events (event_type, path, allowed, reason, rule_reference, plugin_id, session_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [event.event_type, printable(String(event.path)), event.allowed ? 1 : 0, event.reason ?? null, event.rule_reference ?? null, event.plugin_id ?? null, event.session_id ?? null],
  );
  return r.lastID;
}

/**
 * Decides and records, in one call: what every engine and plugin file access
 * goes through. It never throws for a denial; the caller acts on `allowed`.
 */
export async function guard(db: Database, request: BoundaryRequest & { sessionId?: string }): Promise<BoundaryDecision & { event_id: number }> {
  const decision = decide(request);
  const event_id = await recordBoundaryEvent(db, {
    event_type: request.intent,
    path: request.path,
    allowed: decision.allowed,
    reason: decision.reason,
    rule_reference: decision.rule_reference,
    plugin_id: request.pluginId,
    session_id: request.sessionId,
  });
  return { ...decision, event_id };
}

/** The newest denials first, for the host's "recent denials" view. */
export async function recentDenials(db: Database, limit = 20): Promise<BoundaryEventRow[]> {
  const rows = await db.all<Omit<BoundaryEventRow, 'allowed'> & { allowed: number }>(
    `SELECT id, occurred_at, event_type, path, allowed, reason, rule_reference, plugin_id, session_id
     FROM boundary_events WHERE allowed = 0 ORDER BY occurred_at DESC, id DESC LIMIT ?`,
    [limit],
  );
  return rows.map((r) => ({ ...r, allowed: r.allowed === 1 }));
}
