import * as path from 'node:path';

/** Small text and path helpers shared by the walker and the detectors. */

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** 1-based line of the first match of `needle` at or after `from` (1 when absent). */
export function lineOf(text: string, needle: string | RegExp, from = 0): number {
  if (typeof needle === 'string') {
    const i = text.indexOf(needle, from);
    return i < 0 ? 1 : lineAt(text, i);
  }
  const re = new RegExp(needle.source, needle.flags.includes('g') ? needle.flags : needle.flags + 'g');
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? lineAt(text, m.index) : 1;
}

/** A NUL byte in the first 8 KB: the heuristic git uses for "binary". */
export function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).includes(0);
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * JSON with comments and trailing commas (appsettings.json, tsconfig-style
 * files) made into plain JSON. Strings are copied verbatim, so `//` inside a
 * URL survives.
 */
function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const skipped = text.slice(i, end < 0 ? text.length : end + 2);
      out += skipped.replace(/[^\n]/g, ' ');
      i = end < 0 ? text.length : end + 1;
    } else {
      out += c;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/** Parses JSON, tolerating comments and trailing commas; throws on anything else. */
export function parseJsonLenient(text: string): unknown {
  const t = stripBom(text);
  try {
    return JSON.parse(t);
  } catch {
    return JSON.parse(stripJsonComments(t));
  }
}

export interface EnvEntry {
  key: string;
  value: string;
  line: number;
}

/** dotenv syntax: `[export] KEY=value`, quoted values, `#` comments. Multi-line values are read as their first line. */
export function parseDotenv(text: string): EnvEntry[] {
  const out: EnvEntry[] = [];
  const lines = stripBom(text).split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*=\s*(.*)$/.exec(lines[i]);
    if (!m) continue;
    let value = m[2].trim();
    const q = value[0];
    if ((q === '"' || q === "'" || q === '`') && value.indexOf(q, 1) > 0) value = value.slice(1, value.indexOf(q, 1));
    else value = value.replace(/\s+#.*$/, '');
    out.push({ key: m[1], value, line: i + 1 });
  }
  return out;
}

/** Compose/shell interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `$VAR`. Unknown variables stay as written. */
export function interpolate(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$\{([A-Za-z_]\w*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_]\w*)/g, (whole, name: string, op: string | undefined, def: string | undefined, bare: string) => {
    const key = name ?? bare;
    const v = vars.get(key);
    if (v !== undefined && !(op === ':-' && v === '')) return v;
    if (op === ':-' || op === '-') return def ?? '';
    return whole;
  });
}

/** Flattens nested objects (YAML/JSON configs) into `a.b.c` → value pairs of scalar leaves. */
export function flatten(value: unknown, prefix = '', out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([prefix, value]);
  }
  return out;
}

/** Workspace-relative POSIX path of a directory's file. */
export function joinRel(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

export function dirnameRel(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

export function basenameRel(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

/** Resolves `./a/../b` style relative paths against a workspace-relative directory; undefined when it leaves the workspace. */
export function resolveRel(dir: string, relative: string): string | undefined {
  const parts = dir ? dir.split('/') : [];
  for (const seg of relative.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!parts.length) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

/** True when a real (link-free) path is the root or below it. */
export function isInside(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}
