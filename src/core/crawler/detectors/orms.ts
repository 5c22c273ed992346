import { parse as parseYaml } from 'yaml';
import { parseConnectionString } from '../connection/parse';
import { redactCredentials } from '../connection/redact';
import { DATABASE_RULES } from '../rules/databases';
import { basenameRel, dirnameRel, lineAt, lineOf, resolveRel } from '../text';
import type { DatabaseFinding } from '../types';
import type { DetectContext, DetectFile } from './context';
import { fromParsed, fromParts } from './dbCommon';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A relative SQLite path made workspace-relative (as given when absolute or leaving the workspace). */
function sqlitePath(baseDir: string, file: string): string {
  if (/^([a-z]:)?[\\/]/i.test(file)) return file;
  return resolveRel(baseDir, file) ?? file;
}

function rebaseSqlite(f: DatabaseFinding, baseDir: string): DatabaseFinding {
  if (f.database_type !== 'sqlite' || !f.database_name) return f;
  return { ...f, database_name: sqlitePath(baseDir, f.database_name) };
}

// ------------------------------------------------------------------ Prisma

/**
 * `datasource db { provider = "postgresql"  url = env("DATABASE_URL") }`. A
 * literal URL is parsed; `env("X")` is kept as an unresolved reference that
 * the crawl resolves against `.env` files in this folder or above.
 */
export function detectPrisma(file: DetectFile, text: string, ctx: DetectContext): DatabaseFinding[] {
  const out: DatabaseFinding[] = [];
  const block = /datasource\s+\w+\s*\{([^}]*)\}/g;
  for (let m = block.exec(text); m; m = block.exec(text)) {
    const provider = /\bprovider\s*=\s*"([^"]+)"/.exec(m[1])?.[1];
    const rule = DATABASE_RULES.find((r) => provider && r.prismaProviders.includes(provider));
    if (!rule) continue;
    const source = { file: file.rel, line: lineAt(text, m.index) };
    const url = /\burl\s*=\s*(?:env\(\s*"([^"]+)"\s*\)|"([^"]*)")/.exec(m[1]);
    if (url?.[1]) {
      out.push({
        kind: 'databases',
        database_type: rule.type,
        connection_string: `env("${url[1]}")`,
        host: null,
        port: null,
        database_name: null,
        synthesized: false,
        envRef: url[1],
        source,
        extra: { origin: 'prisma', env_key: url[1], provider },
      });
    } else if (url?.[2]) {
      const literal = rule.type === 'sqlite' ? url[2].replace(/^file:/, '') : url[2];
      if (rule.type === 'sqlite') out.push(fromParts({ type: 'sqlite', host: null, port: null, database: sqlitePath(dirnameRel(file.rel), literal) }, source, 'prisma', { provider }));
      else {
        const parsed = parseConnectionString(literal, rule.type);
        if (parsed) out.push(fromParsed(parsed, source, 'prisma', ctx, { provider }));
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------ Python: Django settings, SQLAlchemy URLs

const URL_SCHEMES = DATABASE_RULES.flatMap((r) => r.schemes).join('|');
const DB_URL = new RegExp(`(?<![\\w+.-])((?:jdbc:)?(?:${URL_SCHEMES})(?:\\+[\\w]+)?:\\/\\/[^\\s"'\`]*)`, 'gi');

/** Every database URL literal in a text (SQLAlchemy `create_engine(…)`, `SQLALCHEMY_DATABASE_URI`, alembic.ini, dj-database-url defaults). */
function urlLiterals(file: DetectFile, text: string, ctx: DetectContext, origin: string): DatabaseFinding[] {
  const out: DatabaseFinding[] = [];
  DB_URL.lastIndex = 0;
  for (let m = DB_URL.exec(text); m; m = DB_URL.exec(text)) {
    const parsed = parseConnectionString(m[1]);
    if (parsed) out.push(rebaseSqlite(fromParsed(parsed, { file: file.rel, line: lineAt(text, m.index) }, origin, ctx), dirnameRel(file.rel)));
  }
  return out;
}

interface PyValue {
  value: string | null;
  env?: string;
  fromBaseDir?: boolean;
}

/** The value a settings expression evaluates to when no environment variable is set (as far as it can be read). */
function pyValue(expr: string): PyValue {
  const e = expr.trim();
  let m = /^[rbuf]?(["'])(.*?)\1$/.exec(e);
  if (m) return { value: m[2] };
  if (/^\d+$/.test(e)) return { value: e };
  m = /(?:environ\.get|getenv|\benv(?:\.\w+)?|\bconfig)\(\s*["']([\w.-]+)["'](?:\s*,\s*(?:default\s*=\s*)?(?:[rbu]?(["'])(.*?)\2|(\d+)))?/.exec(e);
  if (m) return { value: m[3] ?? m[4] ?? null, env: m[1] };
  m = /environ\[\s*["']([\w.-]+)["']\s*\]/.exec(e);
  if (m) return { value: null, env: m[1] };
  m = /BASE_DIR\s*(?:\/|,)\s*["']([^"']+)["']/.exec(e);
  if (m) return { value: m[1], fromBaseDir: true };
  return { value: null };
}

/** The text of the `{…}` starting at `open`, braces in strings aside. */
function braced(text: string, open: number): string {
  let depth = 0;
  let quote = '';
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}

function djangoDatabases(file: DetectFile, text: string): DatabaseFinding[] {
  const start = /^DATABASES\s*=\s*\{/m.exec(text);
  if (!start) return [];
  const blockAt = start.index + start[0].length - 1;
  const block = braced(text, blockAt);
  const out: DatabaseFinding[] = [];
  const alias = /["']([\w-]+)["']\s*:\s*\{/g;
  for (let m = alias.exec(block); m; m = alias.exec(block)) {
    const inner = braced(block, m.index + m[0].length - 1);
    alias.lastIndex = m.index + m[0].length - 1 + inner.length;
    const fields = new Map<string, PyValue>();
    const field = /["'](ENGINE|NAME|HOST|PORT|USER|PASSWORD)["']\s*:\s*(.+?)\s*,?\s*(?:#.*)?$/gm;
    for (let f = field.exec(inner); f; f = field.exec(inner)) fields.set(f[1], pyValue(f[2]));
    const engine = fields.get('ENGINE')?.value?.split('.').pop();
    const rule = DATABASE_RULES.find((r) => engine && r.djangoEngines.includes(engine));
    if (!rule) continue;
    const name = fields.get('NAME');
    const settingsDir = dirnameRel(file.rel);
    // Django's default BASE_DIR is the folder above the settings module (two above a settings/ package).
    const baseDir = dirnameRel(basenameRel(settingsDir) === 'settings' ? dirnameRel(settingsDir) : settingsDir);
    const database = name?.value ? (rule.type === 'sqlite' ? sqlitePath(name.fromBaseDir ? baseDir : settingsDir, name.value) : name.value) : null;
    const pw = fields.get('PASSWORD');
    const env = [...fields.values()].map((v) => v.env).filter(Boolean);
    out.push(
      fromParts(
        {
          type: rule.type,
          host: fields.get('HOST')?.value || null,
          port: Number(fields.get('PORT')?.value) || null,
          database,
          user: fields.get('USER')?.value ?? null,
          password: pw?.env ? `\${${pw.env}}` : (pw?.value ?? null),
        },
        { file: file.rel, line: lineAt(text, blockAt + m.index) },
        'django',
        { alias: m[1], ...(env.length ? { env_keys: env } : {}) },
      ),
    );
  }
  return out;
}

export function detectPythonConfig(file: DetectFile, text: string, ctx: DetectContext): DatabaseFinding[] {
  const django = file.rel.endsWith('.py') ? djangoDatabases(file, text) : [];
  return [...django, ...urlLiterals(file, text, ctx, file.rel.endsWith('.ini') ? 'alembic' : 'python')];
}

// ------------------------------------------------------------------ Rails config/database.yml

/** The default an ERB tag falls back to (`ENV.fetch("X") { "d" }`, `ENV["X"] || "d"`, `ENV.fetch("X", "d")`), else ''. */
function erbDefault(tag: string): string {
  const m = /\{\s*["']?([^"'}]*)["']?\s*\}|\|\|\s*["']([^"']*)["']|fetch\(\s*["'][^"']+["']\s*,\s*["']?([^"')]*)["']?\s*\)/.exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3] ?? '') : '';
}

export function detectRailsDatabase(file: DetectFile, text: string, ctx: DetectContext): DatabaseFinding[] {
  const doc: unknown = parseYaml(text.replace(/<%=?[\s\S]*?%>/g, erbDefault), { merge: true, uniqueKeys: false });
  if (!isObj(doc)) return [];
  const railsRoot = dirnameRel(dirnameRel(file.rel));
  const out: DatabaseFinding[] = [];
  for (const [envName, raw] of Object.entries(doc)) {
    // Rails 6 multi-db: production: { primary: {…}, cache: {…} }
    const configs = isObj(raw) && !('adapter' in raw) && !('url' in raw) ? Object.entries(raw) : [[envName, raw] as [string, unknown]];
    for (const [name, cfg] of configs) {
      if (!isObj(cfg)) continue;
      const source = { file: file.rel, line: lineOf(text, new RegExp(`^\\s*${name.replace(/\W/g, '\\$&')}\\s*:`, 'm')) };
      const extra = { environment: envName, ...(name !== envName ? { role: name } : {}) };
      if (typeof cfg.url === 'string' && cfg.url) {
        const parsed = parseConnectionString(cfg.url);
        if (parsed) out.push(rebaseSqlite(fromParsed({ ...parsed, connection_string: redactCredentials(cfg.url) }, source, 'rails', ctx, extra), railsRoot));
        continue;
      }
      const rule = DATABASE_RULES.find((r) => typeof cfg.adapter === 'string' && r.railsAdapters.includes(cfg.adapter));
      const database = cfg.database !== undefined && cfg.database !== null ? String(cfg.database) : null;
      if (!rule || (!database && !cfg.host)) continue;
      out.push(
        fromParts(
          {
            type: rule.type,
            host: typeof cfg.host === 'string' && cfg.host ? cfg.host : null,
            port: Number(cfg.port) || null,
            database: database && rule.type === 'sqlite' ? sqlitePath(railsRoot, database) : database,
            user: typeof cfg.username === 'string' ? cfg.username : null,
            password: cfg.password !== undefined && cfg.password !== null && cfg.password !== '' ? String(cfg.password) : null,
          },
          source,
          'rails',
          extra,
        ),
      );
    }
  }
  return out;
}
