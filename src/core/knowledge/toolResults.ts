import { Database } from '../db/database';
import { tableExists } from '../schema/structure';
import { latestHealthReport } from '../review/queries';
import { DEFAULT_STALE_AFTER_DAYS, DiscoveredApi, DiscoveredDatabase, DiscoveredFramework, DiscoveryKind, listDiscoveries } from './discoveries';

/**
 * The JSON answers agents get from CORTEX's language-model tools. Shapes are
 * stable and documented in README ("For agent users"); credentials are never
 * part of them (not even redacted connection strings).
 */
export interface Freshness {
  generated_at: string;
  stale_after_days: number;
  /** The most recent verification among the returned rows (ISO), or null. */
  newest_verification: string | null;
  stale_count: number;
}

export interface ToolAnswer<T> {
  tool: string;
  count: number;
  freshness: Freshness;
  items: T[];
  /** Set when there is nothing to report: what to do about it. */
  note?: string;
}

const MAX_ITEMS = 200;

const iso = (epochSeconds: number | null) => (epochSeconds === null ? null : new Date(epochSeconds * 1000).toISOString());

function where(metadata: Record<string, unknown>): { file: string | null; line: number | null } {
  const file = typeof metadata.source_file === 'string' ? metadata.source_file : null;
  const line = typeof metadata.line === 'number' ? metadata.line : null;
  return { file, line };
}

async function collect<K extends DiscoveryKind>(db: Database, kind: K, type: string | undefined, now: Date, staleAfterDays: number) {
  const page = await listDiscoveries(db, kind, { type, limit: MAX_ITEMS, now: now.getTime() / 1000, staleAfterDays });
  const rows = page?.items ?? [];
  const verified = rows.map((r) => r.last_verified).filter((v): v is number => v !== null);
  const freshness: Freshness = {
    generated_at: now.toISOString(),
    stale_after_days: staleAfterDays,
    newest_verification: verified.length ? iso(Math.max(...verified)) : null,
    stale_count: rows.filter((r) => r.stale).length,
  };
  return { rows, freshness, truncated: page?.hasMore ?? false };
}

function emptyNote(kind: string, type: string | undefined): string {
  return `No ${type ? `${type} ` : ''}${kind} discovered in this workspace. Run "CORTEX: Crawl Workspace" (or \`cortex crawl\`) to discover them.`;
}

export interface ToolQuery {
  type?: string;
  now?: Date;
  staleAfterDays?: number;
}

export async function discoveredDatabasesAnswer(db: Database, q: ToolQuery = {}): Promise<ToolAnswer<Record<string, unknown>>> {
  const { rows, freshness, truncated } = await collect(db, 'databases', q.type, q.now ?? new Date(), q.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS);
  const items = (rows as DiscoveredDatabase[]).map((d) => ({
    id: d.id,
    type: d.database_type,
    host: d.host,
    port: d.port,
    database: d.database_name,
    schemas: d.schemas,
    table_count: d.table_count,
    found_in: where(d.metadata),
    discovered_at: iso(d.discovered_at),
    last_verified: iso(d.last_verified),
    stale: d.stale,
  }));
  return { tool: 'cortex_discovered_databases', count: items.length, freshness, items, ...(items.length ? {} : { note: emptyNote('databases', q.type) }), ...(truncated ? { note: `First ${MAX_ITEMS} shown; filter by type for more.` } : {}) };
}

export async function discoveredApisAnswer(db: Database, q: ToolQuery = {}): Promise<ToolAnswer<Record<string, unknown>>> {
  const { rows, freshness, truncated } = await collect(db, 'apis', q.type, q.now ?? new Date(), q.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS);
  const items = (rows as DiscoveredApi[]).map((a) => ({
    id: a.id,
    type: a.api_type,
    base_url: a.base_url,
    endpoints: a.endpoints,
    authentication_type: a.authentication_type,
    spec_location: a.spec_location,
    discovered_at: iso(a.discovered_at),
    last_verified: iso(a.last_verified),
    stale: a.stale,
  }));
  return { tool: 'cortex_discovered_apis', count: items.length, freshness, items, ...(items.length ? {} : { note: emptyNote('APIs', q.type) }), ...(truncated ? { note: `First ${MAX_ITEMS} shown; filter by type for more.` } : {}) };
}

export async function discoveredFrameworksAnswer(db: Database, q: ToolQuery = {}): Promise<ToolAnswer<Record<string, unknown>>> {
  const { rows, freshness, truncated } = await collect(db, 'frameworks', q.type, q.now ?? new Date(), q.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS);
  const items = (rows as DiscoveredFramework[]).map((f) => ({
    id: f.id,
    type: f.framework_type,
    version: f.version,
    config_location: f.config_location,
    components_count: f.components_count,
    routes_count: f.routes_count,
    discovered_at: iso(f.discovered_at),
    last_verified: iso(f.last_verified),
    stale: f.stale,
  }));
  return { tool: 'cortex_discovered_frameworks', count: items.length, freshness, items, ...(items.length ? {} : { note: emptyNote('frameworks', q.type) }), ...(truncated ? { note: `First ${MAX_ITEMS} shown; filter by type for more.` } : {}) };
}

export interface HealthAnswer {
  tool: 'cortex_brain_health';
  generated_at: string;
  review: null | {
    at: string;
    overall: { score: number; status: string };
    categories: Record<'database' | 'performance' | 'rule_compliance' | 'tests' | 'storage', number>;
    auto_fixable: number;
    fixed: number;
    open_issues_by_severity: Record<string, number>;
    open_issues: Array<{ severity: string; category: string; title: string; recommendation: string | null }>;
  };
  last_maintenance: null | { tier: string; status: string; started_at: string; completed_at: string | null; space_reclaimed_mb: number | null; speedup: number | null };
  note?: string;
}

/** The latest self-review (scores, open issues by severity) and the last maintenance run. */
export async function brainHealthAnswer(db: Database, now = new Date()): Promise<HealthAnswer> {
  const report = await latestHealthReport(db);
  const answer: HealthAnswer = { tool: 'cortex_brain_health', generated_at: now.toISOString(), review: null, last_maintenance: null };
  if (report) {
    const issues = await db.all<{ severity: string; category: string; title: string; recommendation: string | null }>(
      `SELECT severity, category, title, recommendation FROM health_issues WHERE report_id = ? AND fix_applied = 0
       ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, id`,
      [report.id],
    );
    const bySeverity: Record<string, number> = {};
    for (const i of issues) bySeverity[i.severity] = (bySeverity[i.severity] ?? 0) + 1;
    answer.review = {
      at: `${report.created_at.replace(' ', 'T')}Z`,
      overall: { score: report.overall_score, status: report.overall_status },
      categories: {
        database: report.database_score,
        performance: report.performance_score,
        rule_compliance: report.rule_compliance_score,
        tests: report.test_coverage_score,
        storage: report.storage_score,
      },
      auto_fixable: report.auto_fixable_count,
      fixed: report.fixed_count,
      open_issues_by_severity: bySeverity,
      open_issues: issues.slice(0, 50),
    };
  } else {
    answer.note = 'No self-review has been run on this brain yet. Run "CORTEX: Run Self-Review" (or `cortex review`).';
  }
  if (await tableExists(db, 'maintenance_runs')) {
    const run = await db.get<NonNullable<HealthAnswer['last_maintenance']>>(
      'SELECT tier, status, started_at, completed_at, space_reclaimed_mb, speedup FROM maintenance_runs ORDER BY started_at DESC, id DESC LIMIT 1',
    );
    answer.last_maintenance = run ?? null;
  }
  return answer;
}
