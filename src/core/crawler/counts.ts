import { CountRule, Ecosystem, FRAMEWORK_RULES } from './rules/frameworks';
import { dirnameRel } from './text';
import type { FrameworkFinding } from './types';

/**
 * Component and route counts, only where one file is one component or one
 * route, so the number can be trusted:
 *   vue-files            *.vue single-file components
 *   svelte-files         *.svelte components
 *   angular-components   *.component.ts (Angular's one-component-per-file convention)
 *   next-routes          pages/** files (except _app, _document …) and app/** page.* / route.* files
 *   nuxt-pages           pages/**\/*.vue
 *   sveltekit-routes     src/routes/** +page.svelte and +server.js|ts
 *   django-urls          path()/re_path()/url() entries of the project's urls.py files, include() prefixes excluded
 * Paths are relative to the manifest's folder; a file belongs to the nearest
 * folder above it with a manifest of the same ecosystem.
 */
const FILE_RULES: Record<Exclude<CountRule, 'django-urls'>, RegExp> = {
  'vue-files': /\.vue$/i,
  'svelte-files': /\.svelte$/i,
  'angular-components': /\.component\.ts$/i,
  'next-routes': /^(src\/)?(pages\/(.*\/)?[^_/][^/]*\.(jsx?|tsx?|mjs)|app\/(.*\/)?(page|route)\.(jsx?|tsx?|mjs))$/,
  'nuxt-pages': /^(app\/)?pages\/.*\.vue$/,
  'sveltekit-routes': /^src\/routes\/(.*\/)?\+(page\.svelte|server\.(js|ts))$/,
};

const COUNT_DESCRIPTIONS: Record<CountRule, string> = {
  'vue-files': '*.vue single-file components',
  'svelte-files': '*.svelte components',
  'angular-components': '*.component.ts files',
  'next-routes': 'pages/ and app/ route files',
  'nuxt-pages': 'pages/ *.vue files',
  'sveltekit-routes': 'src/routes +page/+server files',
  'django-urls': 'path()/re_path()/url() entries in urls.py',
};

function owner(file: string, manifestDirs: ReadonlySet<string>): string | undefined {
  for (let d = dirnameRel(file); ; d = dirnameRel(d)) {
    if (manifestDirs.has(d)) return d;
    if (d === '') return undefined;
  }
}

function groupByOwner(files: Iterable<string>, manifestDirs: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of files) {
    const o = owner(f, manifestDirs);
    if (o !== undefined) out.set(o, [...(out.get(o) ?? []), f]);
  }
  return out;
}

/**
 * Fills components_count / routes_count of the frameworks whose rule names a
 * counting rule. `countables` are the walked component/route files,
 * `urlPatterns` the pattern count of each urls.py read.
 */
export function applyCounts(
  frameworks: FrameworkFinding[],
  countables: readonly string[],
  urlPatterns: ReadonlyMap<string, number>,
  manifestDirs: ReadonlyMap<Ecosystem, ReadonlySet<string>>,
): void {
  // Component/route files belong to package.json folders; urls.py files to Python manifest folders.
  const cache = new Map<string, Map<string, string[]>>();
  const owned = (what: 'files' | 'urls', dir: string): string[] => {
    let g = cache.get(what);
    if (!g) {
      g = what === 'files' ? groupByOwner(countables, manifestDirs.get('npm') ?? new Set()) : groupByOwner(urlPatterns.keys(), manifestDirs.get('python') ?? new Set());
      cache.set(what, g);
    }
    return g.get(dir) ?? [];
  };
  const count = (rule: CountRule, dir: string): number => {
    if (rule === 'django-urls') return owned('urls', dir).reduce((n, f) => n + (urlPatterns.get(f) ?? 0), 0);
    const re = FILE_RULES[rule];
    return owned('files', dir).filter((f) => re.test(dir ? f.slice(dir.length + 1) : f)).length;
  };
  for (const f of frameworks) {
    const rule = FRAMEWORK_RULES.find((r) => r.tech === f.framework_type);
    const dir = dirnameRel(f.config_location);
    if (rule?.components) {
      f.components_count = count(rule.components, dir);
      f.extra.components_counted = COUNT_DESCRIPTIONS[rule.components];
    }
    if (rule?.routes) {
      f.routes_count = count(rule.routes, dir);
      f.extra.routes_counted = COUNT_DESCRIPTIONS[rule.routes];
    }
  }
}
