import type * as GraphQL from 'graphql';
import { parse as parseYaml } from 'yaml';
import { redactCredentials } from '../connection/redact';
import { lineOf, parseJsonLenient } from '../text';
import type { ApiFinding } from '../types';
import type { DetectFile } from './context';
import { parseXml } from './manifests';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

function api(file: DetectFile, type: ApiFinding['api_type'], base: string, endpoints: string[], auth: string | null, line: number, extra: Record<string, unknown>): ApiFinding {
  return { kind: 'apis', api_type: type, base_url: redactCredentials(base), spec_location: file.rel, endpoints, authentication_type: auth, source: { file: file.rel, line }, extra };
}

// ------------------------------------------------------------------ OpenAPI / Swagger

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Security scheme → the seed's vocabulary: bearer, basic, oauth2, apikey (plus digest, mtls as they come). */
function authType(scheme: unknown): string | null {
  if (!isObj(scheme) || typeof scheme.type !== 'string') return null;
  switch (scheme.type.toLowerCase()) {
    case 'http':
      return typeof scheme.scheme === 'string' ? scheme.scheme.toLowerCase() : null;
    case 'basic':
      return 'basic';
    case 'apikey':
      return 'apikey';
    case 'oauth2':
    case 'openidconnect':
      return 'oauth2';
    case 'mutualtls':
      return 'mtls';
    default:
      return null;
  }
}

function requirementNames(security: unknown): string[] {
  return asArray(security).flatMap((req) => (isObj(req) ? Object.keys(req) : []));
}

/** OpenAPI 3 `servers[0]` with its `{variables}` filled with their defaults; Swagger 2 `schemes`/`host`/`basePath`; '/' when the spec names none (OpenAPI's default). */
function baseUrl(doc: Obj): { url: string; all: string[] } {
  if (typeof doc.openapi === 'string') {
    const all = asArray(doc.servers)
      .filter(isObj)
      .map((s) => {
        const vars = isObj(s.variables) ? s.variables : {};
        return String(s.url ?? '').replace(/\{(\w+)\}/g, (whole, v: string) => {
          const def = isObj(vars[v]) ? (vars[v] as Obj).default : undefined;
          return def !== undefined ? String(def) : whole;
        });
      })
      .filter(Boolean);
    return { url: all[0] ?? '/', all };
  }
  const base = typeof doc.basePath === 'string' ? doc.basePath : '';
  if (typeof doc.host !== 'string') return { url: base || '/', all: [] };
  const scheme = asArray(doc.schemes).find((s) => typeof s === 'string');
  const url = `${scheme ? `${String(scheme)}:` : ''}//${doc.host}${base}`;
  return { url, all: [url] };
}

export function detectOpenApi(file: DetectFile, text: string): ApiFinding[] {
  // Named like a spec but not one (swagger-config.json, api.yaml of something else): not an API, not a warning.
  if (!/(^|[{,\s])["']?(openapi|swagger)["']?\s*:\s*["']?\d/m.test(text)) return [];
  const doc: unknown = /\.json$/i.test(file.rel) ? parseJsonLenient(text) : parseYaml(text, { uniqueKeys: false, maxAliasCount: 10000 });
  if (!isObj(doc) || !(typeof doc.openapi === 'string' || doc.swagger !== undefined)) return [];
  const { url, all } = baseUrl(doc);
  const endpoints: string[] = [];
  const opSecurity: string[] = [];
  for (const [p, item] of Object.entries(isObj(doc.paths) ? doc.paths : {})) {
    if (!isObj(item)) continue;
    for (const m of METHODS) {
      const op = item[m];
      if (!isObj(op)) continue;
      endpoints.push(`${m.toUpperCase()} ${p}`);
      opSecurity.push(...requirementNames(op.security));
    }
  }
  const schemes = isObj(doc.components) && isObj(doc.components.securitySchemes) ? doc.components.securitySchemes : isObj(doc.securityDefinitions) ? doc.securityDefinitions : {};
  const required = [...requirementNames(doc.security), ...opSecurity];
  // Nothing required anywhere means the spec declares the API open.
  const auth = required.length ? (required.map((n) => authType(schemes[n])).find(Boolean) ?? null) : 'none';
  const info = isObj(doc.info) ? doc.info : {};
  return [
    api(file, 'rest', url, endpoints, auth, all.length ? lineOf(text, all[0].split('{')[0]) : lineOf(text, /(openapi|swagger)/), {
      title: typeof info.title === 'string' ? info.title : null,
      api_version: info.version !== undefined ? String(info.version) : null,
      spec_version: String(doc.openapi ?? doc.swagger),
      servers: all.map(redactCredentials),
      auth_schemes: Object.entries(schemes).map(([name, s]) => ({ name, type: authType(s) })),
    }),
  ];
}

// ------------------------------------------------------------------ GraphQL SDL

let graphqlModule: typeof GraphQL | undefined;
// graphql is large; it is loaded only for workspaces that have schema files.
function graphql(): typeof GraphQL {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  graphqlModule ??= require('graphql') as typeof GraphQL;
  return graphqlModule;
}

/**
 * GraphQL schema files (type-system definitions; files of client operations
 * are not APIs). A schema does not say where it is served: the base URL is
 * the conventional `/graphql` (metadata says so), so the parts of a schema
 * split over several files are one API.
 */
export function detectGraphql(file: DetectFile, text: string): ApiFinding[] {
  const { parse, Kind } = graphql();
  const doc = parse(text);
  const typeSystem = doc.definitions.filter((d) => d.kind !== Kind.OPERATION_DEFINITION && d.kind !== Kind.FRAGMENT_DEFINITION);
  if (!typeSystem.length) return [];
  const roots = new Map<string, string>([
    ['Query', 'query'],
    ['Mutation', 'mutation'],
    ['Subscription', 'subscription'],
  ]);
  for (const d of typeSystem) {
    if (d.kind === Kind.SCHEMA_DEFINITION || d.kind === Kind.SCHEMA_EXTENSION) {
      for (const op of d.operationTypes ?? []) {
        for (const [k, v] of roots) if (v === op.operation) roots.delete(k);
        roots.set(op.type.name.value, op.operation);
      }
    }
  }
  const endpoints: string[] = [];
  let line = 1;
  for (const d of typeSystem) {
    if ((d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && roots.has(d.name.value)) {
      if (endpoints.length === 0 && d.loc) line = d.loc.startToken.line;
      for (const f of d.fields ?? []) endpoints.push(`${roots.get(d.name.value)} ${f.name.value}`);
    }
  }
  return [api(file, 'graphql', '/graphql', endpoints, null, line, { base_url_source: 'convention', type_definitions: typeSystem.length })];
}

// ------------------------------------------------------------------ gRPC (.proto)

interface ProtoMethod {
  name: string;
  input_type: string;
  output_type: string;
  client_streaming: boolean;
  server_streaming: boolean;
}

/** One API per `service`: its base URL is the HTTP/2 path prefix every call uses, `/<package>.<Service>`. */
export function detectProto(file: DetectFile, text: string): ApiFinding[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const schema = (require('protocol-buffers-schema') as { parse(text: string): { package: string | null; syntax: number; services?: Array<{ name: string; methods: ProtoMethod[] }> } }).parse(text);
  return (schema.services ?? []).map((s) => {
    const full = schema.package ? `${schema.package}.${s.name}` : s.name;
    const endpoints = s.methods.map((m) => `rpc ${m.name}(${m.client_streaming ? 'stream ' : ''}${m.input_type}) returns (${m.server_streaming ? 'stream ' : ''}${m.output_type})`);
    return api(file, 'grpc', `/${full}`, endpoints, null, lineOf(text, new RegExp(`\\bservice\\s+${s.name}\\b`)), { package: schema.package, service: s.name, syntax: `proto${schema.syntax}` });
  });
}

// ------------------------------------------------------------------ SOAP (WSDL 1.1 and 2.0)

export function detectWsdl(file: DetectFile, text: string): ApiFinding[] {
  const root = parseXml(text);
  const defs = isObj(root.definitions) ? root.definitions : isObj(root.description) ? root.description : undefined;
  if (!defs) return [];
  const operations = [...asArray(defs.portType), ...asArray(defs.interface)]
    .filter(isObj)
    .flatMap((pt) => asArray(pt.operation))
    .filter(isObj)
    .map((o) => `operation ${String(o['@_name'])}`);
  const unique = [...new Set(operations)];
  return asArray(defs.service)
    .filter(isObj)
    .map((s) => {
      const ports = [...asArray(s.port), ...asArray(s.endpoint)].filter(isObj);
      const address = ports.map((p) => (isObj(p.address) ? p.address['@_location'] : p['@_address'])).find((a) => typeof a === 'string') as string | undefined;
      const name = String(s['@_name'] ?? '');
      const base = address ?? (typeof defs['@_targetNamespace'] === 'string' ? defs['@_targetNamespace'] : `urn:${name}`);
      return api(file, 'soap', base, unique, null, lineOf(text, address ?? `name="${name}"`), {
        service: name,
        ...(address ? {} : { base_url_source: 'targetNamespace' }),
      });
    });
}
