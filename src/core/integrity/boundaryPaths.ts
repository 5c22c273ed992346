import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Path handling for the boundary guard: normalising what a caller asked for,
 * resolving it the way the file system will, and comparing names the way a
 * case-insensitive or Unicode-folding file system might (fail closed).
 */

/** Case-insensitive volumes are the default on Windows and macOS; containment there ignores case. */
const CASE_INSENSITIVE_FS = process.platform === 'win32' || process.platform === 'darwin';

/** Characters that look like (or are "best-fit" mapped by Windows to) a slash or backslash. */
const SLASH_LOOKALIKES = /[\\\u2215\u2044\u2571\u2572\u29f5\u29f8\u29f9\u2216\ufe68\uff0f\uff3c]/g;
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
/** Symbolic links followed before giving up, as Linux's MAXSYMLINKS. */
const MAX_LINK_HOPS = 40;

/**
 * The key a name is matched under for protected and secret files: NFKC
 * (fullwidth → ASCII), ignorable code points removed (HFS+ ignores them),
 * look-alike slashes made real, lower case. Deliberately broader than any
 * one file system so a trick that works on some volume is still caught.
 */
export function foldForMatch(text: string): string {
  return text.normalize('NFKC').replace(IGNORABLE, '').replace(SLASH_LOOKALIKES, '/').toLowerCase();
}

/** One path segment as a name key: folded, an NTFS stream suffix (`name:stream`) and Windows' ignored trailing dots/spaces dropped. */
export function nameKey(segment: string): string {
  return foldForMatch(segment).replace(/:.*$/, '').replace(/[. ]+$/, '');
}

/** A segment that acts as `..` somewhere: real `..`, `...`, `.. `, or a look-alike that folds to dots. */
export function actsAsParent(segment: string): boolean {
  return foldForMatch(segment).split('/').some((part) => /^[. ]*\.[. ]*\.[. ]*$/.test(part));
}

export type NormalizedPath =
  | { ok: true; text: string; segments: string[] }
  | { ok: false; problem: 'invalid' | 'nul' | 'foreign-drive'; reason: string };

/** Backslashes → `/` (a Windows-style path is checked on POSIX too), Unicode NFC; NUL and empty are refused. */
export function normalizeRequestPath(raw: unknown): NormalizedPath {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, problem: 'invalid', reason: 'the path is empty or not text' };
  if (raw.includes('\0')) return { ok: false, problem: 'nul', reason: 'the path contains a NUL byte' };
  const text = raw.normalize('NFC').replace(/\\/g, '/');
  if (process.platform !== 'win32' && /^[A-Za-z]:/.test(text)) {
    return { ok: false, problem: 'foreign-drive', reason: `${raw} is a Windows drive path, outside every root on this machine` };
  }
  return { ok: true, text, segments: text.split('/') };
}

/** Whether `child` is `parent` or below it (case-insensitively on case-insensitive volumes). */
export function isInside(child: string, parent: string): boolean {
  const [c, p] = CASE_INSENSITIVE_FS ? [child.toLowerCase(), parent.toLowerCase()] : [child, parent];
  const rel = path.relative(p, c);
  return rel === '' || (!path.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${path.sep}`));
}

/** The folded segments of `target` below `root`, or undefined when it is not below it (compared by name key: fail closed). */
export function keysBelow(target: string, root: string): string[] | undefined {
  const keys = (p: string) => p.split(/[\\/]+/).filter(Boolean).map(nameKey);
  const t = keys(target);
  const r = keys(root);
  if (t.length < r.length || r.some((k, i) => k !== t[i])) return undefined;
  return t.slice(r.length);
}

export class LinkLoopError extends Error {}
export class UnresolvableError extends Error {}

/**
 * Resolves an absolute path the way the OS will open it: component by
 * component from the file-system root, following every symbolic link (also
 * a dangling one, whose target does not exist yet) and applying `..` after
 * a link to the link's target, not lexically. Components that do not exist
 * are kept as written. The result is what callers must open.
 */
export function physicalPath(absolute: string, hops = { count: 0 }): string {
  const { root } = path.parse(absolute);
  let current = root;
  for (const segment of absolute.slice(root.length).split(/[\\/]+/)) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, segment);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.lstatSync(next);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new UnresolvableError(`${next} cannot be examined (${code ?? String(err)})`);
    }
    if (stat?.isSymbolicLink()) {
      if (++hops.count > MAX_LINK_HOPS) throw new LinkLoopError(`more than ${MAX_LINK_HOPS} symbolic links (a loop?) at ${next}`);
      const target = fs.readlinkSync(next);
      // Not path.resolve: a `..` inside the target must meet links physically too.
      current = physicalPath(path.isAbsolute(target) ? target : `${current}${path.sep}${target}`, hops);
    } else {
      current = next;
    }
  }
  return current;
}
