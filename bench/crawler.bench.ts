/**
 * Benchmark (not a test): the workspace crawler against @specfy/stack-analyser
 * on the same generated monorepo, in the same run.
 *
 *   npx tsc -p . && node out/bench/crawler.bench.js
 *   BENCH_FILES=20000 node out/bench/crawler.bench.js        # quick run
 *
 * Environment:
 *   BENCH_FILES    files in the generated monorepo, outside node_modules (default 100,000)
 *   BENCH_ROUNDS   measured rounds per side; the best is reported (default 2)
 *
 * The monorepo is generated once into bench/.data/ and reused while its marker
 * says it is complete. Each side runs in its own child process (wall time of
 * the whole process, peak RSS from GNU time), alternating which goes first;
 * ours crawls into a fresh migrated brain each round. The result is printed as
 * Markdown and written to bench/.data/crawler-result.json. See bench/README.md.
 *
 * Started as `crawler.bench.js --child TREE DB`, this file is the child that
 * runs our crawler.
 */
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withDatabase } from '../src/core/db/database';
import { crawlWorkspace } from '../src/core/crawler/crawl';
import { FRAMEWORK_RULES } from '../src/core/crawler/rules/frameworks';
import { initBrain } from '../src/core/schema/migrator';
import { envInt } from './common';

// ---------------------------------------------------------------- settings

const ROOT = path.resolve(__dirname, '..', '..'); // out/bench → repository root
const DATA_DIR = path.join(ROOT, 'bench', '.data');
const RESULT_FILE = path.join(DATA_DIR, 'crawler-result.json');
const TIME_BIN = '/usr/bin/time';
const TARGET_TIME_RATIO = 0.5;
const TARGET_PEAK_MB = 100;


function check(r: SpawnSyncReturns<string>, what: string): SpawnSyncReturns<string> {
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status ?? r.signal}: ${(r.stderr || r.stdout || '').trim().slice(-2000)}`);
  return r;
}

// ---------------------------------------------------------------- the monorepo

/**
 * A deterministic polyglot monorepo: JS/TS apps of ten frameworks, shared
 * packages, Python/Java/.NET/Go/Ruby/PHP/Rust services with their database
 * configuration, API specs, docs, some binary assets, and a node_modules both
 * tools skip. Folder names avoid stack-analyser's skip list (tests, public,
 * migrations, …) so that both walk the same files.
 */
class TreeWriter {
  files = 0;
  constructor(readonly root: string) {}
  write(rel: string, content: string | Buffer, counted = true): void {
    const abs = path.join(this.root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
    if (counted) this.files++;
  }
}

const APP_KINDS = ['react', 'next', 'vue', 'angular', 'svelte', 'nuxt', 'express', 'nestjs', 'fastify', 'koa'] as const;
const APP_DEPS: Record<(typeof APP_KINDS)[number], Record<string, string>> = {
  react: { react: '^18.3.1', 'react-dom': '^18.3.1', axios: '^1.6.8' },
  next: { next: '14.2.3', react: '18.3.1', 'react-dom': '18.3.1' },
  vue: { vue: '^3.4.21', 'vue-router': '^4.3.0', pinia: '^2.1.7' },
  angular: { '@angular/core': '^17.3.4', '@angular/common': '^17.3.4', rxjs: '~7.8.0' },
  svelte: { svelte: '^4.2.15', '@sveltejs/kit': '^2.5.7' },
  nuxt: { nuxt: '^3.11.2' },
  express: { express: '^4.19.2', pg: '^8.11.5', ioredis: '^5.4.1' },
  nestjs: { '@nestjs/core': '^10.3.7', '@nestjs/common': '^10.3.7', typeorm: '^0.3.20', mysql2: '^3.9.7' },
  fastify: { fastify: '^4.26.2', mongodb: '^6.5.0' },
  koa: { koa: '^2.15.3', 'koa-router': '^12.0.1' },
};

function appFile(kind: (typeof APP_KINDS)[number], i: number, j: number): [string, string] {
  const body = `// module ${i}.${j}\nexport const value${j} = ${i * 1000 + j};\nexport function compute${j}(x: number): number {\n  return x * ${j + 1};\n}\n`;
  switch (kind) {
    case 'vue':
    case 'nuxt':
      return j % 3 === 0 ? [`Widget${j}.vue`, `<template><div>${j}</div></template>\n<script setup lang="ts">\n${body}</script>\n`] : [`util${j}.ts`, body];
    case 'angular':
      return j % 3 === 0 ? [`widget${j}.component.ts`, `import { Component } from '@angular/core';\n@Component({ selector: 'w${j}', template: '' })\nexport class Widget${j} {}\n`] : [`util${j}.ts`, body];
    case 'svelte':
      return j % 3 === 0 ? [`Widget${j}.svelte`, `<script>export let n = ${j};</script>\n<p>{n}</p>\n`] : [`util${j}.ts`, body];
    case 'react':
    case 'next':
      return j % 2 === 0 ? [`Widget${j}.tsx`, `export function Widget${j}() {\n  return <div>${j}</div>;\n}\n`] : [`util${j}.ts`, body];
    default:
      return [`handler${j}.ts`, body];
  }
}

function generateTree(dir: string, target: number): number {
  fs.rmSync(dir, { recursive: true, force: true });
  const t = new TreeWriter(dir);
  const apps = 60;
  const libs = 200;
  t.write('package.json', JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*', 'packages/*'], devDependencies: { typescript: '5.4.5', prettier: '3.3.3' } }, null, 2));
  t.write('.gitignore', 'node_modules/\ncoverage/\n*.log\n.env.local\n');
  t.write('.env', 'DATABASE_URL=postgres://mono:bench-secret@localhost:5432/mono\nREDIS_URL=redis://localhost:6379/0\n');
  t.write(
    'docker-compose.yml',
    'services:\n  postgres:\n    image: postgres:16\n    environment:\n      POSTGRES_DB: mono\n      POSTGRES_PASSWORD: bench-secret\n  redis:\n    image: redis:7\n  mongo:\n    image: mongo:7\n    environment:\n      MONGO_INITDB_DATABASE: events\n  mysql:\n    image: mysql:8\n    environment:\n      MYSQL_DATABASE: legacy\n',
  );
  // JS/TS apps: the bulk of the files.
  const perApp = Math.floor((target * 0.6) / apps);
  for (let i = 0; i < apps; i++) {
    const kind = APP_KINDS[i % APP_KINDS.length];
    const base = `apps/${kind}-${i}`;
    t.write(`${base}/package.json`, JSON.stringify({ name: `@mono/${kind}-${i}`, version: '1.0.0', dependencies: APP_DEPS[kind] }, null, 2));
    t.write(`${base}/tsconfig.json`, '{ "extends": "../../tsconfig.base.json" }\n');
    if (kind === 'next') {
      for (let p = 0; p < 20; p++) t.write(`${base}/pages/page${p}.tsx`, `export default function Page${p}() { return null; }\n`);
    }
    if (kind === 'express' || kind === 'fastify') t.write(`${base}/openapi.yaml`, openapi(`${kind}-${i}`, 12));
    let n = t.files;
    for (let f = 0; t.files - n < perApp - 3; f++) {
      const feature = `${base}/src/features/f${Math.floor(f / 40)}/part${Math.floor(f / 8) % 5}`;
      const [name, content] = appFile(kind, i, f);
      t.write(`${feature}/${name}`, content);
    }
    t.write(`${base}/src/assets/logo.png`, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    n = t.files;
  }
  // Shared libraries.
  const perLib = Math.floor((target * 0.28) / libs);
  for (let i = 0; i < libs; i++) {
    const base = `packages/lib-${i}`;
    t.write(`${base}/package.json`, JSON.stringify({ name: `@mono/lib-${i}`, version: '0.1.0', dependencies: i % 10 === 0 ? { react: '^18.3.1' } : { lodash: '^4.17.21' } }, null, 2));
    for (let f = 0; f < perLib - 1; f++) t.write(`${base}/src/m${Math.floor(f / 25)}/file${f}.ts`, `export const v${f} = ${f};\n`);
  }
  // Services in other ecosystems, with their database configuration.
  const python = ['django', 'flask', 'fastapi'];
  for (let i = 0; i < 18; i++) {
    const fw = python[i % 3];
    const base = `services/py-${i}`;
    t.write(`${base}/requirements.txt`, `${fw}==${fw === 'django' ? '4.2.11' : fw === 'flask' ? '3.0.3' : '0.110.2'}\npsycopg2-binary==2.9.9\n`);
    if (fw === 'django') {
      t.write(`${base}/app/settings.py`, `DATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.postgresql",\n        "NAME": "svc${i}",\n        "HOST": "pg-${i}.internal",\n        "PORT": "5432",\n        "USER": "svc",\n        "PASSWORD": "bench-secret",\n    }\n}\n`);
      t.write(`${base}/app/urls.py`, 'from django.urls import path\nurlpatterns = [\n    path("a/", None),\n    path("b/", None),\n]\n');
    } else {
      t.write(`${base}/app/config.py`, `SQLALCHEMY_DATABASE_URI = "postgresql://svc:bench-secret@pg-${i}.internal:5432/svc${i}"\n`);
    }
    for (let f = 0; f < 250; f++) t.write(`${base}/app/mod${Math.floor(f / 25)}/m${f}.py`, `def f${f}(x):\n    return x + ${f}\n`);
  }
  for (let i = 0; i < 10; i++) {
    const base = `services/java-${i}`;
    t.write(
      `${base}/pom.xml`,
      `<project><modelVersion>4.0.0</modelVersion><parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.2.5</version></parent><groupId>mono</groupId><artifactId>java-${i}</artifactId><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency></dependencies></project>\n`,
    );
    t.write(`${base}/src/main/resources/application.yml`, `spring:\n  datasource:\n    url: jdbc:${i % 2 ? 'oracle:thin:@//ora-' + i + '.internal:1521/SVC' + i : 'postgresql://pg-j' + i + '.internal:5432/orders'}\n    username: app\n    password: bench-secret\n`);
    for (let f = 0; f < 300; f++) t.write(`${base}/src/main/java/mono/svc${i}/p${Math.floor(f / 30)}/C${f}.java`, `package mono.svc${i}.p${Math.floor(f / 30)};\npublic class C${f} {}\n`);
  }
  for (let i = 0; i < 6; i++) {
    const base = `services/dotnet-${i}`;
    t.write(`${base}/Svc${i}.csproj`, `<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup><ItemGroup><PackageReference Include="Microsoft.EntityFrameworkCore.SqlServer" Version="8.0.4" /></ItemGroup></Project>\n`);
    t.write(`${base}/appsettings.json`, JSON.stringify({ ConnectionStrings: { Default: `Server=sql-${i}.internal,1433;Database=Svc${i};User Id=app;Password=bench-secret;` } }, null, 2));
    for (let f = 0; f < 200; f++) t.write(`${base}/Features/F${Math.floor(f / 20)}/C${f}.cs`, `namespace Svc${i}; public class C${f} {}\n`);
  }
  for (let i = 0; i < 6; i++) {
    const base = `services/go-${i}`;
    t.write(`${base}/go.mod`, `module mono/go${i}\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.9.1\n\tgithub.com/jackc/pgx/v5 v5.5.5\n)\n`);
    for (let f = 0; f < 150; f++) t.write(`${base}/internal/p${Math.floor(f / 15)}/f${f}.go`, `package p${Math.floor(f / 15)}\n\nfunc F${f}() int { return ${f} }\n`);
  }
  for (let i = 0; i < 2; i++) {
    t.write(`services/rails-${i}/Gemfile`, 'source "https://rubygems.org"\ngem "rails", "~> 7.1.3"\ngem "pg"\n');
    t.write(`services/rails-${i}/config/database.yml`, `production:\n  adapter: postgresql\n  host: pg-rails${i}.internal\n  database: rails${i}\n`);
    for (let f = 0; f < 200; f++) t.write(`services/rails-${i}/app/models/m${f}.rb`, `class M${f}; end\n`);
    t.write(`services/php-${i}/composer.json`, JSON.stringify({ require: { 'laravel/framework': '^11.0' } }));
    t.write(`services/php-${i}/.env`, `DB_CONNECTION=mysql\nDB_HOST=mysql-php${i}.internal\nDB_PORT=3306\nDB_DATABASE=php${i}\n`);
    for (let f = 0; f < 200; f++) t.write(`services/php-${i}/app/Models/M${f}.php`, `<?php class M${f} {}\n`);
    t.write(`services/rust-${i}/Cargo.toml`, '[package]\nname = "r"\nversion = "0.1.0"\n\n[dependencies]\naxum = "0.7"\n');
    for (let f = 0; f < 100; f++) t.write(`services/rust-${i}/src/m${f}.rs`, `pub fn f${f}() {}\n`);
  }
  // API specs.
  for (let i = 0; i < 10; i++) t.write(`specs/rest/svc${i}.openapi.yaml`, openapi(`svc${i}`, 20));
  for (let i = 0; i < 5; i++) t.write(`specs/graphql/s${i}.graphql`, `type Query {\n  item${i}(id: ID!): String\n  items${i}: [String]\n}\n`);
  for (let i = 0; i < 10; i++) t.write(`specs/proto/svc${i}.proto`, `syntax = "proto3";\npackage mono.v${i};\nservice Svc${i} {\n  rpc Get(Req) returns (Res);\n  rpc List(Req) returns (stream Res);\n}\nmessage Req { string id = 1; }\nmessage Res { string id = 1; }\n`);
  // Docs fill the tree up to the target.
  for (let i = 0; t.files < target; i++) t.write(`docs/section${Math.floor(i / 100)}/page${i}.md`, `# Page ${i}\n\nSome text.\n`);
  // Dependencies neither tool reads.
  for (let i = 0; i < 3000; i++) t.write(`node_modules/dep${Math.floor(i / 30)}/file${i}.js`, 'module.exports = 1;\n', false);
  return t.files;
}

function openapi(name: string, paths: number): string {
  const p = Array.from({ length: paths }, (_, k) => `  /r${k}:\n    get:\n      summary: r${k}\n`).join('');
  return `openapi: 3.0.3\ninfo:\n  title: ${name}\n  version: 1.0.0\nservers:\n  - url: https://${name}.api.mono.example/v1\ncomponents:\n  securitySchemes:\n    bearer:\n      type: http\n      scheme: bearer\nsecurity:\n  - bearer: []\npaths:\n${p}`;
}

function ensureTree(target: number): { dir: string; files: number; generatedNow: boolean; generationMs?: number } {
  const dir = path.join(DATA_DIR, `crawler-monorepo-${target}`);
  const marker = path.join(dir, '.bench-complete');
  if (fs.existsSync(marker)) {
    const files = Number(fs.readFileSync(marker, 'utf8'));
    console.log(`Reusing ${path.relative(ROOT, dir)} (${files.toLocaleString('en')} files outside node_modules).`);
    return { dir, files, generatedNow: false };
  }
  console.log(`Generating a ${target.toLocaleString('en')}-file monorepo …`);
  const t = Date.now();
  const files = generateTree(dir, target);
  fs.writeFileSync(marker, String(files));
  console.log(`Generated ${files.toLocaleString('en')} files in ${((Date.now() - t) / 1000).toFixed(1)} s.`);
  return { dir, files, generatedNow: true, generationMs: Date.now() - t };
}

// ---------------------------------------------------------------- measuring

const hasTime = fs.existsSync(TIME_BIN);

interface Timed {
  ms: number;
  rssKb?: number;
  stdout: string;
}

function timed(cmd: string, args: string[], cwd = ROOT): Timed {
  const start = process.hrtime.bigint();
  const r = hasTime ? spawnSync(TIME_BIN, ['-v', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 << 20 }) : spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 256 << 20 });
  const ms = Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10;
  check(r, `${path.basename(cmd)} ${args.slice(0, 2).join(' ')}`);
  const m = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(r.stderr);
  return { ms, rssKb: m ? Number(m[1]) : undefined, stdout: r.stdout };
}

function lastJson<T>(stdout: string, what: string): T {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`${what} printed no JSON result: ${stdout.slice(-500)}`);
  }
}

interface OursFound {
  report: { filesScanned: number; durationMs: number; found: Record<string, number>; skipped: Record<string, number>; truncated: boolean };
  databases: Array<{ database_type: string; host: string | null; port: number | null; database_name: string | null }>;
  apis: Array<{ api_type: string; base_url: string; endpoints: number; authentication_type: string | null }>;
  frameworks: Array<{ framework_type: string; version: string | null }>;
  selfMaxRssKb: number;
}

interface TheirsFound {
  techs: Record<string, string>;
  ms: number;
  selfMaxRssKb: number;
}

/** stack-analyser is an ES module: it runs in `node --input-type=module`, resolving from the repository. */
const STACK_ANALYSER_CHILD = `
import { analyser, FSProvider, flatten, tech } from '@specfy/stack-analyser';
import '@specfy/stack-analyser/dist/autoload.js';
const t = performance.now();
const result = await analyser({ provider: new FSProvider({ path: process.argv[1] }) });
const flat = flatten(result, { merge: true });
const ms = performance.now() - t;
const keys = new Set(flat.techs);
for (const c of flat.childs) { if (c.tech) keys.add(c.tech); for (const k of c.techs) keys.add(k); }
const techs = {};
for (const k of [...keys].sort()) techs[k] = tech.indexed[k]?.type ?? 'unknown';
console.log(JSON.stringify({ techs, ms, selfMaxRssKb: process.resourceUsage().maxRSS }));
`;

async function childOurs(tree: string, dbPath: string): Promise<void> {
  const out = await withDatabase(dbPath, {}, async (db) => {
    const report = await crawlWorkspace(db, { workspace: tree });
    const databases = await db.all<OursFound['databases'][number]>('SELECT database_type, host, port, database_name FROM workspace_databases ORDER BY 1, 2, 4');
    const apis = (await db.all<{ api_type: string; base_url: string; endpoints: string; authentication_type: string | null }>('SELECT api_type, base_url, endpoints, authentication_type FROM workspace_apis ORDER BY 1, 2')).map((a) => ({
      ...a,
      endpoints: (JSON.parse(a.endpoints) as unknown[]).length,
    }));
    const frameworks = await db.all<OursFound['frameworks'][number]>('SELECT framework_type, version FROM workspace_frameworks ORDER BY 1, 2');
    return { report, databases, apis, frameworks };
  });
  console.log(JSON.stringify({ ...out, selfMaxRssKb: process.resourceUsage().maxRSS }));
}

interface Round {
  round: number;
  oursMs: number;
  oursRssKb: number;
  theirsMs: number;
  theirsRssKb: number;
}

function kbToMb(kb: number): number {
  return Math.round((kb * 1024) / 1e5) / 10;
}

function groupCount<T>(items: T[], key: (t: T) => string): string {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return [...m].map(([k, n]) => `${k} ×${n}`).join(', ');
}

async function main(): Promise<void> {
  const target = envInt('BENCH_FILES', 100_000, 1000);
  const rounds = envInt('BENCH_ROUNDS', 2);
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const tree = ensureTree(target);
  // Both sides start with the tree in the page cache and dentry cache.
  check(spawnSync('sh', ['-c', 'find "$1" -type f | xargs cat > /dev/null', 'sh', tree.dir], { encoding: 'utf8' }), 'warm');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cortex-crawler-bench-'));
  const template = path.join(work, 'template.db');
  await initBrain({ dbPath: template });

  const all: Round[] = [];
  let ours: OursFound | undefined;
  let theirs: TheirsFound | undefined;
  try {
    for (let round = 1; round <= rounds; round++) {
      const brain = path.join(work, `brain-${round}.db`);
      fs.copyFileSync(template, brain);
      const runOurs = () => timed(process.execPath, [__filename, '--child', tree.dir, brain]);
      const runTheirs = () => timed(process.execPath, ['--input-type=module', '-e', STACK_ANALYSER_CHILD, tree.dir]);
      const [o, t] = round % 2 ? [runOurs(), runTheirs()] : (() => {
        const th = runTheirs();
        return [runOurs(), th];
      })();
      ours = lastJson<OursFound>(o.stdout, 'our child');
      theirs = lastJson<TheirsFound>(t.stdout, 'stack-analyser child');
      if (ours.report.truncated) throw new Error('our crawl hit its time budget');
      all.push({ round, oursMs: o.ms, oursRssKb: o.rssKb ?? ours.selfMaxRssKb, theirsMs: t.ms, theirsRssKb: t.rssKb ?? theirs.selfMaxRssKb });
      console.log(`round ${round}: ours ${o.ms} ms / ${kbToMb(all[round - 1].oursRssKb)} MB, stack-analyser ${t.ms} ms / ${kbToMb(all[round - 1].theirsRssKb)} MB`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const best = (k: keyof Round) => Math.min(...all.map((r) => r[k]));
  const oursMs = best('oursMs');
  const theirsMs = best('theirsMs');
  const oursMb = kbToMb(best('oursRssKb'));
  const theirsMb = kbToMb(best('theirsRssKb'));
  const o = ours!;
  const th = theirs!;
  // stack-analyser types web servers such as express or koa as 'tool': names that are frameworks to us count as frameworks.
  const frameworkNames = new Set([...FRAMEWORK_RULES.map((r) => r.tech), 'nextjs', 'nuxtjs', 'sveltejs', 'aspnet', 'spring', 'remixrun', 'emberjs']);
  const theirDbs = Object.entries(th.techs).filter(([, type]) => type === 'db').map(([k]) => k);
  const theirFw = Object.entries(th.techs).filter(([k, type]) => type === 'framework' || type === 'ui_framework' || frameworkNames.has(k)).map(([k]) => k);
  const theirApi = Object.keys(th.techs).filter((k) => ['openapi', 'graphql', 'grpc', 'trpc', 'apollo', 'soap'].includes(k));
  const lines = [
    `### Crawler vs @specfy/stack-analyser — ${tree.files.toLocaleString('en')} files (+3,000 in node_modules), best of ${rounds}`,
    '',
    `Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${os.platform()} ${os.release()}. Wall time of the whole child process (start-up included); peak RSS from ${hasTime ? 'GNU time' : 'getrusage'}.`,
    '',
    '| | ours | stack-analyser | ratio (ours ÷ theirs) | target |',
    '|---|---:|---:|---:|---|',
    `| wall time (ms) | ${oursMs.toFixed(0)} | ${theirsMs.toFixed(0)} | ${(oursMs / theirsMs).toFixed(2)}× | ≤ ${TARGET_TIME_RATIO}× ${oursMs / theirsMs <= TARGET_TIME_RATIO ? '✅' : '❌'} |`,
    `| peak RSS (MB) | ${oursMb} | ${theirsMb} | ${(oursMb / theirsMb).toFixed(2)}× | < ${TARGET_PEAK_MB} MB ${oursMb < TARGET_PEAK_MB ? '✅' : '❌'} |`,
    `| files walked | ${o.report.filesScanned.toLocaleString('en')} | (not reported) | | |`,
    '',
    '| what | ours | stack-analyser |',
    '|---|---|---|',
    `| databases | ${o.databases.length} rows: ${groupCount(o.databases, (d) => d.database_type)} — with host, port, database name (e.g. ${o.databases
      .slice(0, 2)
      .map((d) => `${d.database_type} ${d.host ?? ''}${d.port ? `:${d.port}` : ''}/${d.database_name ?? ''}`)
      .join('; ')}) | ${theirDbs.length} techs: ${theirDbs.join(', ') || '—'} (names only) |`,
    `| APIs | ${o.apis.length} rows: ${groupCount(o.apis, (a) => a.api_type)} — base URLs, ${o.apis.reduce((n, a) => n + a.endpoints, 0)} endpoints, auth (${[...new Set(o.apis.map((a) => a.authentication_type ?? 'n/a'))].join(', ')}) | ${theirApi.length ? `${theirApi.join(', ')} (a tool name: no URL, endpoints or auth)` : '—'} |`,
    `| frameworks | ${o.frameworks.length} rows: ${groupCount(o.frameworks, (f) => f.framework_type)} — one per manifest, with resolved/declared version | ${theirFw.length} techs: ${theirFw.join(', ') || '—'} (no versions, no manifest) |`,
    `| everything else | — | ${Object.entries(th.techs)
      .filter(([k]) => !theirDbs.includes(k) && !theirFw.includes(k) && !theirApi.includes(k))
      .map(([k, type]) => `${k} (${type})`)
      .join(', ')} |`,
    '',
  ];
  console.log('\n' + lines.join('\n'));
  fs.writeFileSync(RESULT_FILE, JSON.stringify({ date: new Date().toISOString(), tree: { ...tree, dir: path.relative(ROOT, tree.dir) }, rounds: all, ours: o, theirs: th, table: lines }, null, 2));
  console.log(`Raw numbers: ${path.relative(ROOT, RESULT_FILE)}`);
}

if (process.argv[2] === '--child') {
  childOurs(process.argv[3], process.argv[4]).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  });
}
