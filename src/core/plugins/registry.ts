import { Database } from '../db/database';
import { CortexError } from '../db/errors';
import { requireTables } from '../schema/structure';
import { BUILTIN_PLUGINS, PluginMetadata } from './builtin';
import { loadManifests, manifestSource, PluginProblem } from './manifest';
import { orderByDependencies } from './order';
import { readPluginSwitches } from './switches';

export interface SyncOptions {
  brainRoot: string;
  workspace: string;
}

export interface SyncReport {
  /** Rows inserted by this sync. */
  registered: string[];
  /** Rows whose metadata or enabled flag changed. */
  updated: string[];
  /** Rows whose manifest is gone or no longer valid: kept (their history refers to them) with enabled = 0. */
  disabled: string[];
  problems: PluginProblem[];
}

interface StoredRow {
  plugin_id: string;
  name: string;
  version: string;
  category: string;
  priority: number;
  description: string | null;
  author: string | null;
  dependencies: string | null;
  hooks: string | null;
  enabled: number;
}

const BUILTIN_IDS = BUILTIN_PLUGINS.map((p) => p.plugin_id);

export const isBuiltinPlugin = (pluginId: string): boolean => BUILTIN_IDS.includes(pluginId);

export function requirePluginTables(db: Database): Promise<void> {
  return requireTables(db, ['plugins', 'plugin_hook_executions'], 'plugin registry');
}

function rowValues(p: PluginMetadata, enabled: boolean): [string, string, string, number, string, string, string, string, number] {
  return [p.name, p.version, p.category, p.priority, p.description, p.author, JSON.stringify(p.dependencies), JSON.stringify(p.hooks), enabled ? 1 : 0];
}

function sameRow(row: StoredRow, values: ReturnType<typeof rowValues>): boolean {
  const stored = [row.name, row.version, row.category, row.priority, row.description ?? '', row.author ?? '', row.dependencies ?? '[]', row.hooks ?? '[]', row.enabled];
  return stored.every((v, i) => v === values[i]);
}

/**
 * Brings the plugins table in line with the built-ins, the valid manifests
 * in `<brainRoot>/plugins` and cortex.config.json's switches, in one
 * transaction. Plugins whose dependencies are missing or form a cycle are
 * reported and treated as invalid. Rows are never deleted.
 */
export async function syncPluginRegistry(db: Database, options: SyncOptions): Promise<SyncReport> {
  await requirePluginTables(db);
  const { manifests, problems } = loadManifests(options.brainRoot, BUILTIN_IDS);
  const ordering = orderByDependencies([...BUILTIN_PLUGINS, ...manifests].map((p) => ({ id: p.plugin_id, priority: p.priority, dependencies: p.dependencies })));
  const blocked = new Map(ordering.blocked.map((b) => [b.id, b.reason]));
  for (const m of manifests.filter((m) => blocked.has(m.plugin_id))) {
    problems.push({ severity: 'error', source: manifestSource(m.folder), plugin_id: m.plugin_id, message: blocked.get(m.plugin_id) as string });
  }
  const candidates: PluginMetadata[] = [...BUILTIN_PLUGINS, ...manifests.filter((m) => !blocked.has(m.plugin_id))];
  const switches = readPluginSwitches(options.workspace);
  problems.push(...switches.problems);
  const report: SyncReport = { registered: [], updated: [], disabled: [], problems };

  await db.transaction(async () => {
    const stored = new Map(
      (await db.all<StoredRow>('SELECT plugin_id, name, version, category, priority, description, author, dependencies, hooks, enabled FROM plugins')).map((r) => [r.plugin_id, r]),
    );
    for (const p of candidates) {
      const row = stored.get(p.plugin_id);
      const enabled = switches.disabled.has(p.plugin_id) ? false : switches.enabled.has(p.plugin_id) ? true : row ? row.enabled === 1 : true;
      const values = rowValues(p, enabled);
      if (!row) {
        await db.run(
          'INSERT INTO plugins (name, version, category, priority, description, author, dependencies, hooks, enabled, plugin_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [...values, p.plugin_id],
        );
        report.registered.push(p.plugin_id);
      } else if (!sameRow(row, values)) {
        await db.run(
          'UPDATE plugins SET name = ?, version = ?, category = ?, priority = ?, description = ?, author = ?, dependencies = ?, hooks = ?, enabled = ? WHERE plugin_id = ?',
          [...values, p.plugin_id],
        );
        report.updated.push(p.plugin_id);
      }
    }
    const present = new Set(candidates.map((p) => p.plugin_id));
    for (const row of stored.values()) {
      if (present.has(row.plugin_id) || row.enabled === 0) continue;
      await db.run('UPDATE plugins SET enabled = 0 WHERE plugin_id = ?', [row.plugin_id]);
      report.disabled.push(row.plugin_id);
    }
    for (const id of [...switches.enabled, ...switches.disabled]) {
      if (present.has(id)) continue;
      problems.push({
        severity: 'warning',
        source: 'cortex.config.json',
        plugin_id: id,
        message: stored.has(id) ? `${id} has no valid manifest any more; it stays disabled` : `unknown plugin ${id}; ignored`,
      });
    }
  });
  return report;
}

/** Turns one registered plugin on or off (cortex.config.json's lists win again at the next sync). */
export async function setPluginEnabled(db: Database, pluginId: string, enabled: boolean): Promise<void> {
  await requirePluginTables(db);
  const r = await db.run('UPDATE plugins SET enabled = ? WHERE plugin_id = ?', [enabled ? 1 : 0, pluginId]);
  if (r.changes === 0) throw new CortexError('BAD_INPUT', `No plugin ${pluginId} is registered.`, 'Run `cortex plugins` to see the registered plugins.');
}
