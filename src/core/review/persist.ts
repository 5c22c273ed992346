import { Database } from '../db/database';
import { Band, Category, CategoryResult, Issue } from './types';

export interface ReportRow {
  createdAt: string;
  status: Band;
  overall: number;
  categories: Readonly<Record<Category, CategoryResult>>;
  autoFixableCount: number;
  fixedCount: number;
}

/** Titles must be unique per report (UNIQUE(report_id, title)); a repeat gets " (2)", " (3)", … */
function uniqueTitles(issues: readonly Issue[]): string[] {
  const seen = new Map<string, number>();
  return issues.map((i) => {
    const n = (seen.get(i.title) ?? 0) + 1;
    seen.set(i.title, n);
    return n === 1 ? i.title : `${i.title} (${n})`;
  });
}

/** Writes the report and its issues in one transaction; returns the report's id. */
export async function saveReport(db: Database, report: ReportRow, issues: readonly Issue[]): Promise<number> {
  const c = report.categories;
  const titles = uniqueTitles(issues);
  return db.transaction(async () => {
    const { lastID } = await db.run(
      `INSERT INTO health_reports (created_at, overall_status, overall_score, database_score, performance_score, rule_compliance_score, test_coverage_score, storage_score, auto_fixable_count, fixed_count)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [report.createdAt, report.status, report.overall, c.database.score, c.performance.score, c.rule_compliance.score, c.tests.score, c.storage.score, report.autoFixableCount, report.fixedCount],
    );
    for (const [k, i] of issues.entries()) {
      await db.run(
        `INSERT INTO health_issues (report_id, category, severity, title, description, auto_fixable, fix_applied, fix_description, impact, recommendation, detected_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [lastID, i.category, i.severity, titles[k], i.description, i.fix ? 1 : 0, i.fixApplied ? 1 : 0, i.fixDescription ?? null, i.impact, i.recommendation, report.createdAt],
      );
    }
    return lastID;
  });
}
