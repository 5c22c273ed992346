import { ParsedConnection, parseConnectionString, looksLikeConnectionString } from '../connection/parse';
import { isReference, REDACTED } from '../connection/redact';
import { DATABASE_RULES, RULE_BY_TYPE, ruleByHint, ruleByPort } from '../rules/databases';
import type { DatabaseFinding, DbType, SourceRef } from '../types';
import type { DetectContext } from './context';

/** A finding from a parsed connection string; a bare TNS alias is resolved when tnsnames.ora knows it. */
export function fromParsed(p: ParsedConnection, source: SourceRef, origin: string, ctx: DetectContext, extra: Record<string, unknown> = {}): DatabaseFinding {
  let { host, port, database } = p;
  const more: Record<string, unknown> = { ...p.extra };
  const alias = typeof more.tns_alias === 'string' ? ctx.tns.get(more.tns_alias.toUpperCase()) : undefined;
  if (alias) {
    host = alias.host;
    port = alias.port;
    database = alias.service;
  }
  return { kind: 'databases', database_type: p.type, connection_string: p.connection_string, host, port, database_name: database, synthesized: false, source, extra: { origin, ...more, ...extra } };
}

/** The database type a config key or provider name suggests (`ConnectionStrings:Redis`, `MSSQL_URL`). */
export function hintFor(text: string): DbType | undefined {
  return ruleByHint(text)?.type;
}

/**
 * Parses a config value as a connection string when it plausibly is one
 * (StackExchange.Redis `host:port,…` only under a redis-named key).
 */
export function parseValue(value: string, key: string): ParsedConnection | undefined {
  const hint = hintFor(key);
  if (!looksLikeConnectionString(value) && !(hint === 'redis' && /^[\w.-]+:\d+(,|$)/.test(value.trim()))) return undefined;
  return parseConnectionString(value, hint);
}

/** How a credential is shown: a reference as written (`${PGPASSWORD}`), anything else as `***`. */
export function credential(value: string): string {
  return isReference(value) ? value : REDACTED;
}

export interface Parts {
  type: DbType;
  host: string | null;
  port: number | null;
  database: string | null;
  user?: string | null;
  /** The password as configured (a value or a reference); only its presence or reference ends up stored. */
  password?: string | null;
}

/**
 * A finding for a database configured by parts (compose service, env vars,
 * Django/Rails settings): the connection string is built as a URL, with the
 * password as `***` or its reference, and marked `synthesized`.
 */
export function fromParts(parts: Parts, source: SourceRef, origin: string, extra: Record<string, unknown> = {}): DatabaseFinding {
  const rule = RULE_BY_TYPE[parts.type];
  const more: Record<string, unknown> = {};
  let port = parts.port;
  if (port === null && parts.host && rule.defaultPort !== null) {
    port = rule.defaultPort;
    more.port_source = 'default';
  }
  let connection: string;
  if (parts.type === 'sqlite') {
    connection = parts.database ?? '';
  } else {
    const user = parts.user ? encodeURIComponent(parts.user) : '';
    const auth = user || parts.password ? `${user}${parts.password ? `:${credential(parts.password)}` : ''}@` : '';
    connection = `${parts.type}://${auth}${parts.host ?? ''}${port !== null ? `:${port}` : ''}${parts.database ? `/${parts.database}` : ''}`;
  }
  return {
    kind: 'databases',
    database_type: parts.type,
    connection_string: connection,
    host: parts.host || null,
    port,
    database_name: parts.database || null,
    synthesized: true,
    source,
    extra: { origin, ...more, ...extra },
  };
}

const HOST_SUFFIX = /^(.*?)(HOST|HOSTNAME|SERVER)$/;

/**
 * Databases configured by component variables: `PGHOST`/`PGPORT`/`PGDATABASE`,
 * `MYSQL_HOST`…, or generic `DB_HOST` with `DB_CONNECTION=mysql` (Laravel) or a
 * well-known port. A group needs a host; its type comes from the prefix, a
 * type variable, or the port, else it is not reported.
 */
export function fromComponentVars(vars: ReadonlyMap<string, { value: string; line: number }>, file: string, origin: string): DatabaseFinding[] {
  const out: DatabaseFinding[] = [];
  for (const [key, { value, line }] of vars) {
    const m = HOST_SUFFIX.exec(key.toUpperCase());
    if (!m || !m[1] || !value || looksLikeConnectionString(value)) continue;
    const prefix = m[1];
    const get = (...names: string[]) => {
      for (const n of names) {
        const v = vars.get(prefix + n)?.value;
        // Laravel's .env writes an unset value as the word null.
        if (v && v !== 'null') return v;
      }
      return null;
    };
    const portText = get('PORT');
    const port = portText && /^\d+$/.test(portText) ? Number(portText) : null;
    const typeWord = get('CONNECTION', 'TYPE', 'ENGINE', 'DIALECT', 'DRIVER', 'CLIENT', 'ADAPTER');
    const rule =
      DATABASE_RULES.find((r) => r.envPrefixes.some((p) => p.toUpperCase() === prefix)) ??
      (typeWord ? ruleByHint(typeWord) : undefined) ??
      (/^(DB|DATABASE)_?$/.test(prefix) && port !== null ? ruleByPort(port) : undefined);
    if (!rule || rule.type === 'sqlite') continue;
    out.push(
      fromParts(
        {
          type: rule.type,
          host: value,
          port,
          database: rule.type === 'redis' ? null : get('DATABASE', 'DB', 'NAME', 'DBNAME', 'DB_NAME'),
          user: get('USER', 'USERNAME', 'UID'),
          password: get('PASSWORD', 'PASS', 'PWD'),
        },
        { file, line },
        origin,
        { env_keys: [...vars.keys()].filter((k) => k.toUpperCase().startsWith(prefix)) },
      ),
    );
  }
  return out;
}
