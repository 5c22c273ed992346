import * as assert from 'node:assert/strict';
import { band, categoryScore, overallScore, WEIGHTS } from '../../../src/core/review/scoring';
import { Category, CategoryResult, issue } from '../../../src/core/review/types';

const cat = (score: number, measured = true): CategoryResult => ({ score, measured, issues: [], metrics: {} });
const cats = (s: Record<Category, CategoryResult>) => s;

describe('self-review scoring', () => {
  it('uses the spec weights', () => {
    assert.deepEqual(WEIGHTS, { database: 0.25, performance: 0.2, rule_compliance: 0.25, tests: 0.2, storage: 0.1 });
  });

  it('subtracts deductions from 1.0 and floors the category at 0', () => {
    const high = issue('database', 'high', 0.15, { title: 'a', description: '', impact: '', recommendation: '' });
    const medium = issue('database', 'medium', 0.05, { title: 'b', description: '', impact: '', recommendation: '' });
    assert.equal(categoryScore([]), 1);
    assert.equal(categoryScore([high, medium]), 0.8);
    const critical = issue('tests', 'critical', 0.5, { title: 'c', description: '', impact: '', recommendation: '' });
    assert.equal(categoryScore([critical, critical, critical]), 0);
  });

  it('computes the overall as the weighted mean over all five categories when all are measured', () => {
    const overall = overallScore(cats({ database: cat(0.9), performance: cat(1), rule_compliance: cat(0.85), tests: cat(0.4), storage: cat(0.95) }));
    assert.equal(overall, 0.8125); // .225 + .2 + .2125 + .08 + .095
  });

  it('renormalises the weights over the measured categories, ignoring an unmeasured one (stored as 1.0)', () => {
    const overall = overallScore(cats({ database: cat(0.9), performance: cat(1, false), rule_compliance: cat(0.85), tests: cat(0.4), storage: cat(0.95) }));
    assert.equal(overall, 0.7656); // (.225 + .2125 + .08 + .095) / 0.8, rounded to 4 places
    // Only database and storage measured: (.25·0.6 + .1·1) / .35
    assert.equal(overallScore(cats({ database: cat(0.6), performance: cat(1, false), rule_compliance: cat(1, false), tests: cat(1, false), storage: cat(1) })), 0.7143);
  });

  it('maps scores to the status bands at their boundaries', () => {
    const cases: Array<[number, string]> = [[1, 'excellent'], [0.9, 'excellent'], [0.8999, 'good'], [0.7, 'good'], [0.6999, 'fair'], [0.5, 'fair'], [0.4999, 'poor'], [0.3, 'poor'], [0.2999, 'critical'], [0, 'critical']];
    for (const [score, want] of cases) assert.equal(band(score), want, String(score));
  });
});
