import * as fs from 'node:fs';
import * as path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Folders that hold dependencies, caches or the brain, never the workspace's own test results. */
const SKIP_DIRS = new Set(['node_modules', '.git', 'cortex-brain', '.venv', 'venv', '__pycache__', '.tox', '.mypy_cache', '.pytest_cache', '.vscode-test', 'bower_components', '.next', '.cache', '.gradle', '.idea']);
const MAX_DEPTH = 6;
/** Directory entries looked at before the search stops (a warning says so). */
const MAX_ENTRIES = 50_000;

const JUNIT_NAME = /^(TEST-.+|.*junit.*|test-?results?.*|.*tests?[-_]?report.*|xunit.*)\.xml$/i;
const JUNIT_DIRS = new Set(['test-results', 'surefire-reports', 'failsafe-reports', 'test-reports']);

export interface FoundReports {
  junit: string[];
  /** Istanbul json-summary files (coverage-summary.json). */
  coverageSummaries: string[];
  lcov: string[];
  truncated: boolean;
}

/** Test result and coverage files anywhere in the workspace (bounded walk, dependency folders skipped). */
export function findReports(workspace: string, warnings: string[]): FoundReports {
  const found: FoundReports = { junit: [], coverageSummaries: [], lcov: [], truncated: false };
  let seen = 0;
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (depth === 0) warnings.push(`Could not read the workspace ${dir}: ${(err as Error).message}`);
      return;
    }
    for (const e of entries) {
      if (++seen > MAX_ENTRIES) {
        found.truncated = true;
        return;
      }
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < MAX_DEPTH && !SKIP_DIRS.has(e.name)) walk(p, depth + 1);
      } else if (e.isFile()) {
        if (e.name === 'coverage-summary.json') found.coverageSummaries.push(p);
        else if (e.name === 'lcov.info' || e.name.endsWith('.lcov')) found.lcov.push(p);
        else if (e.name.toLowerCase().endsWith('.xml') && (JUNIT_NAME.test(e.name) || JUNIT_DIRS.has(path.basename(dir)))) found.junit.push(p);
      }
    }
  };
  walk(workspace, 0);
  if (found.truncated) warnings.push(`Stopped looking for test results after ${MAX_ENTRIES} files in ${workspace}.`);
  return found;
}

export interface TestRun {
  files: string[];
  tests: number;
  failed: number;
  skipped: number;
  /** "suite › test" of the first failures. */
  failures: string[];
}

type XmlNode = Record<string, unknown>;
const asArray = (v: unknown): XmlNode[] => (Array.isArray(v) ? (v as XmlNode[]) : v && typeof v === 'object' ? [v as XmlNode] : []);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
});

function readText(file: string, warnings: string[]): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    warnings.push(`Skipped unreadable file ${file}: ${(err as Error).message}`);
    return undefined;
  }
}

/**
 * Totals over JUnit XML files (JUnit, pytest, Jest/Mocha reporters, Surefire):
 * every <testcase>, failed when it has a <failure> or <error>. A suite without
 * test cases counts from its tests/failures/errors attributes. Malformed XML
 * is skipped with a warning; well-formed XML that is not JUnit is ignored.
 */
export function readJUnit(files: readonly string[], warnings: string[]): TestRun | undefined {
  const run: TestRun = { files: [], tests: 0, failed: 0, skipped: 0, failures: [] };
  for (const file of files) {
    const text = readText(file, warnings);
    if (text === undefined) continue;
    const valid = XMLValidator.validate(text);
    if (valid !== true) {
      warnings.push(`Skipped malformed JUnit XML ${file}: ${valid.err.msg} (line ${valid.err.line})`);
      continue;
    }
    const doc = parser.parse(text) as XmlNode;
    const roots = [...asArray((doc.testsuites as XmlNode | undefined)?.testsuite), ...asArray(doc.testsuite)];
    if (roots.length === 0) continue;
    run.files.push(file);
    const visit = (suite: XmlNode) => {
      const cases = asArray(suite.testcase);
      for (const c of cases) {
        run.tests++;
        if (asArray(c.failure).length || asArray(c.error).length) {
          run.failed++;
          if (run.failures.length < 5) run.failures.push(`${String(suite['@_name'] ?? c['@_classname'] ?? '')} › ${String(c['@_name'] ?? '?')}`);
        } else if (c.skipped !== undefined) run.skipped++;
      }
      const nested = asArray(suite.testsuite);
      if (cases.length === 0 && nested.length === 0) {
        const n = (k: string) => Number(suite[`@_${k}`] ?? 0) || 0;
        run.tests += n('tests');
        run.failed += n('failures') + n('errors');
        run.skipped += n('skipped');
      }
      nested.forEach(visit);
    };
    roots.forEach(visit);
  }
  return run.files.length ? run : undefined;
}

export interface Coverage {
  files: string[];
  covered: number;
  total: number;
  /** covered / total, 0..1. */
  ratio: number;
}

/**
 * Line coverage summed over every report found. In one folder istanbul often
 * writes both coverage-summary.json and lcov.info for the same run: the
 * summary is used and the lcov beside it is not counted twice.
 */
export function readCoverage(summaries: readonly string[], lcovs: readonly string[], warnings: string[]): Coverage | undefined {
  const cov = { files: [] as string[], covered: 0, total: 0 };
  const summaryDirs = new Set<string>();
  for (const file of summaries) {
    const text = readText(file, warnings);
    if (text === undefined) continue;
    try {
      const lines = (JSON.parse(text) as { total?: { lines?: { covered?: unknown; total?: unknown } } }).total?.lines;
      if (typeof lines?.covered !== 'number' || typeof lines.total !== 'number') throw new Error('no total.lines.covered/total');
      cov.covered += lines.covered;
      cov.total += lines.total;
      cov.files.push(file);
      summaryDirs.add(path.dirname(file));
    } catch (err) {
      warnings.push(`Skipped malformed coverage summary ${file}: ${(err as Error).message}`);
    }
  }
  for (const file of lcovs) {
    if (summaryDirs.has(path.dirname(file))) continue;
    const text = readText(file, warnings);
    if (text === undefined) continue;
    let found = 0;
    let hit = 0;
    let records = 0;
    for (const line of text.split(/\r?\n/)) {
      if (line.startsWith('LF:')) {
        found += Number(line.slice(3)) || 0;
        records++;
      } else if (line.startsWith('LH:')) hit += Number(line.slice(3)) || 0;
    }
    if (records === 0) {
      warnings.push(`Skipped malformed lcov file ${file}: no LF/LH records`);
      continue;
    }
    cov.covered += hit;
    cov.total += found;
    cov.files.push(file);
  }
  if (cov.files.length === 0) return undefined;
  return { ...cov, ratio: cov.total > 0 ? cov.covered / cov.total : 1 };
}
