import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DetectContext, TnsAddress, WarningKind } from './detectors/context';
import { lockedVersion, LOCKFILES } from './detectors/lockfiles';
import { inspectSqlite } from './detectors/sqliteFiles';
import type { Ecosystem } from './rules/frameworks';
import { basenameRel, dirnameRel, isBinary, isInside, joinRel, stripBom } from './text';
import type { SkipCounts } from './types';

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;
/** Lockfiles of big monorepos run to megabytes; they are searched, not parsed, so they get a larger cap. */
const LOCKFILE_CAP_FACTOR = 8;
const MAX_WARNINGS = 100;

/** Counts and the first warnings of one crawl or re-verification. */
export class Problems {
  readonly skipped: SkipCounts = { binary: 0, oversize: 0, ignored: 0, links: 0, unreadable: 0, malformed: 0 };
  readonly warnings: string[] = [];
  private readonly seen = new Set<string>();

  warn(kind: WarningKind, rel: string, what: string): void {
    const key = `${kind}:${rel}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.skipped[kind]++;
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(`${rel}: ${what}`);
  }
}

/**
 * Reads workspace files for the detectors: never outside the workspace (links
 * are resolved first), never beyond the size cap, never binary.
 */
export class WorkspaceFiles {
  /** Files several detectors ask for (a `.env` beside compose files, a monorepo's root lockfile), read once. */
  private readonly shared = new Map<string, Promise<string | undefined>>();

  constructor(
    readonly root: string,
    readonly maxFileBytes: number,
    readonly problems: Problems,
  ) {}

  abs(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  /** Like read(), kept for the rest of the crawl. */
  readShared(rel: string, cap = this.maxFileBytes): Promise<string | undefined> {
    let p = this.shared.get(rel);
    if (!p) {
      p = this.read(rel, cap);
      this.shared.set(rel, p);
    }
    return p;
  }

  /** The file's text, or undefined (absent, outside, unreadable, oversize or binary; the last three are counted). */
  async read(rel: string, cap = this.maxFileBytes): Promise<string | undefined> {
    let real: string;
    let size: number;
    try {
      real = await fs.promises.realpath(this.abs(rel));
      size = (await fs.promises.stat(real)).size;
    } catch {
      return undefined;
    }
    if (!isInside(this.root, real)) return undefined;
    if (size > cap) {
      this.problems.warn('oversize', rel, `larger than ${Math.round(cap / 1024)} KB, skipped`);
      return undefined;
    }
    let buf: Buffer;
    try {
      buf = await fs.promises.readFile(real);
    } catch {
      this.problems.warn('unreadable', rel, 'could not be read');
      return undefined;
    }
    if (isBinary(buf)) {
      this.problems.warn('binary', rel, 'binary content, skipped');
      return undefined;
    }
    return stripBom(buf.toString('utf8'));
  }
}

/**
 * Which lockfile names exist in a folder. The crawl answers from the files it
 * walked; a re-verification, which walks nothing, asks the file system.
 */
export type LockfileLookup = (dir: string) => Promise<string[]>;

export function lockfilesFromCandidates(rels: readonly string[]): LockfileLookup {
  const byDir = new Map<string, string[]>();
  for (const rel of rels) {
    const dir = dirnameRel(rel);
    byDir.set(dir, [...(byDir.get(dir) ?? []), basenameRel(rel)]);
  }
  return async (dir) => byDir.get(dir) ?? [];
}

export function lockfilesOnDisk(files: WorkspaceFiles): LockfileLookup {
  const all = [...new Set(Object.values(LOCKFILES).flat())];
  return async (dir) => {
    const present = await Promise.all(all.map((n) => fs.promises.access(files.abs(joinRel(dir, n))).then(() => n, () => undefined)));
    return present.filter((n): n is string => n !== undefined);
  };
}

/** The detectors' view of the workspace for one crawl or re-verification. */
export function detectContext(files: WorkspaceFiles, lockfiles: LockfileLookup, tns = new Map<string, TnsAddress>()): DetectContext {
  return {
    readText: (rel) => files.readShared(rel),
    tns,
    warn: (kind, rel, what) => files.problems.warn(kind, rel, what),
    async inspectSqlite(abs) {
      try {
        return await inspectSqlite(abs);
      } catch {
        files.problems.warn('unreadable', path.relative(files.root, abs).split(path.sep).join('/'), 'SQLite file could not be opened read-only; tables not counted');
        return undefined;
      }
    },
    async lockedVersion(ecosystem: Ecosystem, name: string, dir: string) {
      const names = LOCKFILES[ecosystem] ?? [];
      // The nearest folder with a lockfile of this ecosystem governs the manifest.
      for (let d: string | undefined = dir; d !== undefined; d = d === '' ? undefined : dirnameRel(d)) {
        const present = (await lockfiles(d)).filter((n) => names.includes(n));
        if (!present.length) continue;
        for (const lock of names.filter((n) => present.includes(n))) {
          const rel = joinRel(d, lock);
          const text = await files.readShared(rel, files.maxFileBytes * LOCKFILE_CAP_FACTOR);
          if (text === undefined) continue;
          let version: string | null;
          try {
            version = lockedVersion(lock, text, name, d === '' ? dir : dir.slice(d.length + 1));
          } catch {
            files.problems.warn('malformed', rel, 'malformed lockfile, skipped');
            continue;
          }
          if (version) return { version, lockfile: rel };
        }
        return undefined;
      }
      return undefined;
    },
  };
}
