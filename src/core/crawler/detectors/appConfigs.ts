import { isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { parseConnectionString } from '../connection/parse';
import { redactCredentials } from '../connection/redact';
import { flatten, lineAt, lineOf, parseJsonLenient, stripBom } from '../text';
import type { DatabaseFinding } from '../types';
import type { DetectContext, DetectFile } from './context';
import { fromParsed, fromParts, hintFor, parseValue } from './dbCommon';
import { parseXml } from './manifests';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** appsettings*.json: every `ConnectionStrings` entry, and connection strings anywhere else in the tree. */
export function detectAppSettings(file: DetectFile, text: string, ctx: DetectContext): DatabaseFinding[] {
  const out: DatabaseFinding[] = [];
  for (const [key, value] of flatten(parseJsonLenient(text))) {
    if (typeof value !== 'string') continue;
    const path = key.split('.');
    const name = path[path.length - 1];
    const parsed = /(^|\.)connectionstrings\./i.test(key) ? parseConnectionString(value, hintFor(name)) : parseValue(value, key);
    if (parsed) out.push(fromParsed(parsed, { file: file.rel, line: lineOf(text, `"${name}"`) }, 'appsettings', ctx, { key: path.join(':') }));
  }
  return out;
}

/** Java .properties: `key=value`, `key: value`, `key value`, with `\` line continuations. */
function properties(text: string): Entry[] {
  const out: Entry[] = [];
  const lines = stripBom(text).split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i].replace(/^\s+/, '');
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i].replace(/^\s+/, '');
    const m = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) out.push({ key: m[1].replace(/\\(.)/g, '$1'), value: m[2].trim(), line: start + 1 });
  }
  return out;
}

interface Entry {
  key: string;
  value: string;
  line: number;
}

/** Scalar leaves of a YAML document as dotted keys, each with the line its value is on. */
function yamlLeaves(node: unknown, prefix: string, text: string, out: Entry[]): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      yamlLeaves(pair.value, prefix ? `${prefix}.${key}` : key, text, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => yamlLeaves(item, `${prefix}[${i}]`, text, out));
  } else if (isScalar(node) && node.value !== null && typeof node.value !== 'object') {
    out.push({ key: prefix, value: String(node.value), line: node.range ? lineAt(text, node.range[0]) : 1 });
  }
}

/** Spring's `${ENV_VAR:default}`: the default is what runs when the variable is unset. */
function springDefault(value: string): string {
  return /^\$\{[\w.-]+:(.*)\}$/s.exec(value)?.[1] ?? value;
}

/**
 * Spring / Quarkus application*.properties|yml: JDBC/R2DBC/Mongo/Redis URLs
 * in any key, and Redis or Mongo given as host/port/database keys.
 */
export function detectSpringConfig(file: DetectFile, text: string, ctx: DetectContext): DatabaseFinding[] {
  let entries: Entry[];
  if (/\.properties$/i.test(file.rel)) {
    entries = properties(text);
  } else {
    entries = [];
    for (const doc of parseAllDocuments(text, { uniqueKeys: false })) {
      if (doc.errors.length) throw doc.errors[0];
      yamlLeaves(doc.contents, '', text, entries);
    }
  }
  const out: DatabaseFinding[] = [];
  const byKey = new Map(entries.map((e) => [e.key, e]));
  for (const e of entries) {
    const parsed = parseValue(springDefault(e.value), e.key);
    if (parsed) {
      parsed.connection_string = redactCredentials(e.value);
      out.push(fromParsed(parsed, { file: file.rel, line: e.line }, 'spring', ctx, { key: e.key }));
      continue;
    }
    // spring.data.redis.host / spring.redis.host / spring.data.mongodb.host (+ .port, .database)
    const m = /^(.*\.(redis|mongodb))\.host$/.exec(e.key);
    if (!m || byKey.has(`${m[1]}.uri`) || byKey.has(`${m[1]}.url`)) continue;
    const sibling = (k: string) => byKey.get(`${m[1]}.${k}`)?.value ?? null;
    const port = Number(springDefault(sibling('port') ?? ''));
    out.push(
      fromParts(
        {
          type: m[2] === 'redis' ? 'redis' : 'mongodb',
          host: springDefault(e.value),
          port: Number.isInteger(port) && port > 0 ? port : null,
          database: m[2] === 'mongodb' ? sibling('database') : null,
          user: sibling('username'),
          password: sibling('password'),
        },
        { file: file.rel, line: e.line },
        'spring',
        { key: e.key },
      ),
    );
  }
  return out;
}

/** .NET Framework web.config / app.config: `<connectionStrings><add …/>` (providerName says the type) and `<appSettings>`. */
export function detectDotnetConfig(file: DetectFile, text: string, ctx: DetectContext): DatabaseFinding[] {
  const config = parseXml(text).configuration;
  if (!isObj(config)) return [];
  const out: DatabaseFinding[] = [];
  const adds = (section: unknown) => asArray(isObj(section) ? section.add : undefined).filter(isObj);
  for (const add of adds(config.connectionStrings)) {
    const name = String(add['@_name'] ?? '');
    const value = add['@_connectionString'];
    if (typeof value !== 'string') continue;
    const parsed = parseConnectionString(value, hintFor(`${add['@_providerName'] ?? ''} ${name}`));
    if (parsed) out.push(fromParsed(parsed, { file: file.rel, line: lineOf(text, `"${name}"`) }, 'dotnet-config', ctx, { key: name }));
  }
  for (const add of adds(config.appSettings)) {
    const key = String(add['@_key'] ?? '');
    const parsed = typeof add['@_value'] === 'string' ? parseValue(add['@_value'], key) : undefined;
    if (parsed) out.push(fromParsed(parsed, { file: file.rel, line: lineOf(text, `"${key}"`) }, 'dotnet-config', ctx, { key }));
  }
  return out;
}
