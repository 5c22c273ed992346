import { Database } from '../db/database';
import { tableExists } from '../schema/structure';

export interface HealthReportRow {
  id: number;
  created_at: string;
  overall_status: string;
  overall_score: number;
  database_score: number;
  performance_score: number;
  rule_compliance_score: number;
  test_coverage_score: number;
  storage_score: number;
  auto_fixable_count: number;
  fixed_count: number;
}

/** The newest self-review, or undefined when there is none (or no table yet). */
export async function latestHealthReport(db: Database): Promise<HealthReportRow | undefined> {
  if (!(await tableExists(db, 'health_reports'))) return undefined;
  return db.get<HealthReportRow>('SELECT * FROM health_reports ORDER BY created_at DESC, id DESC LIMIT 1');
}
