import * as path from 'node:path';
import { categoryScore } from '../scoring';
import { CategoryResult, CheckContext, issue, Issue } from '../types';
import { findReports, readCoverage, readJUnit } from './testReports';

/** Design facts §3: any failing test is critical (−0.50); line coverage under 80% is medium (−0.10). */
const COVERAGE_TARGET = 0.8;

/**
 * Tests category: the workspace's own latest test results (JUnit XML) and
 * coverage (coverage-summary.json, lcov). Not measured when neither exists.
 */
export async function checkTests(ctx: CheckContext): Promise<CategoryResult> {
  const found = findReports(ctx.workspace, ctx.warnings);
  const run = readJUnit(found.junit, ctx.warnings);
  const coverage = readCoverage(found.coverageSummaries, found.lcov, ctx.warnings);
  const rel = (files: string[]) => files.map((f) => path.relative(ctx.workspace, f));
  const metrics: Record<string, unknown> = {
    testResultFiles: run ? rel(run.files) : [],
    tests: run?.tests ?? null,
    failed: run?.failed ?? null,
    skipped: run?.skipped ?? null,
    coverageFiles: coverage ? rel(coverage.files) : [],
    lineCoverage: coverage ? Math.round(coverage.ratio * 10000) / 10000 : null,
  };
  if (!run && !coverage) {
    return { score: 1, measured: false, reason: 'no JUnit XML test results and no coverage report (coverage-summary.json, lcov.info) in the workspace', issues: [], metrics };
  }
  const issues: Issue[] = [];
  if (run && run.failed > 0) {
    issues.push(
      issue('tests', 'critical', 0.5, {
        title: 'Failing tests',
        description: `${run.failed} of ${run.tests} tests failed in the latest results (${rel(run.files).join(', ')}): ${run.failures.join('; ')}${run.failed > run.failures.length ? '; …' : ''}.`,
        impact: 'The workspace does not pass its own tests; changes built on it may be wrong.',
        recommendation: 'Fix the failing tests, then re-run them so their results are current.',
      }),
    );
  }
  if (coverage && coverage.ratio < COVERAGE_TARGET) {
    issues.push(
      issue('tests', 'medium', 0.1, {
        title: 'Low test coverage',
        description: `Line coverage is ${(coverage.ratio * 100).toFixed(1)}% (${coverage.covered} of ${coverage.total} lines; ${rel(coverage.files).join(', ')}); the target is ${COVERAGE_TARGET * 100}%.`,
        impact: 'Untested code can break without a failing test.',
        recommendation: 'Add tests for the least covered files.',
      }),
    );
  }
  return { score: categoryScore(issues), measured: true, issues, metrics };
}
