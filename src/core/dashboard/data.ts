import { Database } from '../db/database';
import { tableExists } from '../schema/structure';

/**
 * Everything the Health dashboard shows, read in one pass (design facts §11).
 * Plain JSON: the host posts it to the webview, the CLI could print it.
 */
export type CategoryKey = 'database' | 'performance' | 'rule_compliance' | 'tests' | 'storage';
export const CATEGORY_KEYS: readonly CategoryKey[] = ['database', 'performance', 'rule_compliance', 'tests', 'storage'];
const CATEGORY_LABEL: Record<CategoryKey, string> = { database: 'Database', performance: 'Performance', rule_compliance: 'Rule compliance', tests: 'Tests', storage: 'Storage' };

export interface DashboardIssue {
  severity: string;
  category: string;
  title: string;
  description: string | null;
  impact: string | null;
  recommendation: string | null;
  auto_fixable: boolean;
  fix_applied: boolean;
  fix_description: string | null;
}

export interface DashboardData {
  generated_at: string;
  latest: null | {
    id: number;
    created_at: string;
    overall: { score: number; status: string };
    /** `measured: false` when the review had nothing to measure (its stored 1.0 is not a score). */
    categories: Array<{ key: CategoryKey; label: string; score: number; measured: boolean }>;
    auto_fixable: number;
    fixed: number;
    issues: DashboardIssue[];
  };
  /** Oldest first, at most `historyLimit` reviews. */
  trend: Array<{ at: string; overall: number; database: number; performance: number; rule_compliance: number; tests: number; storage: number; unmeasured: CategoryKey[] }>;
  maintenance: Array<{ id: number; tier: string; started_at: string; status: string; operations: string[]; size_before_mb: number | null; size_after_mb: number | null; space_reclaimed_mb: number | null; speedup: number | null; fragmentation_before: number | null; fragmentation_after: number | null; error_message: string | null }>;
  retention: Array<{ id: number; created_at: string; tier: string; violations: number; age_violations: number; count_violations: number; actions: unknown[]; policy: unknown }>;
  archival: Array<{ id: number; started_at: string; source_tier: string; destination_tier: string; records_archived: number; space_freed_mb: number | null; status: string; error_message: string | null }>;
}

const SEVERITY_ORDER = `CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END`;

function parse(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

/** "Tests not measured" info issues mark the categories a review could not measure. */
function unmeasuredFrom(titles: string[]): CategoryKey[] {
  return CATEGORY_KEYS.filter((k) => titles.includes(`${CATEGORY_LABEL[k]} not measured`));
}

export async function dashboardData(db: Database, options: { historyLimit?: number; now?: Date } = {}): Promise<DashboardData> {
  const limit = options.historyLimit ?? 90;
  const data: DashboardData = { generated_at: (options.now ?? new Date()).toISOString(), latest: null, trend: [], maintenance: [], retention: [], archival: [] };

  if (await tableExists(db, 'health_reports')) {
    const reports = await db.all<{ id: number; created_at: string; overall_score: number; overall_status: string; database_score: number; performance_score: number; rule_compliance_score: number; test_coverage_score: number; storage_score: number; auto_fixable_count: number; fixed_count: number }>(
      'SELECT * FROM health_reports ORDER BY created_at DESC, id DESC LIMIT ?',
      [limit],
    );
    const ids = reports.map((r) => r.id);
    const unmeasuredRows = ids.length
      ? await db.all<{ report_id: number; title: string }>(
          `SELECT report_id, title FROM health_issues WHERE severity = 'info' AND title LIKE '% not measured' AND report_id IN (${ids.map(() => '?').join(',')})`,
          ids,
        )
      : [];
    const unmeasured = new Map<number, string[]>();
    for (const r of unmeasuredRows) unmeasured.set(r.report_id, [...(unmeasured.get(r.report_id) ?? []), r.title]);
    data.trend = reports
      .map((r) => ({
        at: r.created_at,
        overall: r.overall_score,
        database: r.database_score,
        performance: r.performance_score,
        rule_compliance: r.rule_compliance_score,
        tests: r.test_coverage_score,
        storage: r.storage_score,
        unmeasured: unmeasuredFrom(unmeasured.get(r.id) ?? []),
      }))
      .reverse();
    const last = reports[0];
    if (last) {
      const issues = await db.all<Omit<DashboardIssue, 'auto_fixable' | 'fix_applied'> & { auto_fixable: number; fix_applied: number }>(
        `SELECT severity, category, title, description, impact, recommendation, auto_fixable, fix_applied, fix_description
         FROM health_issues WHERE report_id = ? ORDER BY ${SEVERITY_ORDER}, id`,
        [last.id],
      );
      const notMeasured = unmeasuredFrom(issues.map((i) => i.title));
      const score: Record<CategoryKey, number> = {
        database: last.database_score,
        performance: last.performance_score,
        rule_compliance: last.rule_compliance_score,
        tests: last.test_coverage_score,
        storage: last.storage_score,
      };
      data.latest = {
        id: last.id,
        created_at: last.created_at,
        overall: { score: last.overall_score, status: last.overall_status },
        categories: CATEGORY_KEYS.map((key) => ({ key, label: CATEGORY_LABEL[key], score: score[key], measured: !notMeasured.includes(key) })),
        auto_fixable: last.auto_fixable_count,
        fixed: last.fixed_count,
        issues: issues.map((i) => ({ ...i, auto_fixable: i.auto_fixable === 1, fix_applied: i.fix_applied === 1 })),
      };
    }
  }

  if (await tableExists(db, 'maintenance_runs')) {
    const runs = await db.all<Omit<DashboardData['maintenance'][number], 'operations'> & { operations: string }>(
      `SELECT id, tier, started_at, status, operations, size_before_mb, size_after_mb, space_reclaimed_mb, speedup, fragmentation_before, fragmentation_after, error_message
       FROM maintenance_runs ORDER BY started_at DESC, id DESC LIMIT 30`,
    );
    data.maintenance = runs.map((r) => {
      const ops = parse(r.operations);
      return { ...r, operations: Array.isArray(ops) ? ops.map(String) : [] };
    });
  }

  if (await tableExists(db, 'retention_policy_snapshots')) {
    const snaps = await db.all<{ id: number; created_at: string; tier: string; violations_count: number; age_violations: number; count_violations: number; actions_taken: string | null; policy_json: string }>(
      'SELECT * FROM retention_policy_snapshots ORDER BY created_at DESC, id DESC LIMIT 30',
    );
    data.retention = snaps.map((s) => {
      const actions = parse(s.actions_taken);
      return {
        id: s.id,
        created_at: s.created_at,
        tier: s.tier,
        violations: s.violations_count,
        age_violations: s.age_violations,
        count_violations: s.count_violations,
        actions: Array.isArray(actions) ? actions : [],
        policy: parse(s.policy_json),
      };
    });
  }

  if (await tableExists(db, 'archival_operations')) {
    data.archival = await db.all<DashboardData['archival'][number]>(
      `SELECT id, started_at, source_tier, destination_tier, records_archived, space_freed_mb, status, error_message
       FROM archival_operations ORDER BY started_at DESC, id DESC LIMIT 30`,
    );
  }
  return data;
}

export interface LastRuns {
  review?: string;
  maintenance?: string;
  /** The last retention run (its snapshots carry actions; the migration's baseline snapshots do not count). */
  retention?: string;
}

/** When each scheduled job last ran (SQLite UTC timestamps), for the host's scheduler. */
export async function lastRuns(db: Database): Promise<LastRuns> {
  const one = async (table: string, sql: string) => ((await tableExists(db, table)) ? (await db.get<{ t: string | null }>(sql))?.t ?? undefined : undefined);
  return {
    review: await one('health_reports', 'SELECT MAX(created_at) AS t FROM health_reports'),
    maintenance: await one('maintenance_runs', 'SELECT MAX(started_at) AS t FROM maintenance_runs'),
    retention: await one('retention_policy_snapshots', `SELECT MAX(created_at) AS t FROM retention_policy_snapshots WHERE actions_taken IS NOT NULL AND actions_taken != '[]'`),
  };
}
