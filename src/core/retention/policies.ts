import { CortexError } from '../db/errors';
import { sqliteTimestamp } from '../maintenance/measure';

/**
 * The seed's "Retention & Archival Strategy Integration" table as code. These
 * are the only tables the retention worker deletes from (plus the seed's own
 * cascades: health_issues with their report, creation_chunks with their
 * session); a table no policy names is never touched.
 */
export type RetentionTable =
  | 'health_reports'
  | 'maintenance_runs'
  | 'archival_operations'
  | 'retention_policy_snapshots'
  | 'creation_sessions'
  | 'plugin_hook_executions'
  | 'conversation_actions'
  | 'conversation_state_snapshots'
  | 'boundary_events'
  | 'provenance_links'
  | 'workspace_databases'
  | 'workspace_apis'
  | 'workspace_frameworks';

/**
 * delete: rows go · rollup: summarised into a rollup table in the same
 * transaction as their delete · archive_tier3: rows of long-lived sessions are
 * copied to Tier 3 first · export_cold: rows are exported to cold storage
 * (and read back) before any is deleted.
 */
export type RetentionAction = 'delete' | 'rollup' | 'archive_tier3' | 'export_cold';

interface PolicySpec {
  table: RetentionTable;
  defaultKeep: number;
  /** days: rows older than `keep` days go · per_session: all but the newest `keep` rows of each session go. */
  unit: 'days' | 'per_session';
  action: RetentionAction;
  /** The timestamp a row's age is read from (for reports: oldest/newest). */
  timeColumn: string;
  /** Timestamps stored as CURRENT_TIMESTAMP text, or as epoch seconds (the crawler tables). */
  timeKind: 'text' | 'epoch';
  /** SQL condition for an expired row; `?` is the cutoff (or keep − 1 for per_session). */
  expired: string;
  rule: (keep: number) => string;
}

const SPECS: readonly PolicySpec[] = [
  { table: 'health_reports', defaultKeep: 180, unit: 'days', action: 'delete', timeColumn: 'created_at', timeKind: 'text', expired: 'created_at < ?', rule: (k) => `older than ${k} days; their health_issues go with them (cascade)` },
  { table: 'maintenance_runs', defaultKeep: 90, unit: 'days', action: 'rollup', timeColumn: 'started_at', timeKind: 'text', expired: 'started_at < ?', rule: (k) => `started more than ${k} days ago; summed into maintenance_rollups per month and tier, then the detail is dropped` },
  { table: 'archival_operations', defaultKeep: 180, unit: 'days', action: 'delete', timeColumn: 'started_at', timeKind: 'text', expired: 'started_at < ?', rule: (k) => `started more than ${k} days ago (audit window)` },
  { table: 'retention_policy_snapshots', defaultKeep: 90, unit: 'days', action: 'delete', timeColumn: 'created_at', timeKind: 'text', expired: 'created_at < ?', rule: (k) => `older than ${k} days` },
  { table: 'creation_sessions', defaultKeep: 30, unit: 'days', action: 'delete', timeColumn: 'last_update', timeKind: 'text', expired: 'completed = 1 AND last_update < ?', rule: (k) => `completed and last updated more than ${k} days ago; their creation_chunks go with them (cascade)` },
  { table: 'plugin_hook_executions', defaultKeep: 30, unit: 'days', action: 'rollup', timeColumn: 'started_at', timeKind: 'text', expired: 'started_at < ?', rule: (k) => `started more than ${k} days ago; summed into hook_execution_rollups per month, plugin and hook, then the detail is dropped` },
  { table: 'conversation_actions', defaultKeep: 60, unit: 'days', action: 'archive_tier3', timeColumn: 'created_at', timeKind: 'text', expired: 'created_at < ?', rule: (k) => `older than ${k} days; actions of long-lived sessions are archived to Tier 3 first` },
  {
    table: 'conversation_state_snapshots',
    defaultKeep: 5,
    unit: 'per_session',
    action: 'delete',
    timeColumn: 'created_at',
    timeKind: 'text',
    expired: `EXISTS (SELECT 1 FROM conversation_state_snapshots AS newer WHERE newer.session_id = conversation_state_snapshots.session_id AND newer.turn_number > conversation_state_snapshots.turn_number LIMIT 1 OFFSET ?)`,
    rule: (k) => `not among the newest ${k} snapshots of their session`,
  },
  { table: 'boundary_events', defaultKeep: 90, unit: 'days', action: 'export_cold', timeColumn: 'occurred_at', timeKind: 'text', expired: 'occurred_at < ?', rule: (k) => `older than ${k} days; denied events are exported to cold storage first` },
  { table: 'provenance_links', defaultKeep: 365, unit: 'days', action: 'export_cold', timeColumn: 'created_at', timeKind: 'text', expired: 'created_at < ?', rule: (k) => `older than ${k} days; exported to cold storage first (audit)` },
  ...(['workspace_databases', 'workspace_apis', 'workspace_frameworks'] as const).map(
    (table): PolicySpec => ({
      table,
      defaultKeep: 365,
      unit: 'days',
      action: 'delete',
      timeColumn: 'COALESCE(last_verified, discovered_at)',
      timeKind: 'epoch',
      expired: 'COALESCE(last_verified, discovered_at) < ?',
      rule: (k) => `neither discovered nor verified in the last ${k} days`,
    }),
  ),
];

export const RETENTION_TABLES: readonly RetentionTable[] = SPECS.map((s) => s.table);

export interface RetentionPolicy {
  table: RetentionTable;
  keep: number;
  unit: 'days' | 'per_session';
  action: RetentionAction;
  rule: string;
  timeColumn: string;
  /** SQL condition for an expired row, with `param` bound to its `?`. */
  expired: string;
  param: string | number;
}

/** Days (or snapshots per session) to keep, per table, overriding the seed's defaults. */
export type RetentionOverrides = Partial<Record<RetentionTable, number>>;

/** The policies in force at `now`, with the cutoffs computed. */
export function resolvePolicies(now: Date, overrides: RetentionOverrides = {}): RetentionPolicy[] {
  for (const [table, keep] of Object.entries(overrides)) {
    if (!RETENTION_TABLES.includes(table as RetentionTable)) throw new CortexError('BAD_INPUT', `No retention policy names the table '${table}'.`, `Policies exist for: ${RETENTION_TABLES.join(', ')}.`);
    if (!Number.isInteger(keep) || keep! < 1) throw new CortexError('BAD_INPUT', `Retention for ${table} must be a whole number ≥ 1 (got ${String(keep)}).`);
  }
  return SPECS.map((s) => {
    const keep = overrides[s.table] ?? s.defaultKeep;
    let param: string | number;
    if (s.unit === 'per_session') param = keep - 1;
    else if (s.timeKind === 'epoch') param = now.getTime() / 1000 - keep * 86400;
    else param = sqliteTimestamp(new Date(now.getTime() - keep * 86400_000));
    return { table: s.table, keep, unit: s.unit, action: s.action, rule: s.rule(keep), timeColumn: s.timeColumn, expired: s.expired, param };
  });
}
