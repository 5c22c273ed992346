/**
 * The plugins CORTEX ships with (design facts §7, §10). Their rows are
 * backfilled by the migration and their hooks are wired to the engines.
 */
export const PLUGIN_PRIORITY = { CRITICAL: 0, HIGH: 10, NORMAL: 50, MEDIUM: 50, LOW: 100, OPTIONAL: 1000 } as const;

export interface PluginMetadata {
  plugin_id: string;
  name: string;
  version: string;
  category: string;
  priority: number;
  description: string;
  author: string;
  dependencies: string[];
  hooks: string[];
}

export const BUILTIN_PLUGINS: readonly PluginMetadata[] = [
  {
    plugin_id: 'self_review_plugin',
    name: 'Self-Review',
    version: '1.0.0',
    category: 'maintenance',
    priority: PLUGIN_PRIORITY.HIGH,
    description: 'Scores the brain on database, performance, rule compliance, tests and storage, and applies safe fixes.',
    author: 'CORTEX',
    dependencies: [],
    hooks: ['on_self_review', 'on_startup'],
  },
  {
    plugin_id: 'db_maintenance_plugin',
    name: 'Database Maintenance',
    version: '1.0.0',
    category: 'maintenance',
    priority: PLUGIN_PRIORITY.HIGH,
    description: 'ANALYZE, REINDEX, FTS rebuild and VACUUM by tier, with before/after metrics.',
    author: 'CORTEX',
    dependencies: [],
    hooks: ['on_db_maintenance', 'on_startup'],
  },
  {
    plugin_id: 'incremental_creation_plugin',
    name: 'Incremental Creation',
    version: '1.0.0',
    category: 'utility',
    priority: PLUGIN_PRIORITY.NORMAL,
    description: 'Writes large files chunk by chunk and resumes after an interruption.',
    author: 'CORTEX',
    dependencies: [],
    hooks: ['on_generate_doc'],
  },
  {
    plugin_id: 'crawler_plugin',
    name: 'Workspace Crawler',
    version: '1.0.0',
    category: 'intelligence',
    priority: PLUGIN_PRIORITY.NORMAL,
    description: 'Discovers the databases, APIs and frameworks the workspace really uses.',
    author: 'CORTEX',
    dependencies: [],
    hooks: ['on_startup'],
  },
];
