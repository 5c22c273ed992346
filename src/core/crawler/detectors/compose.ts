import { parse as parseYaml } from 'yaml';
import { redactCredentials } from '../connection/redact';
import { ruleByImage } from '../rules/databases';
import { dirnameRel, interpolate, joinRel, lineAt, lineOf, parseDotenv } from '../text';
import type { DatabaseFinding } from '../types';
import type { DetectContext, DetectFile } from './context';
import { fromParsed, fromParts, parseValue } from './dbCommon';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** `environment:` as a map or as a `KEY=value` list. */
function environment(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== 'string') continue;
      const eq = item.indexOf('=');
      if (eq > 0) out.set(item.slice(0, eq), item.slice(eq + 1));
    }
  } else if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined && typeof v !== 'object') out.set(k, String(v));
  }
  return out;
}

/** `ports:` entries → [published, container] (short "h:c", "ip:h:c", "c", numbers, or the long form). */
function ports(value: unknown): Array<[string | null, number]> {
  const out: Array<[string | null, number]> = [];
  for (const p of Array.isArray(value) ? value : []) {
    if (isObj(p)) {
      const target = Number(p.target);
      if (Number.isInteger(target)) out.push([p.published !== undefined ? String(p.published) : null, target]);
      continue;
    }
    const parts = String(p).replace(/\/(tcp|udp)$/, '').split(':');
    const target = Number(parts[parts.length - 1]);
    if (Number.isInteger(target)) out.push([parts.length > 1 ? parts[parts.length - 2] : null, target]);
  }
  return out;
}

/**
 * docker-compose services: a database image is a database reachable from the
 * other services at `<service>:<container port>`; connection strings in any
 * service's environment are databases too. `${VAR}`s are filled from the
 * `.env` beside the compose file to read host/port/name, but the stored
 * string keeps the reference as written.
 */
export async function detectCompose(file: DetectFile, text: string, ctx: DetectContext): Promise<DatabaseFinding[]> {
  const doc: unknown = parseYaml(text, { merge: true, uniqueKeys: false, maxAliasCount: 1000 });
  if (!isObj(doc) || !isObj(doc.services)) return [];
  const envText = await ctx.readText(joinRel(dirnameRel(file.rel), '.env'));
  const vars = new Map(parseDotenv(envText ?? '').map((e) => [e.key, e.value] as [string, string]));
  const resolved = (v: string | undefined) => {
    if (v === undefined) return null;
    const r = interpolate(v, vars);
    return r && !r.includes('${') ? r : null;
  };
  const servicesAt = Math.max(0, text.search(/^services\s*:/m));
  const out: DatabaseFinding[] = [];
  for (const [name, svc] of Object.entries(doc.services)) {
    if (!isObj(svc)) continue;
    const found = text.slice(servicesAt).search(new RegExp(`^[ \\t]+["']?${escapeRe(name)}["']?[ \\t]*:`, 'm'));
    const at = found < 0 ? servicesAt : servicesAt + found;
    const env = environment(svc.environment);
    const image = typeof svc.image === 'string' ? resolved(svc.image) : null;
    const rule = image ? ruleByImage(image) : undefined;
    if (rule) {
      const ce = rule.composeEnv ?? {};
      const first = (keys: string[] | undefined) => keys?.map((k) => env.get(k)).find((v) => v !== undefined);
      const mapped = ports(svc.ports);
      out.push(
        fromParts(
          {
            type: rule.type,
            host: typeof svc.hostname === 'string' ? svc.hostname : name,
            port: mapped[0]?.[1] ?? null,
            database: resolved(first(ce.database)),
            user: resolved(first(ce.user)) ?? ce.defaultUser ?? null,
            password: first(ce.password) ?? null,
          },
          { file: file.rel, line: lineAt(text, at) },
          'compose-service',
          { service: name, image: image!.split('@')[0], published_ports: mapped.map(([h]) => h).filter((h): h is string => h !== null) },
        ),
      );
    }
    for (const [key, value] of env) {
      const parsed = parseValue(interpolate(value, vars), key);
      if (!parsed) continue;
      parsed.connection_string = redactCredentials(value.trim());
      out.push(fromParsed(parsed, { file: file.rel, line: lineOf(text, key, at) }, 'compose-env', ctx, { service: name, env_key: key }));
    }
  }
  return out;
}
