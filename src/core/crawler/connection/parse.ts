import { DatabaseRule, DATABASE_RULES, ruleByHint, ruleByJdbc, ruleByPort, ruleByScheme, RULE_BY_TYPE } from '../rules/databases';
import type { DbType } from '../types';
import { redactCredentials } from './redact';

/** What a connection string says about the database, with the string itself already redacted. */
export interface ParsedConnection {
  type: DbType;
  host: string | null;
  port: number | null;
  database: string | null;
  connection_string: string;
  /** Facts worth keeping in metadata (all hosts, SRV, instance, TNS alias, where the port came from). */
  extra: Record<string, unknown>;
}

interface Parts {
  host: string | null;
  port: number | null;
  database: string | null;
  extra: Record<string, unknown>;
}

function toPort(text: string | undefined | null): number | null {
  if (!text || !/^\d{1,5}$/.test(text.trim())) return null;
  const n = Number(text);
  return n > 0 && n < 65536 ? n : null;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function finish(rule: DatabaseRule, parts: Parts, raw: string): ParsedConnection {
  const extra = { ...parts.extra };
  let port = parts.port;
  // A client connecting without a port uses the server's default: record it, and say so,
  // so that `db:5432` written with and without the port is one database.
  // Not for SRV records or named SQL Server instances, which find their port at run time.
  if (port === null && parts.host !== null && rule.defaultPort !== null && !extra.srv && !extra.instance) {
    port = rule.defaultPort;
    extra.port_source = 'default';
  }
  return { type: rule.type, host: parts.host || null, port, database: parts.database || null, connection_string: redactCredentials(raw), extra };
}

/** `host[:port]`, `[v6]:port`, `host,port` (SQL Server), `host\instance`. */
function hostPort(text: string): { host: string | null; port: number | null; instance?: string } {
  let t = text.trim();
  let instance: string | undefined;
  const bs = t.indexOf('\\');
  if (bs >= 0) {
    instance = t.slice(bs + 1).split(/[,:]/)[0];
    t = t.slice(0, bs) + t.slice(bs + 1 + instance.length);
  }
  let m = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (m) return { host: m[1], port: toPort(m[2]), instance };
  m = /^([^:,]*)(?:[:,](\d+))?$/.exec(t);
  if (m) return { host: m[1] ? decode(m[1]) : null, port: toPort(m[2]), instance };
  return { host: t || null, port: null, instance };
}

function queryParams(query: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of query.split(/[&;]/)) {
    const eq = pair.indexOf('=');
    if (eq > 0) out.set(pair.slice(0, eq).trim().toLowerCase(), decode(pair.slice(eq + 1)));
  }
  return out;
}

// ------------------------------------------------------------------ URL form

function parseUrl(rule: DatabaseRule, rest: string, raw: string): ParsedConnection | undefined {
  // User-info ends at the last '@' (passwords may contain '@', '/', '?' …), as the redaction assumes:
  // nothing before it is ever read, so no part of a password can end up in host or metadata.
  const afterUserInfo = rest.slice(rest.lastIndexOf('@') + 1);
  const q = afterUserInfo.search(/[?#]/);
  const hostAndPath = q < 0 ? afterUserInfo : afterUserInfo.slice(0, q);
  const params = queryParams(q < 0 ? '' : afterUserInfo.slice(q + 1).split('#')[0]);
  if (rule.type === 'sqlite') {
    // sqlite:///relative.db, sqlite:////absolute.db
    const file = decode(hostAndPath.replace(/^\/?/, ''));
    if (!file || file === ':memory:') return undefined;
    return finish(rule, { host: null, port: null, database: file, extra: {} }, raw);
  }
  const slash = hostAndPath.indexOf('/');
  const hostList = slash < 0 ? hostAndPath : hostAndPath.slice(0, slash);
  const path = slash < 0 ? '' : hostAndPath.slice(slash + 1);
  const hosts = hostList.split(',').filter(Boolean);
  const first = hostPort(hosts[0] ?? '');
  const extra: Record<string, unknown> = {};
  if (hosts.length > 1) extra.hosts = hosts;
  if (/\+srv$/i.test(raw.split('://')[0])) extra.srv = true;
  const segment = decode(path.split('/')[0] ?? '');
  let database: string | null = segment || null;
  if (rule.type === 'redis') {
    // Redis "databases" are numbered slots of one server, not separate databases.
    if (database !== null) extra.db_index = database;
    database = null;
  } else if (/^sqlserver$/i.test(raw.split(':')[0])) {
    // go-mssqldb / ADO-style URLs: the path names an instance, the database is a parameter.
    if (segment) extra.instance = segment;
    database = params.get('database') ?? params.get('databasename') ?? null;
  } else if (rule.type === 'oracle') {
    database = params.get('service_name') ?? database;
  }
  if (first.instance) extra.instance = first.instance;
  return finish(rule, { host: first.host, port: first.port, database, extra }, raw);
}

// ------------------------------------------------------------------ Oracle

/** Key/values of a TNS descriptor: `(DESCRIPTION=(ADDRESS=(HOST=h)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=s)))`. */
export function descriptorValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /\(\s*([A-Za-z_]+)\s*=\s*([^()]*?)\s*\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const key = m[1].toUpperCase();
    if (!out.has(key)) out.set(key, m[2]);
  }
  return out;
}

function oracleTarget(target: string): Parts {
  const t = target.trim();
  if (t.startsWith('(')) {
    const v = descriptorValues(t);
    return { host: v.get('HOST') ?? null, port: toPort(v.get('PORT')), database: v.get('SERVICE_NAME') ?? v.get('SID') ?? null, extra: v.has('SID') && !v.has('SERVICE_NAME') ? { sid: true } : {} };
  }
  // //host:port/service, host:port/service (EZConnect), host:port:SID
  let m = /^(?:\/\/)?([^:/\s]+)(?::(\d+))?\/([^\s?:]+)/.exec(t);
  if (m) return { host: m[1], port: toPort(m[2]), database: m[3], extra: {} };
  m = /^([^:/\s]+):(\d+):(\w+)$/.exec(t);
  if (m) return { host: m[1], port: toPort(m[2]), database: m[3], extra: { sid: true } };
  // A bare TNS alias: resolved later against tnsnames.ora.
  if (/^[\w.-]+$/.test(t)) return { host: null, port: null, database: t, extra: { tns_alias: t } };
  return { host: null, port: null, database: null, extra: {} };
}

/** `user/password@target` or `@target` or `target`. */
function parseOracle(text: string, raw: string): ParsedConnection | undefined {
  const at = text.lastIndexOf('@');
  const parts = oracleTarget(at >= 0 ? text.slice(at + 1) : text);
  if (parts.host === null && parts.database === null) return undefined;
  return finish(RULE_BY_TYPE.oracle, parts, raw);
}

// ------------------------------------------------------------------ JDBC

function parseJdbc(raw: string): ParsedConnection | undefined {
  const body = raw.slice(5);
  let m = /^oracle:(?:thin|oci8?|kprb):(.*)$/is.exec(body);
  if (m) return parseOracle(m[1], raw);
  m = /^(jtds:sqlserver|sqlserver):\/\/([^;/?]*)(\/[^;?]*)?(.*)$/is.exec(body);
  if (m) {
    const props = queryParams(m[4].replace(/^[;?]/, ''));
    const hp = hostPort(m[2] || props.get('servername') || '');
    const extra: Record<string, unknown> = {};
    const instance = hp.instance ?? props.get('instancename');
    if (instance) extra.instance = instance;
    const database = props.get('databasename') ?? props.get('database') ?? (m[3] ? m[3].slice(1) : null);
    return finish(RULE_BY_TYPE.mssql, { host: hp.host, port: hp.port ?? toPort(props.get('portnumber')), database, extra }, raw);
  }
  m = /^sqlite:(.*)$/is.exec(body);
  if (m) {
    const file = m[1].replace(/^\/\//, '').split('?')[0];
    return file && file !== ':memory:' ? finish(RULE_BY_TYPE.sqlite, { host: null, port: null, database: file, extra: {} }, raw) : undefined;
  }
  // jdbc:mysql://…, jdbc:mysql:loadbalance://…, jdbc:postgresql://…, jdbc:postgresql:dbname
  m = /^([a-z0-9]+)(?::[a-z]+)*:(\/\/.*|[^/].*)$/is.exec(body);
  if (!m) return undefined;
  const rule = ruleByJdbc(m[1]);
  if (!rule) return undefined;
  if (m[2].startsWith('//')) return parseUrl(rule, m[2].slice(2), raw);
  return finish(rule, { host: null, port: null, database: m[2].split('?')[0], extra: {} }, raw);
}

// ------------------------------------------------------------------ key=value forms

/** ADO.NET / ODBC pairs; values may be "quoted", 'quoted' or {braced}. Keys are lower-cased. */
function semicolonPairs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /\s*([^=;]+?)\s*=\s*(\{(?:[^}]|\}\})*\}|"(?:[^"]|"")*"|'(?:[^']|'')*'|[^;]*)\s*(?:;|$)/gy;
  for (let m = re.exec(text); m && m[0] !== ''; m = re.exec(text)) {
    out.set(m[1].toLowerCase().replace(/\s+/g, ' '), m[2].replace(/^(["'{])([\s\S]*)(["'}])$/, '$2'));
  }
  return out;
}

/** libpq `host=h port=5432 dbname=d user=u password='x y'`. */
function libpqPairs(text: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  const re = /\s*(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S*)/gy;
  let end = 0;
  for (let m = re.exec(text); m && m[0] !== ''; m = re.exec(text)) {
    out.set(m[1].toLowerCase(), m[2].replace(/^'([\s\S]*)'$/, '$1'));
    end = re.lastIndex;
  }
  return end === text.length && (out.has('dbname') || out.has('host')) ? out : undefined;
}

function pick(p: Map<string, string>, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = p.get(k);
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

const SQLITE_FILE = /\.(db|sqlite3?|db3|s3db|sl3)$/i;

function keyValueType(p: Map<string, string>, hint: DatabaseRule | undefined): DatabaseRule | undefined {
  const driver = p.get('driver');
  if (driver) return DATABASE_RULES.find((r) => r.odbcDrivers.test(driver));
  const provider = p.get('provider');
  if (provider) {
    if (/sqloledb|msoledbsql|sqlncli/i.test(provider)) return RULE_BY_TYPE.mssql;
    if (/oraoledb|msdaora/i.test(provider)) return RULE_BY_TYPE.oracle;
    return ruleByHint(provider);
  }
  if (hint) return hint;
  const source = pick(p, 'data source', 'datasource', 'server', 'host', 'address', 'addr', 'network address') ?? '';
  if (/\(\s*description\s*=/i.test(source) || /^(\/\/)?[\w.-]+(:\d+)?\/\w+/.test(source)) return RULE_BY_TYPE.oracle;
  if (SQLITE_FILE.test(source) || source === ':memory:') return RULE_BY_TYPE.sqlite;
  const port = toPort(p.get('port'));
  if (port !== null && ruleByPort(port)) return ruleByPort(port);
  if (p.has('host') || p.has('username') || p.has('search path') || p.has('dbname')) return RULE_BY_TYPE.postgresql;
  if (source && (p.has('database') || p.has('initial catalog') || p.has('user id') || p.has('uid') || p.has('integrated security') || p.has('trusted_connection'))) {
    return RULE_BY_TYPE.mssql;
  }
  return undefined;
}

function parseKeyValue(raw: string, hint: DatabaseRule | undefined): ParsedConnection | undefined {
  const p = (raw.includes(';') ? undefined : libpqPairs(raw)) ?? semicolonPairs(raw);
  if (!p.size) return undefined;
  const rule = keyValueType(p, hint);
  if (!rule) return undefined;
  const source = pick(p, 'data source', 'datasource', 'server', 'host', 'hostname', 'address', 'addr', 'network address', 'hostaddr');
  const database = pick(p, 'database', 'initial catalog', 'dbname', 'database name', 'databasename', 'service name', 'service_name');
  if (rule.type === 'oracle') {
    const parts = oracleTarget(source ?? '');
    if (parts.host === null && parts.database === null) return undefined;
    return finish(rule, parts, raw);
  }
  if (rule.type === 'sqlite') {
    const file = source ?? database;
    return file && file !== ':memory:' ? finish(rule, { host: null, port: null, database: file, extra: {} }, raw) : undefined;
  }
  const hp = hostPort((source ?? '').replace(/^(tcp|np|lpc|admin):/i, ''));
  const extra: Record<string, unknown> = {};
  if (hp.instance) extra.instance = hp.instance;
  return finish(rule, { host: hp.host, port: hp.port ?? toPort(p.get('port')), database: database ?? null, extra }, raw);
}

/** StackExchange.Redis: `host:6379,host2:6380,password=…,ssl=True`. */
function parseRedisOptions(raw: string): ParsedConnection | undefined {
  const items = raw.split(',').map((s) => s.trim());
  // Endpoints lead; anything after the first option could be the tail of an option's value.
  const firstOption = items.findIndex((s) => s.includes('='));
  const endpoints = items.slice(0, firstOption < 0 ? items.length : firstOption);
  if (!endpoints.length || !/^[\w.-]+(:\d+)?$/.test(endpoints[0])) return undefined;
  const hp = hostPort(endpoints[0]);
  return finish(RULE_BY_TYPE.redis, { host: hp.host, port: hp.port, database: null, extra: endpoints.length > 1 ? { hosts: endpoints } : {} }, raw);
}

/** Oracle EZConnect, optionally with credentials: `[user/password@][//]host[:port]/service`. */
const EZCONNECT = /^([\w$#]+\/[^@\s]*@)?(\/\/)?[\w.-]+(:\d+)?\/[\w.$#-]+$/;

/**
 * Recognises a database connection string in any common form and says what
 * it points to. `hint` is a type suggested by the context (a config key named
 * "Redis", an ODP.NET provider …) for forms that do not say it themselves.
 * Returns undefined for anything that is not a connection to a known database.
 */
export function parseConnectionString(value: string, hint?: DbType): ParsedConnection | undefined {
  const raw = value.trim().replace(/^(["'])([\s\S]*)\1$/, '$2').trim();
  if (raw.length < 4 || raw.length > 4096) return undefined;
  if (/^jdbc:/i.test(raw)) return parseJdbc(raw);
  const url = /^(?:r2dbc:|vertx-reactive:)?([a-z][\w+.-]*):\/\/(.*)$/is.exec(raw);
  if (url) {
    const rule = ruleByScheme(url[1]);
    return rule ? parseUrl(rule, url[2], raw) : undefined;
  }
  const hintRule = hint ? RULE_BY_TYPE[hint] : undefined;
  if (hintRule?.type === 'redis' && !raw.includes(';')) return parseRedisOptions(raw);
  if (/^[\w\s]+=/.test(raw)) return parseKeyValue(raw, hintRule);
  // Oracle EZConnect, with or without user/password: only when the context or the port says Oracle.
  if ((hintRule?.type === 'oracle' || /:1521\//.test(raw)) && EZCONNECT.test(raw)) return parseOracle(raw, raw);
  return undefined;
}

/** True when a value is worth handing to parseConnectionString (cheap pre-filter for large configs). */
export function looksLikeConnectionString(value: string): boolean {
  return (
    /^\s*(jdbc:|([a-z][\w+.-]*:)?[a-z][\w+.-]*:\/\/)/i.test(value) ||
    /(^|;)\s*(server|data source|host|driver|provider|address)\s*=/i.test(value) ||
    /^\s*host=\S+\s+\w+=/i.test(value) ||
    EZCONNECT.test(value.trim())
  );
}
