import * as fs from 'node:fs';
import * as path from 'node:path';
import { brainRootFor } from '../brain/locate';
import type { Database } from '../db/database';
import { CortexError } from '../db/errors';
import { elapsedMs } from '../log';
import { applyCounts } from './counts';
import { detectFiles, throwIfCancelled } from './detect';
import { MANIFEST_ECOSYSTEM } from './detectors/manifests';
import { DEFAULT_MAX_FILE_BYTES, detectContext, lockfilesFromCandidates, Problems, WorkspaceFiles } from './fileAccess';
import { resolveEnvRefs, toDiscoveries } from './merge';
import type { Ecosystem } from './rules/frameworks';
import { requireCrawlerTables, storeDiscoveries } from './store';
import { dirnameRel } from './text';
import type { CrawlOptions, CrawlReport, FrameworkFinding } from './types';
import { DEFAULT_EXCLUDES, walk } from './walker';

export const DEFAULT_TIME_BUDGET_MS = 120_000;

/** The workspace's real path; a missing workspace is bad input, not a crawl of nothing. */
export async function realWorkspace(workspace: string): Promise<string> {
  try {
    const real = await fs.promises.realpath(workspace);
    if ((await fs.promises.stat(real)).isDirectory()) return real;
  } catch {
    // reported below
  }
  throw new CortexError('BAD_INPUT', `The workspace ${workspace} is not a folder.`);
}

/** The brain itself and its backups are SQLite files too, but not the workspace's databases. */
async function brainPaths(dbPath: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const p of [dbPath, path.join(brainRootFor(dbPath), 'backups')]) {
    try {
      out.add(await fs.promises.realpath(p));
    } catch {
      // not there: nothing to skip
    }
  }
  return out;
}

/**
 * Crawls a workspace for the databases, APIs and frameworks it uses and
 * stores them in the brain's workspace_* tables (see store.ts for the upsert
 * and staleness rules). Reads only files chosen by name, within the size cap;
 * nothing is stored when cancelled; a crawl cut short by its time budget
 * stores what it found but marks nothing stale.
 */
export async function crawlWorkspace(db: Database, options: CrawlOptions): Promise<CrawlReport> {
  const started = process.hrtime.bigint();
  const now = options.now ?? Date.now() / 1000;
  await requireCrawlerTables(db);
  const root = await realWorkspace(options.workspace);
  const deadline = Date.now() + (options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS);
  const problems = new Problems();

  const walked = await walk({
    root,
    excludes: options.excludes ?? DEFAULT_EXCLUDES,
    skip: await brainPaths(db.path),
    deadline,
    signal: options.signal,
    onProgress: (dirsScanned, filesScanned, candidates) => options.onProgress?.({ phase: 'walk', dirsScanned, filesScanned, candidates }),
  });
  problems.skipped.ignored = walked.ignored;
  problems.skipped.links = walked.links;
  for (const dir of walked.unreadableDirs) problems.warn('unreadable', dir, 'folder could not be listed');

  const progress = (phase: 'detect' | 'store') => options.onProgress?.({ phase, dirsScanned: walked.dirsScanned, filesScanned: walked.filesScanned, candidates: walked.candidates.length });
  progress('detect');
  const files = new WorkspaceFiles(root, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, problems);
  const ctx = detectContext(files, lockfilesFromCandidates(walked.candidates.filter((c) => c.kind === 'lockfile').map((c) => c.rel)));
  const detected = await detectFiles(walked.candidates, files, ctx, { deadline, signal: options.signal });

  const manifestDirs = new Map<Ecosystem, Set<string>>();
  for (const c of walked.candidates) {
    const eco = MANIFEST_ECOSYSTEM[c.kind];
    if (eco) manifestDirs.set(eco, (manifestDirs.get(eco) ?? new Set()).add(dirnameRel(c.rel)));
  }
  applyCounts(
    detected.findings.filter((f): f is FrameworkFinding => f.kind === 'frameworks'),
    walked.countables,
    detected.urlPatterns,
    manifestDirs,
  );
  const discoveries = toDiscoveries(resolveEnvRefs(detected.findings));

  throwIfCancelled(options.signal);
  progress('store');
  const truncated = walked.truncated || detected.truncated;
  const stored = await storeDiscoveries(db, discoveries, { now, markMissing: !truncated });
  const found = { databases: 0, apis: 0, frameworks: 0 };
  for (const d of discoveries) found[d.kind]++;
  return {
    workspace: root,
    found,
    ...stored,
    filesScanned: walked.filesScanned,
    dirsScanned: walked.dirsScanned,
    skipped: problems.skipped,
    warnings: problems.warnings,
    durationMs: elapsedMs(started),
    truncated,
  };
}
