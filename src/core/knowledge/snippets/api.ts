import { CortexError } from '../../db/errors';
import { envPrefix, ident, lit, Snippet, SnippetLanguage } from './names';

/** What an API client snippet needs from a discovery. */
export interface ApiTarget {
  api_type: string;
  base_url: string;
  authentication_type: string | null;
  spec_location: string | null;
  metadata?: Record<string, unknown>;
}

type Auth = 'bearer' | 'basic' | 'apikey' | 'oauth2' | 'none';

function authOf(t: ApiTarget): Auth {
  const a = (t.authentication_type ?? 'none').toLowerCase();
  return (['bearer', 'basic', 'apikey', 'oauth2'] as const).find((x) => x === a) ?? 'none';
}

/** The header an API-key scheme names (OpenAPI `in: header, name: X`), else X-API-Key. */
function apiKeyHeader(t: ApiTarget): string {
  const h = t.metadata?.api_key_header;
  return typeof h === 'string' && /^[A-Za-z0-9-]+$/.test(h) ? h : 'X-API-Key';
}

interface Ctx {
  base: string;
  auth: Auth;
  header: string;
  token: string;
  user: string;
  password: string;
  name: string;
}

function ctx(t: ApiTarget, suffix: string): Ctx {
  let host = t.base_url;
  try {
    host = new URL(t.base_url).hostname;
  } catch {
    /* not a URL: use it as it is */
  }
  const prefix = `${envPrefix(host.replace(/^(api|www)\./, '').split('.')[0], 'API')}_API`;
  return {
    base: t.base_url.replace(/\/+$/, ''),
    auth: authOf(t),
    header: apiKeyHeader(t),
    token: `${prefix}_${authOf(t) === 'apikey' ? 'KEY' : 'TOKEN'}`,
    user: `${prefix}_USER`,
    password: `${prefix}_PASSWORD`,
    name: ident(t.base_url, suffix),
  };
}

function envOf(c: Ctx): string[] {
  return c.auth === 'none' ? [] : c.auth === 'basic' ? [c.user, c.password] : [c.token];
}

function tsHeaders(c: Ctx): string {
  switch (c.auth) {
    case 'bearer':
    case 'oauth2':
      return `  Authorization: \`Bearer \${process.env.${c.token} ?? ''}\`,\n`;
    case 'basic':
      return `  Authorization: \`Basic \${Buffer.from(\`\${process.env.${c.user} ?? ''}:\${process.env.${c.password} ?? ''}\`).toString('base64')}\`,\n`;
    case 'apikey':
      return `  ${lit(c.header)}: process.env.${c.token} ?? '',\n`;
    default:
      return '';
  }
}

function tsRest(c: Ctx, typed: boolean): string {
  const sig = typed ? `<T>(path: string, init: RequestInit = {}): Promise<T>` : `(path, init = {})`;
  const cast = typed ? ' as Promise<T>' : '';
  return `const BASE_URL = ${lit(c.base)};
${c.auth === 'none' ? '' : `// ${c.auth} auth from the environment: ${envOf(c).join(', ')}.\n`}const headers${typed ? ': Record<string, string>' : ''} = {
  Accept: 'application/json',
${tsHeaders(c)}};

${typed ? 'export ' : ''}async function ${c.name}${sig} {
  const response = await fetch(BASE_URL + path, { ...init, headers: { ...headers, ...(init.headers${typed ? ' as Record<string, string>' : ''} ?? {}) } });
  if (!response.ok) throw new Error(\`\${init.method ?? 'GET'} \${path}: HTTP \${response.status}\`);
  return response.json()${cast};
}
${typed ? '' : `\nmodule.exports = { ${c.name} };\n`}`;
}

function tsGraphql(c: Ctx, typed: boolean): string {
  const sig = typed ? `<T>(query: string, variables: Record<string, unknown> = {}): Promise<T>` : `(query, variables = {})`;
  return `const ENDPOINT = ${lit(c.base)};
${c.auth === 'none' ? '' : `// ${c.auth} auth from the environment: ${envOf(c).join(', ')}.\n`}const headers${typed ? ': Record<string, string>' : ''} = {
  'Content-Type': 'application/json',
${tsHeaders(c)}};

${typed ? 'export ' : ''}async function ${c.name}${sig} {
  const response = await fetch(ENDPOINT, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors?.length) throw new Error(body.errors.map((e${typed ? ': { message: string }' : ''}) => e.message).join('; '));
  return body.data${typed ? ' as T' : ''};
}
${typed ? '' : `\nmodule.exports = { ${c.name} };\n`}`;
}

function pyHeaders(c: Ctx): string {
  switch (c.auth) {
    case 'bearer':
    case 'oauth2':
      return `session.headers["Authorization"] = "Bearer " + os.environ[${lit(c.token)}]\n`;
    case 'basic':
      return `session.auth = (os.environ[${lit(c.user)}], os.environ[${lit(c.password)}])\n`;
    case 'apikey':
      return `session.headers[${lit(c.header)}] = os.environ[${lit(c.token)}]\n`;
    default:
      return '';
  }
}

function python(c: Ctx, graphql: boolean): string {
  const fn = c.name.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
  const call = graphql
    ? `def ${fn}(query, variables=None):
    response = session.post(ENDPOINT, json={"query": query, "variables": variables or {}}, timeout=30)
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise RuntimeError("; ".join(e["message"] for e in body["errors"]))
    return body["data"]
`
    : `def ${fn}(path, method="GET", **kwargs):
    response = session.request(method, BASE_URL + path, timeout=30, **kwargs)
    response.raise_for_status()
    return response.json()
`;
  return `import os

import requests

${graphql ? 'ENDPOINT' : 'BASE_URL'} = ${lit(c.base)}
${c.auth === 'none' ? '' : `# ${c.auth} auth from the environment: ${envOf(c).join(', ')}.\n`}session = requests.Session()
session.headers["Accept"] = "application/json"
${pyHeaders(c)}

${call}`;
}

function csharpAuth(c: Ctx): string {
  switch (c.auth) {
    case 'bearer':
    case 'oauth2':
      return `        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Environment.GetEnvironmentVariable(${lit(c.token)}));\n`;
    case 'basic':
      return `        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable(${lit(c.user)}) + ":" + Environment.GetEnvironmentVariable(${lit(c.password)})));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", basic);\n`;
    case 'apikey':
      return `        client.DefaultRequestHeaders.Add(${lit(c.header)}, Environment.GetEnvironmentVariable(${lit(c.token)}));\n`;
    default:
      return '';
  }
}

function csharp(c: Ctx): string {
  return `using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;

public static class ApiClient
{
    // ${c.auth === 'none' ? 'No authentication was declared.' : `${c.auth} auth from the environment: ${envOf(c).join(', ')}.`}
    public static HttpClient Create()
    {
        var client = new HttpClient { BaseAddress = new Uri(${lit(`${c.base}/`)}) };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
${csharpAuth(c)}        return client;
    }
}
`;
}

function javaAuth(c: Ctx): string {
  switch (c.auth) {
    case 'bearer':
    case 'oauth2':
      return `            .header("Authorization", "Bearer " + System.getenv(${lit(c.token)}))\n`;
    case 'basic':
      return `            .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((System.getenv(${lit(c.user)}) + ":" + System.getenv(${lit(c.password)})).getBytes(StandardCharsets.UTF_8)))\n`;
    case 'apikey':
      return `            .header(${lit(c.header)}, System.getenv(${lit(c.token)}))\n`;
    default:
      return '';
  }
}

function java(c: Ctx): string {
  return `import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

public final class ApiClient {
    private static final String BASE_URL = ${lit(c.base)};
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private ApiClient() {}

    /** GET a path${c.auth === 'none' ? '' : `; ${c.auth} auth from ${envOf(c).join(', ')}`}. */
    public static String get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(BASE_URL + path))
            .header("Accept", "application/json")
${javaAuth(c)}            .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }
}
`;
}

/** gRPC and SOAP get a client that loads the discovered contract (.proto / WSDL). */
function contractClient(t: ApiTarget, c: Ctx, language: SnippetLanguage): { code: string; packages: string[] } | undefined {
  const spec = t.spec_location ?? '';
  if (t.api_type === 'grpc' && (language === 'typescript' || language === 'javascript')) {
    const head = language === 'typescript'
      ? `import * as grpc from '@grpc/grpc-js';\nimport * as protoLoader from '@grpc/proto-loader';\n`
      : `const grpc = require('@grpc/grpc-js');\nconst protoLoader = require('@grpc/proto-loader');\n`;
    return {
      packages: ['@grpc/grpc-js', '@grpc/proto-loader'],
      code: `${head}
// Services from ${spec || 'the discovered .proto'}; pick one from the loaded package.
const definition = protoLoader.loadSync(${lit(spec)});
${language === 'typescript' ? 'export ' : ''}const ${c.name} = grpc.loadPackageDefinition(definition);
${language === 'typescript' ? 'export ' : ''}const ${c.name}Address = ${lit(c.base.replace(/^[a-z]+:\/\//, ''))};
${language === 'javascript' ? `\nmodule.exports = { ${c.name}, ${c.name}Address };\n` : ''}`,
    };
  }
  if (t.api_type === 'soap' && (language === 'typescript' || language === 'javascript')) {
    const head = language === 'typescript' ? `import * as soap from 'soap';\n` : `const soap = require('soap');\n`;
    return {
      packages: ['soap'],
      code: `${head}
${language === 'typescript' ? 'export ' : ''}function ${c.name}() {
  return soap.createClientAsync(${lit(spec || `${c.base}?wsdl`)});
}
${language === 'javascript' ? `\nmodule.exports = { ${c.name} };\n` : ''}`,
    };
  }
  if (t.api_type === 'soap' && language === 'python') {
    return { packages: ['zeep'], code: `from zeep import Client\n\nclient = Client(${lit(spec || `${c.base}?wsdl`)})\n` };
  }
  return undefined;
}

/** A starting API client for a discovered API in `language`, with the base URL and auth scheme wired. */
export function apiSnippet(target: ApiTarget, language: SnippetLanguage): Snippet {
  const type = target.api_type.toLowerCase();
  const c = ctx(target, type === 'graphql' ? 'Query' : 'Request');
  if (type === 'grpc' || type === 'soap') {
    const out = contractClient(target, c, language);
    if (!out) throw new CortexError('BAD_INPUT', `No ${language} client for ${type} APIs.`, `${type} clients exist for TypeScript and JavaScript${type === 'soap' ? ' and Python' : ''}.`);
    return { language, code: out.code, packages: out.packages, env: [] };
  }
  const graphql = type === 'graphql';
  switch (language) {
    case 'typescript':
      return { language, code: graphql ? tsGraphql(c, true) : tsRest(c, true), packages: [], env: envOf(c) };
    case 'javascript':
      return { language, code: graphql ? tsGraphql(c, false) : tsRest(c, false), packages: [], env: envOf(c) };
    case 'python':
      return { language, code: python(c, graphql), packages: ['requests'], env: envOf(c) };
    case 'csharp':
      return { language, code: csharp(c), packages: [], env: envOf(c) };
    case 'java':
      return { language, code: java(c), packages: [], env: envOf(c) };
  }
}
