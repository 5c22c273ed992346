import { Band, Category, CategoryResult, CATEGORIES, Issue } from './types';

/** Design facts §3: overall = 0.25·database + 0.20·performance + 0.25·rule_compliance + 0.20·tests + 0.10·storage. */
export const WEIGHTS: Readonly<Record<Category, number>> = { database: 0.25, performance: 0.2, rule_compliance: 0.25, tests: 0.2, storage: 0.1 };

const round = (n: number) => Math.round(n * 10000) / 10000;

/** Each category starts at 1.0; its issues' deductions are subtracted; the result is floored at 0. */
export function categoryScore(issues: readonly Issue[]): number {
  return round(Math.max(0, 1 - issues.reduce((sum, i) => sum + i.deduction, 0)));
}

/**
 * The weighted mean over the measured categories only, their weights
 * renormalised to sum to 1: a category with nothing to measure neither
 * raises the overall score (as a perfect 1.0 would) nor lowers it.
 */
export function overallScore(categories: Readonly<Record<Category, CategoryResult>>): number {
  let weighted = 0;
  let weights = 0;
  for (const c of CATEGORIES) {
    if (!categories[c].measured) continue;
    weighted += WEIGHTS[c] * categories[c].score;
    weights += WEIGHTS[c];
  }
  // database and storage are always measured, so weights > 0.
  return round(weighted / weights);
}

/** ≥ 0.90 excellent · ≥ 0.70 good · ≥ 0.50 fair · ≥ 0.30 poor · otherwise critical. */
export function band(score: number): Band {
  if (score >= 0.9) return 'excellent';
  if (score >= 0.7) return 'good';
  if (score >= 0.5) return 'fair';
  if (score >= 0.3) return 'poor';
  return 'critical';
}
