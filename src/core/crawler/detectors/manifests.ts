import { XMLParser } from 'fast-xml-parser';
import { parse as parseToml } from 'smol-toml';
import type { FileKind } from '../fileKinds';
import type { Ecosystem } from '../rules/frameworks';
import { lineOf, parseJsonLenient } from '../text';

/** A declared dependency of a manifest. */
export interface Dependency {
  ecosystem: Ecosystem;
  name: string;
  /** As declared (`^18.3.1`, `>=4.2`, `${spring.version}` resolved when the manifest defines it); null when none. */
  spec: string | null;
  /** The version when the declaration pins one exactly, else null (a lockfile may still resolve it). */
  exact: string | null;
  line: number;
}

export const MANIFEST_ECOSYSTEM: Partial<Record<FileKind, Ecosystem>> = {
  npm: 'npm',
  requirements: 'python',
  pyproject: 'python',
  pipfile: 'python',
  maven: 'maven',
  gradle: 'maven',
  msbuild: 'nuget',
  gomod: 'golang',
  gemfile: 'ruby',
  composer: 'php',
  cargo: 'rust',
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const str = (v: unknown): string | null => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : null);

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** PEP 503 name normalisation: `Django`, `django_rest`, `Flask.Foo` → `django`, `django-rest`, `flask-foo`. */
export function normalizePython(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const EXACT: Record<Ecosystem, (spec: string) => string | null> = {
  npm: (s) => /^[=v]?(\d+\.\d+\.\d+(?:[-+][\w.-]+)?)$/.exec(s)?.[1] ?? null,
  python: (s) => /^===?\s*([\w.+!-]+)$/.exec(s)?.[1] ?? null,
  maven: (s) => (/^[\w.-]+$/.test(s) && /\d/.test(s) ? s : null),
  nuget: (s) => (/^\d[\w.-]*$/.test(s) ? s : null),
  golang: (s) => /^v?(\d[\w.+-]*)$/.exec(s)?.[1] ?? null,
  ruby: (s) => /^=?\s*(\d[\w.]*)$/.exec(s)?.[1] ?? null,
  php: (s) => /^v?(\d+\.\d+\.\d+)$/.exec(s)?.[1] ?? null,
  rust: (s) => /^=\s*(\d[\w.+-]*)$/.exec(s)?.[1] ?? null,
};

function dep(ecosystem: Ecosystem, name: string, spec: string | null, line: number): Dependency {
  return { ecosystem, name, spec, exact: spec ? EXACT[ecosystem](spec) : null, line };
}

// ------------------------------------------------------------------ per format

function npm(text: string): Dependency[] {
  const pkg = parseJsonLenient(text);
  if (!isObj(pkg)) return [];
  const out: Dependency[] = [];
  for (const section of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    const deps = pkg[section];
    if (!isObj(deps)) continue;
    for (const [name, spec] of Object.entries(deps)) out.push(dep('npm', name, str(spec), lineOf(text, `"${name}"`)));
  }
  return out;
}

/** One PEP 508 requirement (`Django[argon2]>=4.2,<5 ; python_version>"3.8"`). */
function pep508(line: string): { name: string; spec: string | null } | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;#@]*)/.exec(line);
  if (!m) return undefined;
  return { name: normalizePython(m[1]), spec: m[2].trim().replace(/^\((.*)\)$/, '$1') || null };
}

function requirements(text: string): Dependency[] {
  const out: Dependency[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#') || line.startsWith('-') || /^\w+:\/\//.test(line)) return;
    const r = pep508(line);
    if (r) out.push(dep('python', r.name, r.spec, i + 1));
  });
  return out;
}

function tomlTable(text: string, ecosystem: Ecosystem, table: unknown, skip: readonly string[] = []): Dependency[] {
  if (!isObj(table)) return [];
  const out: Dependency[] = [];
  for (const [rawName, value] of Object.entries(table)) {
    if (skip.includes(rawName.toLowerCase())) continue;
    const spec = str(value) ?? (isObj(value) ? str(value.version) : null);
    const name = ecosystem === 'python' ? normalizePython(rawName) : rawName;
    out.push(dep(ecosystem, name, spec === '*' ? null : spec, lineOf(text, new RegExp(`^\\s*["']?${escapeRe(rawName)}["']?\\s*=`, 'm'))));
  }
  return out;
}

function pyproject(text: string): Dependency[] {
  const doc = parseToml(text) as Obj;
  const out: Dependency[] = [];
  const project = isObj(doc.project) ? doc.project : {};
  const lists = [asArray(project.dependencies), ...Object.values(isObj(project['optional-dependencies']) ? project['optional-dependencies'] : {}).map(asArray)];
  if (isObj(doc['dependency-groups'])) lists.push(...Object.values(doc['dependency-groups']).map(asArray));
  for (const list of lists) {
    for (const item of list) {
      const r = typeof item === 'string' ? pep508(item) : undefined;
      if (r) out.push(dep('python', r.name, r.spec, lineOf(text, new RegExp(`["']${escapeRe(item as string).slice(0, 60)}`))));
    }
  }
  const poetry = isObj(doc.tool) && isObj(doc.tool.poetry) ? doc.tool.poetry : {};
  out.push(...tomlTable(text, 'python', poetry.dependencies, ['python']), ...tomlTable(text, 'python', poetry['dev-dependencies']));
  for (const group of Object.values(isObj(poetry.group) ? poetry.group : {})) if (isObj(group)) out.push(...tomlTable(text, 'python', group.dependencies));
  return out;
}

function pipfile(text: string): Dependency[] {
  const doc = parseToml(text) as Obj;
  return [...tomlTable(text, 'python', doc.packages), ...tomlTable(text, 'python', doc['dev-packages'])];
}

function cargo(text: string): Dependency[] {
  const doc = parseToml(text) as Obj;
  const ws = isObj(doc.workspace) ? doc.workspace : {};
  return ['dependencies', 'dev-dependencies', 'build-dependencies'].flatMap((t) => tomlTable(text, 'rust', doc[t])).concat(tomlTable(text, 'rust', ws.dependencies));
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The five predefined entities and character references; nothing a DOCTYPE defines. */
function decodeXml(value: string): string {
  return value.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (whole, e: string) => {
    if (e[0] !== '#') return XML_ENTITIES[e.toLowerCase()];
    const code = e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  // The parser expands no entities (a file cannot make it do unbounded work); the predefined ones are decoded here.
  processEntities: false,
  attributeValueProcessor: (_name, value) => decodeXml(value),
  tagValueProcessor: (_name, value) => decodeXml(value),
});

/** Parses XML, throwing on malformed input. */
export function parseXml(text: string): Obj {
  return xml.parse(text, true) as Obj;
}

function maven(text: string): Dependency[] {
  const project = parseXml(text).project;
  if (!isObj(project)) return [];
  const props = new Map<string, string>();
  for (const [k, v] of Object.entries(isObj(project.properties) ? project.properties : {})) if (str(v) !== null) props.set(k, str(v)!);
  const parent = isObj(project.parent) ? project.parent : undefined;
  if (parent && str(parent.version)) props.set('project.parent.version', str(parent.version)!);
  if (str(project.version)) props.set('project.version', str(project.version)!);
  const resolve = (v: string | null) => (v === null ? null : v.replace(/\$\{([^}]+)\}/g, (whole, k: string) => props.get(k) ?? whole));
  const out: Dependency[] = [];
  const add = (d: unknown) => {
    if (!isObj(d) || !str(d.groupId) || !str(d.artifactId)) return;
    out.push(dep('maven', `${str(d.groupId)}:${str(d.artifactId)}`, resolve(str(d.version)), lineOf(text, `<artifactId>${str(d.artifactId)}</artifactId>`)));
  };
  add(parent);
  const dm = isObj(project.dependencyManagement) && isObj(project.dependencyManagement.dependencies) ? project.dependencyManagement.dependencies : {};
  asArray(dm.dependency).forEach(add);
  asArray(isObj(project.dependencies) ? project.dependencies.dependency : undefined).forEach(add);
  const build = isObj(project.build) ? project.build : {};
  asArray(isObj(build.plugins) ? build.plugins.plugin : undefined).forEach((p) => add(isObj(p) && !p.groupId ? { ...p, groupId: 'org.apache.maven.plugins' } : p));
  return out;
}

function gradle(text: string): Dependency[] {
  const out: Dependency[] = [];
  const plugin = /\bid\s*\(?\s*["']([\w.-]+)["']\s*\)?(?:\s*version\s*\(?\s*["']([^"']+)["'])?|apply\s+plugin\s*:\s*["']([\w.-]+)["']/g;
  for (let m = plugin.exec(text); m; m = plugin.exec(text)) out.push(dep('maven', m[1] ?? m[3], m[2] ?? null, lineOf(text, m[0])));
  const coordinate = /["']([\w.-]+):([\w.-]+)(?::([^"'@:\s]+))?(?:@\w+)?["']/g;
  for (let m = coordinate.exec(text); m; m = coordinate.exec(text)) out.push(dep('maven', `${m[1]}:${m[2]}`, m[3] ?? null, lineOf(text, m[0])));
  return out;
}

function msbuild(text: string): Dependency[] {
  const project = parseXml(text).Project;
  if (!isObj(project)) return [];
  const out: Dependency[] = [];
  let tfm: string | null = null;
  for (const g of asArray(project.PropertyGroup)) {
    if (!isObj(g)) continue;
    tfm ??= str(g.TargetFramework) ?? str(g.TargetFrameworks)?.split(';')[0] ?? null;
  }
  // net8.0 → 8.0, netcoreapp3.1 → 3.1: the shared ASP.NET Core framework has the runtime's version.
  const runtime = tfm ? (/^net(?:coreapp)?(\d+\.\d+)/.exec(tfm)?.[1] ?? null) : null;
  const sdk = str(project['@_Sdk']);
  if (sdk) out.push(dep('nuget', sdk.split('/')[0], runtime, lineOf(text, 'Sdk=')));
  for (const g of asArray(project.ItemGroup)) {
    if (!isObj(g)) continue;
    for (const r of asArray(g.FrameworkReference)) {
      if (isObj(r) && str(r['@_Include'])) out.push(dep('nuget', str(r['@_Include'])!, runtime, lineOf(text, `"${str(r['@_Include'])}"`)));
    }
    for (const r of asArray(g.PackageReference)) {
      if (!isObj(r) || !str(r['@_Include'])) continue;
      const name = str(r['@_Include'])!;
      out.push(dep('nuget', name, str(r['@_Version']) ?? str(r.Version), lineOf(text, `"${name}"`)));
    }
  }
  return out;
}

function gomod(text: string): Dependency[] {
  const out: Dependency[] = [];
  const lines = text.split(/\r?\n/);
  let inBlock = false;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (/^require\s*\($/.test(line)) inBlock = true;
    else if (inBlock && line === ')') inBlock = false;
    else {
      const m = (inBlock ? /^(\S+)\s+(v\S+)(.*)$/ : /^require\s+(\S+)\s+(v\S+)(.*)$/).exec(line);
      if (m && !/\/\/\s*indirect/.test(m[3])) out.push(dep('golang', m[1], m[2], i + 1));
    }
  });
  return out;
}

function gemfile(text: string): Dependency[] {
  const out: Dependency[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const m = /^\s*gem\s+["']([^"']+)["'](?:\s*,\s*["']([^"']+)["'](?:\s*,\s*["']([^"']+)["'])?)?/.exec(line);
    if (m) out.push(dep('ruby', m[1], [m[2], m[3]].filter(Boolean).join(', ') || null, i + 1));
  });
  return out;
}

function composer(text: string): Dependency[] {
  const doc = parseJsonLenient(text);
  if (!isObj(doc)) return [];
  const out: Dependency[] = [];
  for (const section of ['require', 'require-dev']) {
    const deps = doc[section];
    if (!isObj(deps)) continue;
    for (const [name, spec] of Object.entries(deps)) if (name.includes('/')) out.push(dep('php', name, str(spec), lineOf(text, `"${name}"`)));
  }
  return out;
}

const READERS: Partial<Record<FileKind, (text: string) => Dependency[]>> = {
  npm,
  requirements,
  pyproject,
  pipfile,
  maven,
  gradle,
  msbuild,
  gomod,
  gemfile,
  composer,
  cargo,
};

/** The dependencies a manifest declares; throws on a malformed file. */
export function readDependencies(kind: FileKind, text: string): Dependency[] {
  return READERS[kind]?.(text) ?? [];
}
