import { parse as parseToml } from 'smol-toml';
import type { Ecosystem } from '../rules/frameworks';
import { normalizePython } from './manifests';

/**
 * Resolved versions from lockfiles. Lockfiles can be tens of megabytes, so the
 * big text formats (package-lock.json, yarn.lock, pnpm-lock.yaml) are searched
 * for the one package asked about rather than parsed whole.
 */

/** Lockfile names per ecosystem, in the order they are preferred in one folder. */
export const LOCKFILES: Partial<Record<Ecosystem, string[]>> = {
  npm: ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock'],
  python: ['poetry.lock', 'uv.lock', 'Pipfile.lock'],
  php: ['composer.lock'],
  ruby: ['Gemfile.lock'],
  rust: ['Cargo.lock'],
};

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function tomlPackages(text: string, name: string, normalize: (n: string) => string): string | null {
  const doc = parseToml(text) as Obj;
  for (const p of Array.isArray(doc.package) ? doc.package : []) {
    if (isObj(p) && typeof p.name === 'string' && normalize(p.name) === name && typeof p.version === 'string') return p.version;
  }
  return null;
}

/**
 * The version `lockfile` (its base name and text) resolves for package `name`
 * as used by the manifest in `subdir` (the manifest's folder relative to the
 * lockfile's, '' when they are the same); null when it does not list it.
 */
export function lockedVersion(lockName: string, text: string, name: string, subdir: string): string | null {
  const n = escapeRe(name);
  switch (lockName) {
    case 'package-lock.json': {
      // v2/v3: "packages": { "<subdir>/node_modules/<name>": { "version": … } }, hoisted or not; v1: "dependencies": { "<name>": { "version": … } }
      const keys = [...(subdir ? [`${subdir}/node_modules/${name}`] : []), `node_modules/${name}`];
      for (const key of keys) {
        const m = new RegExp(`"${escapeRe(key)}":\\s*\\{[^{}]*?"version":\\s*"([^"]+)"`).exec(text);
        if (m) return m[1];
      }
      return new RegExp(`"${n}":\\s*\\{\\s*"version":\\s*"([^"]+)"`).exec(text)?.[1] ?? null;
    }
    case 'yarn.lock':
      // classic: `react@^18.2.0, react@^18.3.1:\n  version "18.3.1"`; berry: `"react@npm:^18.3.1":\n  version: 18.3.1`
      return new RegExp(`^(?:[^\\n]*[\\s,"])?${n}@[^\\n]*:\\r?\\n\\s+version:?\\s+"?([^"\\s]+)"?`, 'm').exec(text)?.[1] ?? null;
    case 'pnpm-lock.yaml':
      // v9 `react@18.3.1:`, v6 `/react@18.3.1:`, v5 `/react/18.3.1:`
      return new RegExp(`^\\s+['"]?/?${n}[@/](\\d[^:(\\s'"_]*)`, 'm').exec(text)?.[1] ?? null;
    case 'poetry.lock':
    case 'uv.lock':
      return tomlPackages(text, name, normalizePython);
    case 'Cargo.lock':
      return tomlPackages(text, name, (x) => x);
    case 'Pipfile.lock': {
      const doc = JSON.parse(text) as Obj;
      for (const section of ['default', 'develop']) {
        const s = doc[section];
        if (!isObj(s)) continue;
        for (const [k, v] of Object.entries(s)) {
          if (normalizePython(k) === name && isObj(v) && typeof v.version === 'string') return v.version.replace(/^==/, '');
        }
      }
      return null;
    }
    case 'composer.lock': {
      const doc = JSON.parse(text) as Obj;
      for (const section of ['packages', 'packages-dev']) {
        for (const p of Array.isArray(doc[section]) ? doc[section] : []) {
          if (isObj(p) && p.name === name && typeof p.version === 'string') return p.version.replace(/^v(?=\d)/, '');
        }
      }
      return null;
    }
    case 'Gemfile.lock':
      return new RegExp(`^ {4}${n} \\(([^)]+)\\)\\s*$`, 'm').exec(text)?.[1] ?? null;
    default:
      return null;
  }
}
