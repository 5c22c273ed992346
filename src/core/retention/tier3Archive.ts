import * as fs from 'node:fs';
import * as path from 'node:path';
import { brainRootFor } from '../brain/locate';
import { Database } from '../db/database';
import { CortexError } from '../db/errors';

/** Tier 3 (design facts §1): `cortex-brain/tier3/context.db`, created when missing. */
export function tier3Path(dbPath: string): string {
  return path.join(brainRootFor(dbPath), 'tier3', 'context.db');
}

export const ARCHIVED_ACTIONS_TABLE = 'archived_conversation_actions';

/** conversation_actions' columns plus archived_at; `id` keeps the brain's id, so archiving a row twice stores it once. */
const ARCHIVE_DDL = `CREATE TABLE IF NOT EXISTS ${ARCHIVED_ACTIONS_TABLE} (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    turn_number INTEGER NOT NULL,
    action_type TEXT NOT NULL,
    description TEXT NOT NULL,
    metadata_json TEXT,
    success INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    archived_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS idx_archived_conversation_actions_session ON ${ARCHIVED_ACTIONS_TABLE}(session_id, turn_number)`;

export interface ConversationActionRow {
  id: number;
  session_id: string;
  turn_number: number;
  action_type: string;
  description: string;
  metadata_json: string | null;
  success: number;
  created_at: string;
}

export async function openTier3(dbPath: string, busyTimeoutMs?: number): Promise<Database> {
  const file = tier3Path(dbPath);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = await Database.open(file, { create: true, busyTimeoutMs });
  try {
    await db.exec(ARCHIVE_DDL);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}

/**
 * Copies the rows into Tier 3 in one transaction, then reads them back: every
 * id must be there before the caller may delete them from the brain. A crash
 * between this and that delete leaves the rows in both places; the next run
 * copies them again (ignored: same ids) and deletes them.
 */
export async function archiveActions(tier3: Database, rows: readonly ConversationActionRow[], archivedAt: string): Promise<void> {
  if (rows.length === 0) return;
  await tier3.transaction(async () => {
    for (const r of rows) {
      await tier3.run(
        `INSERT OR IGNORE INTO ${ARCHIVED_ACTIONS_TABLE} (id, session_id, turn_number, action_type, description, metadata_json, success, created_at, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [r.id, r.session_id, r.turn_number, r.action_type, r.description, r.metadata_json, r.success, r.created_at, archivedAt],
      );
    }
  });
  const ids = JSON.stringify(rows.map((r) => r.id));
  const back = await tier3.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${ARCHIVED_ACTIONS_TABLE} WHERE id IN (SELECT value FROM json_each(?))`, [ids]);
  if (back?.n !== rows.length) {
    throw new CortexError('BACKUP_FAILED', `Tier 3 (${tier3.path}) holds ${back?.n ?? 0} of the ${rows.length} archived conversation actions; none was deleted from the brain.`);
  }
}
