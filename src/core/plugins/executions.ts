import { Database } from '../db/database';

/** Context and result JSON above this size are stored as a truncated preview, so one chatty plugin cannot bloat the brain. */
export const MAX_STORED_JSON_BYTES = 64 * 1024;
const MAX_ERROR_CHARS = 4000;

/**
 * JSON for a context_json/result_json column: null for undefined, and a
 * valid JSON marker object `{ truncated, original_bytes, preview }` when the
 * text would exceed 64 KB (a cut-off JSON string would no longer parse).
 */
export function boundedJson(value: unknown): string | null {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    return JSON.stringify({ unserializable: (err as Error).message });
  }
  if (text === undefined) return null;
  const bytes = Buffer.byteLength(text);
  if (bytes <= MAX_STORED_JSON_BYTES) return text;
  // Escaping can grow the preview, so shrink until the marker fits.
  for (let keep = MAX_STORED_JSON_BYTES - 256; ; keep = Math.floor(keep * 0.8)) {
    const preview = Buffer.from(text).subarray(0, keep).toString('utf8');
    const marker = JSON.stringify({ truncated: true, original_bytes: bytes, preview });
    if (Buffer.byteLength(marker) <= MAX_STORED_JSON_BYTES) return marker;
  }
}

/** The 'running' row, written before the plugin starts so a crash mid-run still leaves a trace. */
export async function startExecution(db: Database, pluginId: string, hook: string, context: unknown): Promise<number> {
  const r = await db.run("INSERT INTO plugin_hook_executions (plugin_id, hook, status, context_json) VALUES (?, ?, 'running', ?)", [
    pluginId,
    hook,
    boundedJson(context),
  ]);
  return r.lastID;
}

export interface ExecutionEnd {
  status: 'success' | 'failed';
  durationMs: number;
  result?: unknown;
  error?: string;
}

export async function finishExecution(db: Database, id: number, end: ExecutionEnd): Promise<void> {
  await db.run('UPDATE plugin_hook_executions SET status = ?, completed_at = CURRENT_TIMESTAMP, duration_ms = ?, result_json = ?, error_message = ? WHERE id = ?', [
    end.status,
    end.durationMs,
    boundedJson(end.result),
    end.error === undefined ? null : end.error.slice(0, MAX_ERROR_CHARS),
    id,
  ]);
}
