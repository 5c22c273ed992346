// The 2.0 tables exactly as ../shared/seed/11-database-schema-updates.md defines them.
// Generated from the seed (comments stripped); names, types, defaults, constraints and
// index names are the contract checked by check-schema.py. Do not edit by hand.

export interface SeedTable {
  name: string;
  /** CREATE TABLE followed by its CREATE INDEX statements. */
  ddl: string;
}

export const SEED_TABLES: Record<string, SeedTable> = {
  health_reports: {
    name: 'health_reports',
    ddl: `CREATE TABLE health_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    overall_status TEXT NOT NULL,
    overall_score REAL NOT NULL,
    database_score REAL NOT NULL,
    performance_score REAL NOT NULL,
    rule_compliance_score REAL NOT NULL,
    test_coverage_score REAL NOT NULL,
    storage_score REAL NOT NULL,
    auto_fixable_count INTEGER NOT NULL,
    fixed_count INTEGER NOT NULL
);
CREATE INDEX idx_health_reports_created_at ON health_reports(created_at DESC);`,
  },
  health_issues: {
    name: 'health_issues',
    ddl: `CREATE TABLE health_issues (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id INTEGER NOT NULL REFERENCES health_reports(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    auto_fixable INTEGER NOT NULL DEFAULT 0,
    fix_applied INTEGER NOT NULL DEFAULT 0,
    fix_description TEXT,
    impact TEXT,
    recommendation TEXT,
    detected_at TIMESTAMP NOT NULL,
    UNIQUE(report_id, title)
);
CREATE INDEX idx_health_issues_report ON health_issues(report_id);
CREATE INDEX idx_health_issues_severity ON health_issues(severity);`,
  },
  maintenance_runs: {
    name: 'maintenance_runs',
    ddl: `CREATE TABLE maintenance_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    completed_at TIMESTAMP,
    tier TEXT NOT NULL,
    operations TEXT NOT NULL,
    fragmentation_before REAL,
    fragmentation_after REAL,
    size_before_mb REAL,
    size_after_mb REAL,
    space_reclaimed_mb REAL,
    query_time_before_ms REAL,
    query_time_after_ms REAL,
    speedup REAL,
    status TEXT NOT NULL DEFAULT 'running',
    error_message TEXT
);
CREATE INDEX idx_maintenance_runs_tier_time ON maintenance_runs(tier, started_at DESC);`,
  },
  archival_operations: {
    name: 'archival_operations',
    ddl: `CREATE TABLE archival_operations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    completed_at TIMESTAMP,
    source_tier TEXT NOT NULL,
    destination_tier TEXT NOT NULL,
    records_archived INTEGER NOT NULL,
    space_freed_mb REAL,
    oldest_record_at TIMESTAMP,
    newest_record_at TIMESTAMP,
    compression_enabled INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'success',
    error_message TEXT
);
CREATE INDEX idx_archival_operations_time ON archival_operations(started_at DESC);`,
  },
  retention_policy_snapshots: {
    name: 'retention_policy_snapshots',
    ddl: `CREATE TABLE retention_policy_snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    tier TEXT NOT NULL,
    policy_json TEXT NOT NULL,
    violations_count INTEGER NOT NULL,
    age_violations INTEGER NOT NULL,
    count_violations INTEGER NOT NULL,
    actions_taken TEXT
);
CREATE INDEX idx_retention_policy_snapshots_tier_time ON retention_policy_snapshots(tier, created_at DESC);`,
  },
  creation_sessions: {
    name: 'creation_sessions',
    ddl: `CREATE TABLE creation_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_path TEXT NOT NULL,
    file_type TEXT NOT NULL,
    total_chunks INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    completed INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    UNIQUE(file_path)
);
CREATE INDEX idx_creation_sessions_status ON creation_sessions(completed, failed);`,
  },
  creation_chunks: {
    name: 'creation_chunks',
    ddl: `CREATE TABLE creation_chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES creation_sessions(id) ON DELETE CASCADE,
    chunk_number INTEGER NOT NULL,
    chunk_type TEXT NOT NULL,
    line_start INTEGER NOT NULL,
    line_end INTEGER NOT NULL,
    estimated_tokens INTEGER,
    status TEXT NOT NULL DEFAULT 'pending',
    validation_warnings TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(session_id, chunk_number)
);
CREATE INDEX idx_creation_chunks_session ON creation_chunks(session_id, chunk_number);`,
  },
  plugins: {
    name: 'plugins',
    ddl: `CREATE TABLE plugins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plugin_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    category TEXT NOT NULL,
    priority INTEGER NOT NULL,
    description TEXT,
    author TEXT,
    dependencies TEXT,
    hooks TEXT,
    enabled INTEGER NOT NULL DEFAULT 1,
    registered_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_plugins_category ON plugins(category, enabled);`,
  },
  plugin_hook_executions: {
    name: 'plugin_hook_executions',
    ddl: `CREATE TABLE plugin_hook_executions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plugin_id TEXT NOT NULL REFERENCES plugins(plugin_id) ON DELETE CASCADE,
    hook TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    completed_at TIMESTAMP,
    duration_ms REAL,
    status TEXT NOT NULL DEFAULT 'running',
    error_message TEXT,
    context_json TEXT,
    result_json TEXT
);
CREATE INDEX idx_plugin_hook_exec_hook_time ON plugin_hook_executions(hook, started_at DESC);`,
  },
  conversation_actions: {
    name: 'conversation_actions',
    ddl: `CREATE TABLE conversation_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    turn_number INTEGER NOT NULL,
    action_type TEXT NOT NULL,
    description TEXT NOT NULL,
    metadata_json TEXT,
    success INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_conversation_actions_session_turn ON conversation_actions(session_id, turn_number);`,
  },
  conversation_state_snapshots: {
    name: 'conversation_state_snapshots',
    ddl: `CREATE TABLE conversation_state_snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    turn_number INTEGER NOT NULL,
    state_json TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(session_id, turn_number)
);
CREATE INDEX idx_state_snapshots_session ON conversation_state_snapshots(session_id, turn_number DESC);`,
  },
  boundary_events: {
    name: 'boundary_events',
    ddl: `CREATE TABLE boundary_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    event_type TEXT NOT NULL,
    path TEXT NOT NULL,
    allowed INTEGER NOT NULL,
    reason TEXT,
    rule_reference TEXT,
    plugin_id TEXT,
    session_id TEXT
);
CREATE INDEX idx_boundary_events_time ON boundary_events(occurred_at DESC);
CREATE INDEX idx_boundary_events_path ON boundary_events(path);`,
  },
  provenance_links: {
    name: 'provenance_links',
    ddl: `CREATE TABLE provenance_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_type TEXT NOT NULL,
    source_ref TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_ref TEXT NOT NULL,
    relation TEXT NOT NULL,
    confidence REAL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_provenance_source ON provenance_links(source_type, source_ref);
CREATE INDEX idx_provenance_target ON provenance_links(target_type, target_ref);`,
  },
  workspace_databases: {
    name: 'workspace_databases',
    ddl: `CREATE TABLE workspace_databases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    database_type TEXT NOT NULL,
    connection_string TEXT NOT NULL,
    host TEXT,
    port INTEGER,
    database_name TEXT,
    discovered_at REAL NOT NULL,
    last_verified REAL,
    schemas TEXT,
    table_count INTEGER DEFAULT 0,
    metadata TEXT,
    UNIQUE(database_type, host, port, database_name)
);
CREATE INDEX idx_workspace_databases_type ON workspace_databases(database_type);
CREATE INDEX idx_workspace_databases_verified ON workspace_databases(last_verified DESC);`,
  },
  workspace_apis: {
    name: 'workspace_apis',
    ddl: `CREATE TABLE workspace_apis (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    api_type TEXT NOT NULL,
    base_url TEXT NOT NULL,
    spec_location TEXT,
    endpoints TEXT,
    discovered_at REAL NOT NULL,
    last_verified REAL,
    authentication_type TEXT,
    metadata TEXT,
    UNIQUE(api_type, base_url)
);
CREATE INDEX idx_workspace_apis_type ON workspace_apis(api_type);
CREATE INDEX idx_workspace_apis_verified ON workspace_apis(last_verified DESC);`,
  },
  workspace_frameworks: {
    name: 'workspace_frameworks',
    ddl: `CREATE TABLE workspace_frameworks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    framework_type TEXT NOT NULL,
    version TEXT,
    config_location TEXT,
    components_count INTEGER DEFAULT 0,
    routes_count INTEGER DEFAULT 0,
    discovered_at REAL NOT NULL,
    last_verified REAL,
    metadata TEXT,
    UNIQUE(framework_type, config_location)
);
CREATE INDEX idx_workspace_frameworks_type ON workspace_frameworks(framework_type);
CREATE INDEX idx_workspace_frameworks_verified ON workspace_frameworks(last_verified DESC);`,
  },
};

/** Tables per logical migration group, in apply order. */
export const SEED_GROUPS = {
  self_review: ['health_reports', 'health_issues'],
  maintenance: ['maintenance_runs', 'archival_operations', 'retention_policy_snapshots'],
  incremental_creation: ['creation_sessions', 'creation_chunks'],
  plugins: ['plugins', 'plugin_hook_executions'],
  conversation: ['conversation_actions', 'conversation_state_snapshots'],
  knowledge_integrity: ['boundary_events', 'provenance_links'],
  crawler: ['workspace_databases', 'workspace_apis', 'workspace_frameworks'],
} as const;

/** Columns the seed adds to the 1.0 `conversations` table (name → column definition). */
export const CONVERSATION_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['task_status', "TEXT DEFAULT 'open'"],
  ['archived', 'INTEGER DEFAULT 0'],
  ['last_action_at', 'TIMESTAMP'],
];

export const CONVERSATIONS_ACTIVE_INDEX = 'CREATE INDEX idx_conversations_active ON conversations(archived, last_updated DESC)';
