import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { Ignore } from 'ignore';
import { CortexError } from '../db/errors';
import { classify, FileKind, isCountable, mayRoute } from './fileKinds';
import { isInside, joinRel } from './text';

/** Skipped everywhere unless the caller passes its own list. */
export const DEFAULT_EXCLUDES: readonly string[] = ['node_modules', '.git', 'dist', 'build', 'vendor', 'cortex-brain'];

export interface Candidate {
  /** Workspace-relative POSIX path. */
  rel: string;
  abs: string;
  kind: FileKind;
}

export interface WalkOptions {
  /** The workspace's real path (symlinks resolved). */
  root: string;
  excludes: readonly string[];
  /** Real paths never entered or read (the brain's own folder and file). */
  skip: ReadonlySet<string>;
  deadline: number;
  signal?: AbortSignal;
  onProgress?: (dirsScanned: number, filesScanned: number, candidates: number) => void;
}

export interface WalkResult {
  candidates: Candidate[];
  /** Workspace-relative paths of component/route files, for counting (never read). */
  countables: string[];
  dirsScanned: number;
  filesScanned: number;
  ignored: number;
  links: number;
  unreadableDirs: string[];
  truncated: boolean;
}

interface GitIgnoreLayer {
  base: string;
  ig: Ignore;
}

interface Dir {
  abs: string;
  rel: string;
  /** Real path, to refuse a second visit through a link (loops, duplicates). */
  real: string;
  layers: GitIgnoreLayer[];
}

/**
 * The walk uses synchronous readdir (measured 2–3× faster than bounded
 * parallel async readdir on a warm 100k-file tree, with a smaller heap) and
 * yields to the event loop every slice, so a host stays responsive and can
 * cancel.
 */
const SLICE_MS = 8;
const PROGRESS_EVERY_MS = 100;

/** Plain names (`node_modules`) match at any depth by a set lookup; patterns go through `ignore`. */
class Excludes {
  private readonly names = new Set<string>();
  private readonly patterns: Ignore | undefined;
  constructor(list: readonly string[]) {
    const rest: string[] = [];
    for (const raw of list) {
      const p = raw.trim().replace(/\/+$/, '');
      if (!p) continue;
      if (/^[^/*?[\]!\\]+$/.test(p)) this.names.add(p);
      else rest.push(raw.trim());
    }
    this.patterns = rest.length ? ignore().add(rest) : undefined;
  }
  excludes(name: string, rel: string, isDir: boolean): boolean {
    return this.names.has(name) || (this.patterns?.ignores(isDir ? `${rel}/` : rel) ?? false);
  }
}

/** git semantics: the deepest .gitignore that says anything about a path decides. */
function gitIgnored(layers: readonly GitIgnoreLayer[], rel: string, isDir: boolean): boolean {
  for (let i = layers.length - 1; i >= 0; i--) {
    const { base, ig } = layers[i];
    const sub = base ? rel.slice(base.length + 1) : rel;
    const r = ig.test(isDir ? `${sub}/` : sub);
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}

/**
 * Walks the workspace, entering no excluded or git-ignored folder and
 * following links only to places inside the workspace that were not visited
 * yet. Files are chosen by name (see fileKinds.ts); nothing is read here
 * except .gitignore files.
 */
export async function walk(opts: WalkOptions): Promise<WalkResult> {
  const excludes = new Excludes(opts.excludes);
  const result: WalkResult = { candidates: [], countables: [], dirsScanned: 0, filesScanned: 0, ignored: 0, links: 0, unreadableDirs: [], truncated: false };
  const visited = new Set<string>([opts.root]);
  const stack: Dir[] = [{ abs: opts.root, rel: '', real: opts.root, layers: [] }];
  // Linked folders are entered after everything reachable without links, so a folder
  // reachable both ways is reported under its real path and the link is the one skipped.
  const linked: Array<{ dir: Dir; name: string; real: string }> = [];

  const skipEntry = (name: string, rel: string, isDir: boolean, layers: GitIgnoreLayer[]): boolean => {
    if (excludes.excludes(name, rel, isDir) || gitIgnored(layers, rel, isDir)) {
      result.ignored++;
      return true;
    }
    return false;
  };

  // Paths are built only for the few entries that need them: directories, candidates and countables.
  const addFile = (dir: Dir, name: string, real: () => string, dirName: string, routes: boolean) => {
    result.filesScanned++;
    const kind = classify(name, dirName);
    if (kind) {
      const rel = joinRel(dir.rel, name);
      if (!opts.skip.has(real()) && !skipEntry(name, rel, false, dir.layers)) result.candidates.push({ rel, abs: dir.abs + path.sep + name, kind });
    } else if (isCountable(name.toLowerCase(), routes)) {
      result.countables.push(joinRel(dir.rel, name));
    }
  };

  const enter = (dir: Dir, name: string, real: string) => {
    const rel = joinRel(dir.rel, name);
    if (opts.skip.has(real) || skipEntry(name, rel, true, dir.layers)) return;
    if (visited.has(real)) {
      result.links++;
      return;
    }
    visited.add(real);
    stack.push({ abs: dir.abs + path.sep + name, rel, real, layers: dir.layers });
  };

  const processDir = (dir: Dir): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir.abs, { withFileTypes: true });
    } catch {
      result.unreadableDirs.push(dir.rel || '.');
      return;
    }
    result.dirsScanned++;
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        dir.layers = [...dir.layers, { base: dir.rel, ig: ignore().add(fs.readFileSync(path.join(dir.abs, '.gitignore'), 'utf8')) }];
      } catch {
        // An unreadable .gitignore ignores nothing, as with git.
      }
    }
    const dirName = path.basename(dir.abs);
    const routes = mayRoute(dir.rel);
    for (const e of entries) {
      if (e.isDirectory()) {
        enter(dir, e.name, dir.real + path.sep + e.name);
      } else if (e.isFile()) {
        addFile(dir, e.name, () => dir.real + path.sep + e.name, dirName, routes);
      } else if (e.isSymbolicLink()) {
        let real: string;
        let stat: fs.Stats;
        try {
          real = fs.realpathSync(dir.abs + path.sep + e.name);
          stat = fs.statSync(real);
        } catch {
          result.links++; // dangling
          continue;
        }
        if (!isInside(opts.root, real)) result.links++;
        else if (stat.isDirectory()) linked.push({ dir, name: e.name, real });
        else if (stat.isFile()) addFile(dir, e.name, () => real, dirName, routes);
      }
    }
  };

  let sliceStart = Date.now();
  let lastProgress = sliceStart;
  while (stack.length || linked.length) {
    if (!stack.length) {
      const l = linked.shift()!;
      enter(l.dir, l.name, l.real);
      continue;
    }
    if (opts.signal?.aborted) throw new CortexError('CANCELLED', 'The crawl was cancelled.');
    const now = Date.now();
    if (now >= opts.deadline) {
      result.truncated = true;
      break;
    }
    if (now - sliceStart >= SLICE_MS) {
      if (opts.onProgress && now - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = now;
        opts.onProgress(result.dirsScanned, result.filesScanned, result.candidates.length);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = Date.now();
    }
    processDir(stack.pop()!);
  }
  return result;
}
