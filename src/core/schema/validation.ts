/** The seed's "Validation Queries", run after every migration: each must execute. */
export const VALIDATION_QUERIES: readonly string[] = [
  `SELECT name FROM sqlite_master WHERE type='table' AND name IN (
  'health_reports','maintenance_runs','creation_sessions','plugins',
  'workspace_databases','workspace_apis','workspace_frameworks'
)`,
  `SELECT plugin_id, hook, error_message, started_at
FROM plugin_hook_executions
WHERE status='failed'
ORDER BY started_at DESC
LIMIT 10`,
  `SELECT file_path, total_chunks, completed, failed, started_at
FROM creation_sessions
WHERE completed=0
ORDER BY started_at DESC`,
  `SELECT database_type, host, database_name, table_count,
       datetime(discovered_at, 'unixepoch') as discovered
FROM workspace_databases
ORDER BY discovered_at DESC`,
  `SELECT api_type, base_url, authentication_type,
       datetime(last_verified, 'unixepoch') as last_verified
FROM workspace_apis
WHERE last_verified > (strftime('%s', 'now') - 86400 * 30)
ORDER BY api_type, base_url`,
  `SELECT framework_type, version, components_count, routes_count,
       datetime(discovered_at, 'unixepoch') as discovered
FROM workspace_frameworks
ORDER BY framework_type`,
];
