import { Database } from '../db/database';
import { Logger } from '../log';

/** health_issues.category vocabulary (seed). */
export type Category = 'database' | 'performance' | 'rule_compliance' | 'tests' | 'storage';
export const CATEGORIES: readonly Category[] = ['database', 'performance', 'rule_compliance', 'tests', 'storage'];

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** health_reports.overall_status vocabulary (design facts §3 bands). */
export type Band = 'excellent' | 'good' | 'fair' | 'poor' | 'critical';

/** The repairs the review can make; each names exactly what it touches. */
export type Fix =
  | { kind: 'create_index'; index: string; sql: string }
  | { kind: 'reindex_analyze'; index: string; table: string }
  | { kind: 'rebuild_fts'; table: string }
  | { kind: 'analyze' }
  | { kind: 'vacuum' }
  | { kind: 'clean_temp'; files: string[] }
  | { kind: 'archive_logs'; files: string[] };

export interface Issue {
  category: Category;
  severity: Severity;
  /** Unique within a report (the seed's UNIQUE(report_id, title)). */
  title: string;
  description: string;
  impact: string;
  recommendation: string;
  /** Subtracted from the category's score (design facts §3). */
  deduction: number;
  /** Present when an automatic repair exists (health_issues.auto_fixable = 1). */
  fix?: Fix;
  fixApplied: boolean;
  /** What the fix did ("failed: …" when it failed; "skipped: …" when it was not attempted). */
  fixDescription?: string;
}

export interface CategoryResult {
  /** 1 − deductions, floored at 0. Stored as 1.0 when not measured (the column is NOT NULL): read `measured`. */
  score: number;
  /** False when this brain and workspace offer nothing to measure; the category then has no weight in the overall score. */
  measured: boolean;
  /** Why the category was not measured. */
  reason?: string;
  issues: Issue[];
  /** The measurements themselves (times, ratios, counts, files read). */
  metrics: Record<string, unknown>;
}

/** What every check receives. */
export interface CheckContext {
  db: Database;
  dbPath: string;
  workspace: string;
  brainRoot: string;
  now: Date;
  /** Bad input met on the way (malformed or unreadable files), each counted once. */
  warnings: string[];
  log: Logger;
}

export function issue(category: Category, severity: Severity, deduction: number, fields: Omit<Issue, 'category' | 'severity' | 'deduction' | 'fixApplied'>): Issue {
  return { category, severity, deduction, fixApplied: false, ...fields };
}
