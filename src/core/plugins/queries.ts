import { Database } from '../db/database';
import { Page, PageRequest, pageParams, toPage } from '../db/paging';
import { tableExists } from '../schema/structure';

export interface PluginRow {
  id: number;
  plugin_id: string;
  name: string;
  version: string;
  category: string;
  priority: number;
  description: string | null;
  author: string | null;
  dependencies: string[];
  hooks: string[];
  enabled: boolean;
  registered_at: string;
}

export interface HookExecutionRow {
  id: number;
  plugin_id: string;
  hook: string;
  started_at: string;
  completed_at: string | null;
  duration_ms: number | null;
  status: string;
  error_message: string | null;
}

function parseList(json: unknown): string[] {
  if (typeof json !== 'string') return [];
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/** All registered plugins, by priority (lower runs first); undefined when the brain has no plugins table yet. */
export async function listPlugins(db: Database): Promise<PluginRow[] | undefined> {
  if (!(await tableExists(db, 'plugins'))) return undefined;
  const rows = await db.all<Omit<PluginRow, 'dependencies' | 'hooks' | 'enabled'> & { dependencies: string | null; hooks: string | null; enabled: number }>(
    'SELECT id, plugin_id, name, version, category, priority, description, author, dependencies, hooks, enabled, registered_at FROM plugins ORDER BY priority, plugin_id',
  );
  return rows.map((r) => ({ ...r, dependencies: parseList(r.dependencies), hooks: parseList(r.hooks), enabled: r.enabled === 1 }));
}

/** A plugin's hook runs, newest first. */
export async function listHookExecutions(db: Database, pluginId: string, req?: PageRequest): Promise<Page<HookExecutionRow>> {
  const { offset, limit } = pageParams(req);
  const rows = await db.all<HookExecutionRow>(
    `SELECT id, plugin_id, hook, started_at, completed_at, duration_ms, status, error_message
     FROM plugin_hook_executions WHERE plugin_id = ? ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`,
    [pluginId, limit + 1, offset],
  );
  return toPage(rows, offset, limit);
}

export interface HookExecutionDetail extends HookExecutionRow {
  context_json: string | null;
  result_json: string | null;
}

/** One hook run with its context and result JSON (for "Show Execution Details"). */
export async function getHookExecution(db: Database, id: number): Promise<HookExecutionDetail | undefined> {
  return db.get<HookExecutionDetail>(
    `SELECT id, plugin_id, hook, started_at, completed_at, duration_ms, status, error_message, context_json, result_json
     FROM plugin_hook_executions WHERE id = ?`,
    [id],
  );
}
