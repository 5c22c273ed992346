#!/usr/bin/env node
/**
 * Benchmark (not a test): the activation cost of CORTEX for VS Code in the real host — the VS Code
 * workbench and extension host of code-server, driven by headless Chromium — next to an empty
 * extension (bench/empty-extension/) activated in the same extension host, plus the paging query
 * of a 100,000-row table and the size of the VSIX.
 *
 *   npm run build && npx tsc -p .            # dist/extension.js, dist/cli.js, out/src/core/…
 *   node bench/activation.bench.mjs
 *
 * Environment:
 *   BENCH_ROUNDS         rounds per scenario, each in a fresh session (default 3)
 *   BENCH_SCENARIOS      comma list of sample,uptodate,large (default all three)
 *   BENCH_CONVERSATIONS  conversations of the large brain (default 1,000,000)
 *   BENCH_MESSAGES       messages of the large brain (default 3,000,000)
 *   BENCH_TABLE_ROWS     rows of the paged table (default 100,000)
 *   BENCH_PAGE_RUNS      timed queries per page offset (default 21)
 *   BENCH_SKIP_VSIX=1    do not run `npm run package`
 *   BENCH_SQLITE3        the sqlite3 shell (default /usr/bin/sqlite3)
 *
 * Our marks are the `[perf] <name> at +<ms> ms` lines of the CORTEX log channel
 * (<user-data>/logs/<stamp>/exthostN/cortex-community.cortex-vscode/CORTEX.log), in ms since
 * activate() started. Both extensions' code loading comes from the extension host's own
 * performance marks (copied out by the empty extension). Result: Markdown on stdout and
 * bench/.data/activation-result.json. See bench/README.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installHost, CODE_SERVER_VERSION } from '../scripts/host/install-host.mjs';
import { createSession, hostLogs, installExtension, openWorkbench, sleep, startCodeServer, stopSession } from '../scripts/host/code-server.mjs';
import { sampleWorkspace } from '../scripts/sample-workspace.mjs';

// ---------------------------------------------------------------- settings

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA_DIR = path.join(ROOT, 'bench', '.data');
const RESULT_FILE = path.join(DATA_DIR, 'activation-result.json');
const EMPTY_DIR = path.join(ROOT, 'bench', 'empty-extension');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const SQLITE3 = process.env.BENCH_SQLITE3 || '/usr/bin/sqlite3';
const OURS = 'cortex-community.cortex-vscode';
const EMPTY = 'cortex-bench.empty';
const require = createRequire(import.meta.url);

const TARGET_ACTIVATE_MS = 20;
const TARGET_VIEWS_READY_MS = 50;
const TARGET_PAGE_MS = 30;
const TARGET_VSIX_MB = 3;
const MARK_TIMEOUT_MS = 180_000;

function envInt(name, fallback, min = 1) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min} (got ${JSON.stringify(raw)})`);
  return n;
}

const ROUNDS = envInt('BENCH_ROUNDS', 3);
const CONVERSATIONS = envInt('BENCH_CONVERSATIONS', 1_000_000);
const MESSAGES = envInt('BENCH_MESSAGES', 3_000_000);
const TABLE_ROWS = envInt('BENCH_TABLE_ROWS', 100_000, 100);
const PAGE_RUNS = envInt('BENCH_PAGE_RUNS', 21);
const SCENARIOS = (process.env.BENCH_SCENARIOS || 'sample,uptodate,large').split(',').map((s) => s.trim()).filter(Boolean);
for (const s of SCENARIOS) if (!['sample', 'uptodate', 'large'].includes(s)) throw new Error(`BENCH_SCENARIOS: unknown scenario ${s}`);

// ---------------------------------------------------------------- helpers

const round3 = (x) => (x === undefined ? undefined : Math.round(x * 1000) / 1000);

function median(values) {
  const s = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
  if (!s.length) return undefined;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
function min(values) {
  const s = values.filter((v) => typeof v === 'number');
  return s.length ? Math.min(...s) : undefined;
}
function fmt(ms, digits = 1) {
  return ms === undefined ? '—' : ms.toFixed(digits);
}

function check(r, what) {
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status ?? r.signal}: ${(r.stderr || r.stdout || '').toString().trim().slice(-2000)}`);
  return r;
}
function shell(db, sql, args = []) {
  return check(spawnSync(SQLITE3, ['-bail', '-batch', ...args, db], { input: sql, encoding: 'utf8', maxBuffer: 64 << 20 }), `sqlite3 ${db}`).stdout.trim();
}
function cli(...args) {
  return check(spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 }), `cortex ${args.join(' ')}`).stdout;
}
function rmDb(file) {
  for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
}
function walk(dir) {
  return fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [path.join(dir, e.name), ...walk(path.join(dir, e.name))] : [path.join(dir, e.name)]))
    : [];
}
function tmpDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// ---------------------------------------------------------------- preconditions

function preflight() {
  const need = [
    [path.join(ROOT, 'dist', 'extension.js'), 'npm run build'],
    [CLI, 'npm run build'],
    [path.join(ROOT, 'out', 'src', 'core', 'knowledge', 'discoveries.js'), 'npx tsc -p .'],
    [path.join(ROOT, 'out', 'src', 'core', 'db', 'database.js'), 'npx tsc -p .'],
    [SQLITE3, 'apt-get install sqlite3'],
  ];
  for (const [file, fix] of need) if (!fs.existsSync(file)) throw new Error(`${path.relative(ROOT, file) || file} is missing: run \`${fix}\` first`);
  const built = fs.statSync(path.join(ROOT, 'dist', 'extension.js')).mtimeMs;
  const newer = walk(path.join(ROOT, 'src')).filter((f) => f.endsWith('.ts') && fs.statSync(f).mtimeMs > built);
  if (newer.length) console.log(`Note: ${newer.length} file(s) in src/ are newer than dist/extension.js (e.g. ${path.relative(ROOT, newer[0])}); the benchmark measures the build as it is.`);
}

// ---------------------------------------------------------------- workspaces and brains

/** The sample's files (without its brain) in a new temp folder; `db` (if given) copied in as its brain. */
function workspaceWithBrain(db) {
  const dir = tmpDir('cortex-bench-ws-');
  fs.cpSync(path.join(ROOT, 'samples', 'acme-shop'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}cortex-brain`) });
  const target = path.join(dir, 'cortex-brain', 'tier1', 'conversations.db');
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (db) fs.copyFileSync(db, target);
  settle();
  return dir;
}

/**
 * Flushes dirty pages (a 700 MB copy would otherwise be written back while the host starts,
 * competing for CPU and disk with what is measured). Every scenario calls it before its session.
 */
function settle() {
  check(spawnSync('sync', [], { encoding: 'utf8' }), 'sync');
}

function brainStatus(workspace) {
  return JSON.parse(cli('status', '--json', '--workspace', workspace));
}

function countRows(file) {
  try {
    const [c, m, mig] = shell(file, `SELECT (SELECT count(*) FROM conversations) || '|' || (SELECT count(*) FROM messages) || '|' || (SELECT count(*) FROM sqlite_master WHERE name = 'migrations');`).split('|').map(Number);
    return { conversations: c, messages: m, migrations: mig };
  } catch {
    return undefined;
  }
}

/** The 1.0 Tier 1 shape (as bench/migration.bench.ts and samples/legacy-shapes/conversation-manager.sql), filled by recursive CTEs. */
function generationSql(n, m) {
  const span = 2 * 365 * 86400;
  const start = (i) => `(1704067200 + ${i} * ${span} / ${n})`;
  const firstMsg = (k) => `((${k} - 1) * ${m} + ${n} - 1) / ${n}`;
  const text = 'I looked at the failing test and the session cookie is set after the redirect, so the first request races it. Moved the login helper into a fixture, added a retry around the token refresh and a unit test for the expiry edge case. The query on orders scans the whole table because the index is on customer_id only; adding a composite index brings it from 900 ms to 4 ms. Next: export invoices as CSV and check the security headers.';
  return `PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
BEGIN;
CREATE TABLE conversations (conversation_id TEXT PRIMARY KEY, agent_id TEXT, start_time TIMESTAMP, end_time TIMESTAMP, goal TEXT, outcome TEXT, status TEXT, message_count INTEGER DEFAULT 0, context TEXT);
CREATE TABLE messages (message_id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL REFERENCES conversations(conversation_id), role TEXT, content TEXT, timestamp TIMESTAMP);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${n})
INSERT INTO conversations (conversation_id, agent_id, start_time, end_time, goal, outcome, status, message_count, context)
SELECT printf('conv-%07d', i),
       CASE i % 3 WHEN 0 THEN 'copilot' WHEN 1 THEN 'planner' ELSE 'tester' END,
       datetime(${start('i')}, 'unixepoch'),
       CASE WHEN i % 20 = 0 THEN NULL ELSE datetime(${start('i')} + 300 + (i * 7919) % 7200, 'unixepoch') END,
       CASE i % 4 WHEN 0 THEN 'Add product search' WHEN 1 THEN 'Fix checkout rounding' WHEN 2 THEN 'Speed up /orders' ELSE 'Write API docs' END || printf(' (#%d)', i % 997),
       CASE WHEN i % 20 = 0 THEN NULL ELSE 'done' END,
       CASE WHEN i % 20 = 0 THEN 'active' ELSE 'completed' END,
       ${firstMsg('i + 1')} - ${firstMsg('i')},
       CASE WHEN i % 5 = 0 THEN NULL ELSE '{"files":["src/module' || (i % 97) || '.ts"],"branch":"feature/task-' || (i % 5000) || '"}' END
FROM c;
WITH RECURSIVE m(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM m WHERE j < ${m})
INSERT INTO messages (conversation_id, role, content, timestamp)
SELECT printf('conv-%07d', k),
       CASE WHEN (j - 1 - ${firstMsg('k')}) % 2 = 0 THEN 'user' ELSE 'assistant' END,
       substr('${text}', 1 + (j * 7919) % 300, 20 + (j * 104729) % 100),
       datetime(${start('k')} + (j - 1 - ${firstMsg('k')}) * 120, 'unixepoch')
FROM (SELECT j, (j - 1) * ${n} / ${m} + 1 AS k FROM m);
CREATE INDEX idx_messages_conversation ON messages(conversation_id);
COMMIT;
`;
}

/** The 1.0 brain of the migration benchmark when present (and still 1.0), else one generated here. */
function ensureLegacyBrain() {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  for (const file of [path.join(DATA_DIR, `brain-1.0-${CONVERSATIONS}c-${MESSAGES}m.db`), path.join(DATA_DIR, `activation-brain-1.0-${CONVERSATIONS}c-${MESSAGES}m.db`)]) {
    const c = fs.existsSync(file) ? countRows(file) : undefined;
    if (c && c.conversations === CONVERSATIONS && c.messages === MESSAGES && c.migrations === 0) {
      console.log(`Using the 1.0 brain ${path.relative(ROOT, file)}.`);
      return file;
    }
  }
  const file = path.join(DATA_DIR, `activation-brain-1.0-${CONVERSATIONS}c-${MESSAGES}m.db`);
  console.log(`Generating a 1.0 brain (${CONVERSATIONS.toLocaleString('en')} conversations, ${MESSAGES.toLocaleString('en')} messages) with ${SQLITE3} …`);
  const partial = `${file}.partial`;
  rmDb(partial);
  const t = performance.now();
  shell(partial, generationSql(CONVERSATIONS, MESSAGES));
  fs.renameSync(partial, file);
  console.log(`Generated ${path.relative(ROOT, file)} in ${((performance.now() - t) / 1000).toFixed(1)} s.`);
  return file;
}

/**
 * The up-to-date large brain, made once: a workspace folder under bench/.data/ whose brain is a
 * copy of the 1.0 brain migrated by `cortex migrate --workspace`. Re-running migrate on it is a
 * no-op while it is up to date (and applies any migration added since). Its pre-migration
 * backup is deleted (the 1.0 source is kept anyway).
 */
function ensureLargeBrain() {
  const ws = path.join(DATA_DIR, `activation-workspace-2.0-${CONVERSATIONS}c-${MESSAGES}m`);
  const db = path.join(ws, 'cortex-brain', 'tier1', 'conversations.db');
  if (!fs.existsSync(db)) {
    const legacy = ensureLegacyBrain();
    fs.rmSync(ws, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(db), { recursive: true });
    fs.copyFileSync(legacy, db);
    console.log(`Migrating ${path.relative(ROOT, db)} with \`cortex migrate --workspace\` …`);
  }
  const t = performance.now();
  const out = cli('migrate', '--json', '--workspace', ws);
  const ms = performance.now() - t;
  const report = JSON.parse(out);
  fs.rmSync(path.join(ws, 'cortex-brain', 'backups'), { recursive: true, force: true });
  const st = brainStatus(ws);
  if (st.state !== 'up-to-date') throw new Error(`the large brain is ${st.state} after migrate: ${out.slice(-500)}`);
  const what = report.applied?.length ? `${report.applied.length} migration(s) applied in ${(ms / 1000).toFixed(1)} s` : 'already up to date';
  console.log(`Large brain ${path.relative(ROOT, db)}: ${(st.sizeBytes / 1e6).toFixed(0)} MB, ${st.applied.length} migrations (${what}).`);
  return { db: path.relative(ROOT, db), sizeBytes: st.sizeBytes, migrations: st.applied.length };
}

// ---------------------------------------------------------------- reading one extension host's numbers

function parsePerfMarks(file) {
  const marks = {};
  if (!fs.existsSync(file)) return marks;
  for (const m of fs.readFileSync(file, 'utf8').matchAll(/\[perf\] (.+?) at \+([\d.]+) ms/g)) marks[m[1]] ??= Number(m[2]);
  return marks;
}

function readBenchOut(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** Which activation event started an extension in this host (the exthost log's info line). */
function activationEvent(exthostDir, id) {
  for (const f of walk(exthostDir).filter((x) => /exthost\.log$/i.test(x))) {
    const m = new RegExp(`_doActivateExtension ${id.replace(/\./g, '\\.')}, startup: (\\w+), activationEvent: '([^']*)'`).exec(fs.readFileSync(f, 'utf8'));
    if (m) return `${m[2]} (startup: ${m[1]})`;
  }
  return undefined;
}

/**
 * Waits until the extension host whose log folder is not in `skip` has reported: the empty
 * extension's two lines, and all of `wanted` in CORTEX.log. Returns that host's numbers.
 */
async function waitForHost(s, outFile, wanted, skip = new Set()) {
  const deadline = Date.now() + MARK_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    const recs = readBenchOut(outFile);
    const empty = recs.find((r) => r.kind === 'empty' && !skip.has(path.dirname(r.logDir)));
    if (empty) {
      const exthostDir = path.dirname(empty.logDir);
      const host = recs.find((r) => r.kind === 'hostMarks' && r.pid === empty.pid);
      const ours = parsePerfMarks(path.join(exthostDir, OURS, 'CORTEX.log'));
      const missing = wanted.filter((w) => ours[w] === undefined);
      last = `host ${path.basename(exthostDir)}: hostMarks ${host ? 'in' : 'not yet in'}, missing marks: ${missing.join(', ') || 'none'}`;
      if (host && !missing.length) {
        if (!host.complete) throw new Error(`${OURS} did not activate in ${path.basename(exthostDir)}`);
        return { exthostDir, empty, host, ours };
      }
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${MARK_TIMEOUT_MS / 1000} s waiting for the extension host's marks (${last || 'no empty-extension line yet'})\n${hostLogs(s)}`);
}

/** One extension host's numbers, as the tables use them. */
function hostNumbers({ exthostDir, empty, host, ours }) {
  const hm = Object.fromEntries(host.marks.map((m) => [m.name, m.startTime]));
  const codeLoad = (id) => {
    const a = hm[`code/extHost/willLoadExtensionCode/${id}`];
    const b = hm[`code/extHost/didLoadExtensionCode/${id}`];
    return a === undefined || b === undefined ? undefined : b - a;
  };
  const hostSeen = (id) => {
    const a = hm[`code/extHost/willLoadExtensionCode/${id}`];
    const b = hm[`code/extHost/didActivateExtension/${id}`];
    return a === undefined || b === undefined ? undefined : b - a;
  };
  const emptyActivate = empty.activateEnd - empty.activateStart;
  const oursLoad = codeLoad(OURS);
  const emptyLoad = codeLoad(EMPTY);
  const probe = host.probe ?? {};
  return {
    exthost: path.basename(exthostDir),
    pid: empty.pid,
    activatedBy: { ours: activationEvent(exthostDir, OURS), empty: activationEvent(exthostDir, EMPTY) },
    ours: {
      marks: ours,
      codeLoadMs: oursLoad, // host marks
      hostSeenMs: hostSeen(OURS),
      activateStartWall: hm[`code/extHost/willActivateExtension/${OURS}`],
      // the empty extension's probe (performance.now(), process.cpuUsage()); undefined when it missed CORTEX's require()
      probe: { hooked: !!probe.hooked, loadWallMs: probe.load?.wallMs, loadCpuMs: probe.load?.cpuMs, activateWallMs: probe.activate?.wallMs, activateCpuMs: probe.activate?.cpuMs },
      loadPlusActivateMs: probe.load && probe.activate ? probe.load.wallMs + probe.activate.wallMs : undefined,
    },
    empty: {
      codeLoadMs: emptyLoad,
      activateMs: emptyActivate,
      activateCpuMs: empty.activateCpuMs,
      loadPlusActivateMs: emptyLoad === undefined ? undefined : emptyLoad + emptyActivate,
      hostSeenMs: hostSeen(EMPTY),
      activateStartWall: hm[`code/extHost/willActivateExtension/${EMPTY}`],
    },
    hostMarks: host.marks.filter((m) => m.name.endsWith(OURS) || m.name.endsWith(EMPTY) || !/\/[^/]+\.[^/]+$/.test(m.name)),
  };
}

// ---------------------------------------------------------------- one session

async function withSession(fn) {
  const s = createSession({ trusted: true });
  const outFile = path.join(s.root, 'bench-out.jsonl');
  try {
    installExtension(s, ROOT);
    installExtension(s, EMPTY_DIR);
    await startCodeServer(s, { env: { CORTEX_BENCH_OUT: outFile } });
    return await fn(s, outFile);
  } finally {
    await stopSession(s);
  }
}

/** Scenario 1: a fresh sample workspace with its 1.0 brain, which CORTEX migrates on open. */
async function runSample() {
  const ws = sampleWorkspace(tmpDir('cortex-bench-sample-'));
  settle();
  try {
    return await withSession(async (s, outFile) => {
      const loadavg = os.loadavg()[0];
      const page = await openWorkbench(s, ws);
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      const h = await waitForHost(s, outFile, ['activate() returned', 'brain located', 'migration done', 'brains started']);
      const st = brainStatus(ws);
      if (st.state !== 'up-to-date') throw new Error(`the sample brain is ${st.state} after CORTEX opened it`);
      return { loadavg, ...hostNumbers(h) };
    });
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

/**
 * Scenarios 2 and 3: an up-to-date brain with the CORTEX container open at start-up. The first
 * page load opens the container (so the workbench remembers it); the reload then starts a new
 * extension host with the container restored open, and that host is the one measured. In the
 * page, the wall-clock time at which the "Self-Review" row appears is recorded, to set it
 * against our activation start (same machine clock, 1 ms resolution).
 */
async function runViews(ws) {
  return withSession(async (s, outFile) => {
    const page = await openWorkbench(s, ws);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    const first = await waitForHost(s, outFile, ['activate() returned', 'brains started']);
    await page.locator('.activitybar [aria-label^="CORTEX"]').first().click();
    await page.locator('.sidebar .monaco-list-row', { hasText: 'Self-Review' }).first().waitFor({ timeout: 60_000 });
    await sleep(1000); // let the workbench store the open container
    const loadavg = os.loadavg()[0];
    const reloadAt = Date.now();
    await page.reload({ waitUntil: 'commit' });
    const rowVisibleAt = await (await page.waitForFunction(() => {
      for (const r of document.querySelectorAll('.sidebar .monaco-list-row')) if (r.textContent.includes('Self-Review')) return Date.now();
      return 0;
    }, null, { polling: 'raf', timeout: MARK_TIMEOUT_MS })).jsonValue();
    const second = await waitForHost(s, outFile, ['activate() returned', 'brain located', 'brains started', 'views ready'], new Set([first.exthostDir]));
    const n = hostNumbers(second);
    if (n.pid === first.empty.pid) throw new Error('the reload did not start a new extension host');
    return {
      loadavg,
      ...n,
      rowVisibleAfterActivateMs: n.ours.activateStartWall === undefined ? undefined : rowVisibleAt - n.ours.activateStartWall,
      rowVisibleAfterReloadMs: rowVisibleAt - reloadAt,
      beforeReload: { exthost: path.basename(first.exthostDir), marks: first.ours },
    };
  });
}

async function runUpToDateSample() {
  const ws = sampleWorkspace(tmpDir('cortex-bench-uptodate-'));
  try {
    cli('migrate', '--json', '--workspace', ws);
    if (brainStatus(ws).state !== 'up-to-date') throw new Error('the sample brain is not up to date after `cortex migrate`');
    settle();
    return await runViews(ws);
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

async function runLarge(large) {
  const ws = workspaceWithBrain(path.join(ROOT, large.db));
  try {
    return await runViews(ws);
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- a page of a 100,000-row table

async function runPaging() {
  const dir = tmpDir('cortex-bench-page-');
  const db = path.join(dir, 'brain.db');
  try {
    cli('init', '--json', '--db', db);
    const t = performance.now();
    shell(db, `BEGIN;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${TABLE_ROWS})
INSERT INTO workspace_frameworks (framework_type, version, config_location, components_count, routes_count, discovered_at, last_verified, metadata)
SELECT CASE i % 6 WHEN 0 THEN 'react' WHEN 1 THEN 'express' WHEN 2 THEN 'django' WHEN 3 THEN 'spring' WHEN 4 THEN 'rails' ELSE 'vue' END,
       printf('%d.%d.%d', 1 + i % 19, i % 13, i % 7),
       printf('packages/pkg-%06d/package.json', i),
       i % 300, i % 120,
       1767225600 + i,
       CASE WHEN i % 4 = 0 THEN NULL ELSE 1767225600 + i * 10 END,
       '{"source":"package.json","dependencies":' || (i % 50) || ',"dev":' || CASE WHEN i % 2 = 0 THEN 'true' ELSE 'false' END || '}'
FROM c;
COMMIT;
ANALYZE;`);
    const fillMs = performance.now() - t;
    const count = Number(shell(db, 'SELECT count(*) FROM workspace_frameworks;'));
    if (count !== TABLE_ROWS) throw new Error(`workspace_frameworks holds ${count} rows, expected ${TABLE_ROWS}`);
    const sql = (offset) => `SELECT * FROM workspace_frameworks ORDER BY framework_type, config_location, id LIMIT 51 OFFSET ${offset}`;
    const plan = shell(db, `EXPLAIN QUERY PLAN ${sql(0)};`);
    const offsets = [0, Math.floor(TABLE_ROWS / 2), TABLE_ROWS - 50];

    const { Database } = require(path.join(ROOT, 'out', 'src', 'core', 'db', 'database.js'));
    const { listDiscoveries } = require(path.join(ROOT, 'out', 'src', 'core', 'knowledge', 'discoveries.js'));
    const conn = await Database.open(db, { readonly: true });
    const rows = [];
    try {
      for (const offset of offsets) {
        const first = await listDiscoveries(conn, 'frameworks', { offset, limit: 50 }); // warm-up (not timed)
        if (first.items.length !== 50) throw new Error(`page at ${offset} has ${first.items.length} rows`);
        const ours = [];
        for (let i = 0; i < PAGE_RUNS; i++) {
          const t0 = performance.now();
          await listDiscoveries(conn, 'frameworks', { offset, limit: 50 });
          ours.push(performance.now() - t0);
        }
        const sh = shellPerQuery(db, sql(offset));
        rows.push({ offset, oursMedianMs: median(ours), oursMinMs: min(ours), shellMedianMs: sh.medianMs, shellMinMs: sh.minMs, ours, shell: sh.samples, hasMore: first.hasMore });
      }
    } finally {
      await conn.close();
    }
    return { rows: TABLE_ROWS, fillMs, plan, sqliteShell: shell(db, 'SELECT sqlite_version();'), sqliteDriver: await driverVersion(Database, db), offsets: rows };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same SELECT in the sqlite3 shell. Its `.timer` has 1 ms resolution, too coarse here, so
 * the shell's time per query is measured by difference: a process running the query 1 + N times
 * minus a process running it once (output to /dev/null), N = SHELL_REPS; 5 such pairs, median.
 */
const SHELL_REPS = 200;
function shellPerQuery(db, sqlText) {
  const run = (n) => {
    const input = `.output /dev/null\n${Array.from({ length: n }, () => `${sqlText};`).join('\n')}\n`;
    const t = performance.now();
    check(spawnSync(SQLITE3, ['-bail', '-batch', '-readonly', db], { input, encoding: 'utf8' }), 'sqlite3 page query');
    return performance.now() - t;
  };
  run(1); // warm-up
  const samples = [];
  for (let i = 0; i < 5; i++) {
    const one = run(1);
    const many = run(1 + SHELL_REPS);
    samples.push((many - one) / SHELL_REPS);
  }
  return { medianMs: median(samples), minMs: min(samples), samples };
}

async function driverVersion(Database, db) {
  const c = await Database.open(db, { readonly: true });
  try {
    return (await c.get('SELECT sqlite_version() AS v')).v;
  } finally {
    await c.close();
  }
}

// ---------------------------------------------------------------- VSIX

function runVsix() {
  const file = path.join(ROOT, 'cortex-vscode.vsix');
  const t = performance.now();
  const r = spawnSync('npm', ['run', 'package'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const ms = performance.now() - t;
  // `npm run package` leaves the minified production bundle in dist/: put the development build back.
  const rebuild = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  check(r, 'npm run package');
  check(rebuild, 'npm run build');
  const bytes = fs.statSync(file).size;
  const list = spawnSync('unzip', ['-l', file], { encoding: 'utf8' });
  return { file: path.relative(ROOT, file), bytes, mb: bytes / 1e6, platform: `${process.platform}-${process.arch}`, packageMs: ms, contents: list.status === 0 ? list.stdout.trim() : undefined };
}

// ---------------------------------------------------------------- report

const SCENARIO_TITLES = {
  sample: 'Sample workspace, 1.0 brain (CORTEX migrates it on open)',
  uptodate: 'Sample workspace, up-to-date brain, CORTEX view container open at start-up (after a reload)',
  large: 'Up-to-date large brain, CORTEX view container open at start-up (after a reload)',
};
const SCENARIO_MARKS = {
  sample: ['activate() returned', 'brain located', 'migration done', 'brains started'],
  uptodate: ['activate() returned', 'brain located', 'brains started', 'views ready'],
  large: ['activate() returned', 'brain located', 'brains started', 'views ready'],
};

/** ours ÷ empty; `resolution`: the empty value is a whole number of ms, 0 meaning "under 1 ms". */
function ratio(a, b, resolution = 0) {
  if (a === undefined || b === undefined) return '—';
  const f = (r) => (r >= 100 ? r.toFixed(0) : r.toFixed(2));
  if (b < resolution || b <= 0) return resolution ? `≥ ${f(a / resolution)}× (empty < ${resolution} ms)` : '—';
  return `${f(a / b)}×`;
}

function scenarioTable(name, runs) {
  const pick = (f) => runs.map(f);
  const emptyHost = median(pick((r) => r.empty.hostSeenMs));
  const lines = [
    `| mark | ours median (ms) | ours min (ms) | empty extension (ms) | ratio |`,
    `|---|---:|---:|---:|---:|`,
  ];
  const row = (label, values, emptyMs, resolution = 0) => {
    const med = median(values);
    lines.push(`| ${label} | ${fmt(med)} | ${fmt(min(values))} | ${emptyMs === undefined ? '—' : fmt(emptyMs, emptyMs < 1 && emptyMs > 0 ? 4 : 1)} | ${emptyMs === undefined ? '—' : ratio(med, emptyMs, resolution)} |`);
  };
  row('activate() returned (our mark) ¹', pick((r) => r.ours.marks['activate() returned']), median(pick((r) => r.empty.activateMs)));
  row('activate() call, wall ²', pick((r) => r.ours.probe.activateWallMs), median(pick((r) => r.empty.activateMs)));
  row('activate() call, CPU time ²', pick((r) => r.ours.probe.activateCpuMs), median(pick((r) => r.empty.activateCpuMs)));
  row('module load: `require` of the main file, wall ³', pick((r) => r.ours.probe.loadWallMs), median(pick((r) => r.empty.codeLoadMs)), 1);
  row('module load, CPU time ²', pick((r) => r.ours.probe.loadCpuMs), undefined);
  row('module load + activate(), wall ³', pick((r) => r.ours.loadPlusActivateMs), median(pick((r) => r.empty.loadPlusActivateMs)), 1);
  row('activation as the host sees it: load start → activated ⁴', pick((r) => r.ours.hostSeenMs), emptyHost, 1);
  for (const m of SCENARIO_MARKS[name].slice(1)) row(`${m} ⁵`, pick((r) => r.ours.marks[m]), emptyHost, 1);
  if (name !== 'sample') {
    row('"Self-Review" row visible in the page, after our activate() started ⁶', pick((r) => r.rowVisibleAfterActivateMs), undefined);
    row('"Self-Review" row visible in the page, after the reload started ⁶', pick((r) => r.rowVisibleAfterReloadMs), undefined);
  }
  const tally = (values) => {
    const counts = new Map();
    for (const v of values) counts.set(v ?? '?', (counts.get(v ?? '?') ?? 0) + 1);
    return [...counts].map(([v, n]) => (counts.size > 1 ? `${v} ×${n}` : v)).join(', ');
  };
  const events = [`ours by ${tally(runs.map((r) => r.activatedBy.ours))}`, `the empty extension by ${tally(runs.map((r) => r.activatedBy.empty))}`];
  const missed = runs.filter((r) => r.ours.probe.activateWallMs === undefined).length;
  const load = runs.map((r) => r.loadavg?.toFixed(1)).join(', ');
  return `${lines.join('\n')}\n\n${runs.length} round(s), each in a fresh session; 1-minute load average at the start of each: ${load}.${missed ? ` The probe missed CORTEX in ${missed} round(s).` : ''} Activated: ${events.join('; ')}.`;
}

const TABLE_NOTES = `¹ ours: the \`[perf]\` mark, performance.now() from just after the log channel is created to just before activate() returns; empty extension: performance.now() around its activate().
² the empty extension's probe around CORTEX's require() and activate() (performance.now(); CPU = process.cpuUsage() user + system of the extension host process, all threads), against the empty extension's own activate() measured the same way.
³ ours: the probe; empty extension: extension host marks willLoadExtensionCode → didLoadExtensionCode (Date.now(), 1 ms resolution; 0 means under 1 ms), plus its activate().
⁴ extension host marks willLoadExtensionCode → didActivateExtension (1 ms resolution). Both extensions are in the same activation batch, so this includes the host's work for the whole batch (other extensions' code, the extension contexts, ours' activate()).
⁵ ms since our activate() started (\`[perf]\` marks of the CORTEX log); empty extension column: its activation as the host sees it (⁴), i.e. what activating an extension that does nothing took in that host at that moment.
⁶ wall clock in the page (requestAnimationFrame polling) minus the host's willActivateExtension mark of ours (same machine clock, 1 ms resolution), and minus the moment the reload was requested.`;

function targetsTable(result) {
  const out = [`| target | measured | |`, `|---|---|---|`];
  const ok = (b) => (b === undefined ? 'not measured' : b ? 'reached' : '**missed**');
  const acts = Object.entries(result.scenarios).map(([n, runs]) => [n, median(runs.map((r) => r.ours.marks['activate() returned'])), Math.max(...runs.map((r) => r.ours.marks['activate() returned']))]);
  if (acts.length) {
    const cpu = Object.entries(result.scenarios).map(([n, runs]) => `${n} ${fmt(median(runs.map((r) => r.ours.probe.activateCpuMs)))}`).join(', ');
    out.push(`| activate() returns within ${TARGET_ACTIVATE_MS} ms | ${acts.map(([n, m, w]) => `${n}: median ${fmt(m)}, worst ${fmt(w)} ms`).join('; ')} (CPU time of the call, median: ${cpu} ms) | ${ok(acts.every(([, m]) => m !== undefined && m < TARGET_ACTIVATE_MS))} |`);
  }
  const views = ['uptodate', 'large'].filter((n) => result.scenarios[n]).map((n) => [n, median(result.scenarios[n].map((r) => r.ours.marks['views ready']))]);
  if (views.length) {
    const sizes = { uptodate: 'sample', large: result.large ? `${(result.large.sizeBytes / 1e6).toFixed(0)} MB` : 'large' };
    out.push(`| up-to-date brain: views ready within ${TARGET_VIEWS_READY_MS} ms of activation, whatever the size | ${views.map(([n, m]) => `${sizes[n]}: median ${fmt(m)} ms`).join('; ')} | ${ok(views.every(([, m]) => m !== undefined && m < TARGET_VIEWS_READY_MS))} |`);
  }
  if (result.paging) {
    const worst = result.paging.offsets.reduce((a, b) => (b.oursMedianMs > a.oursMedianMs ? b : a));
    out.push(`| a page of a ${result.paging.rows.toLocaleString('en')}-row table in under ${TARGET_PAGE_MS} ms | slowest page (offset ${worst.offset.toLocaleString('en')}): median ${fmt(worst.oursMedianMs, 2)} ms | ${ok(result.paging.offsets.every((o) => o.oursMedianMs < TARGET_PAGE_MS))} |`);
  }
  if (result.vsix) out.push(`| ${result.vsix.platform} VSIX under ${TARGET_VSIX_MB} MB | ${result.vsix.mb.toFixed(2)} MB (${result.vsix.bytes.toLocaleString('en')} bytes) | ${ok(result.vsix.mb < TARGET_VSIX_MB)} |`);
  return out.join('\n');
}

function pagingTable(p) {
  const lines = [
    `| page (limit 50) | listDiscoveries median (ms) | min (ms) | sqlite3 shell median (ms) | ratio |`,
    `|---|---:|---:|---:|---:|`,
  ];
  for (const o of p.offsets) lines.push(`| offset ${o.offset.toLocaleString('en')} | ${fmt(o.oursMedianMs, 2)} | ${fmt(o.oursMinMs, 2)} | ${fmt(o.shellMedianMs, 2)} | ${ratio(o.oursMedianMs, o.shellMedianMs)} |`);
  return `${lines.join('\n')}\n\nQuery plan: ${p.plan.replace(/\n/g, ' ').replace(/\s+/g, ' ')}. SQLite: driver ${p.sqliteDriver}, shell ${p.sqliteShell}; median of ${PAGE_RUNS} per offset.`;
}

// ---------------------------------------------------------------- main

async function main() {
  preflight();
  await installHost();
  const result = {
    date: new Date().toISOString(),
    commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || undefined,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGB: Math.round(os.totalmem() / 1e9), node: process.version, codeServer: CODE_SERVER_VERSION, loadavgAtStart: os.loadavg() },
    bundle: { file: 'dist/extension.js', bytes: fs.statSync(path.join(ROOT, 'dist', 'extension.js')).size },
    settings: { rounds: ROUNDS, scenarios: SCENARIOS, conversations: CONVERSATIONS, messages: MESSAGES, tableRows: TABLE_ROWS, pageRuns: PAGE_RUNS },
    scenarios: {},
    errors: [],
  };
  if (SCENARIOS.includes('large')) result.large = ensureLargeBrain();

  // Rounds outside, scenarios inside: a noisy minute spreads over all scenarios.
  for (let round = 1; round <= ROUNDS; round++) {
    for (const name of SCENARIOS) {
      const t = Date.now();
      process.stdout.write(`round ${round}/${ROUNDS}, ${name} … `);
      try {
        const r = name === 'sample' ? await runSample() : name === 'uptodate' ? await runUpToDateSample() : await runLarge(result.large);
        (result.scenarios[name] ??= []).push({ round, ...r });
        console.log(`${((Date.now() - t) / 1000).toFixed(0)} s; activate() returned +${r.ours.marks['activate() returned']} ms${r.ours.marks['views ready'] !== undefined ? `, views ready +${r.ours.marks['views ready']} ms` : ''}`);
      } catch (err) {
        console.log('FAILED');
        console.error(err);
        result.errors.push({ round, scenario: name, error: String(err?.stack ?? err) });
      }
    }
  }

  console.log('\nA page of a large table …');
  try {
    result.paging = await runPaging();
  } catch (err) {
    console.error(err);
    result.errors.push({ scenario: 'paging', error: String(err?.stack ?? err) });
  }
  if (process.env.BENCH_SKIP_VSIX !== '1') {
    console.log('npm run package …');
    try {
      result.vsix = runVsix();
    } catch (err) {
      console.error(err);
      result.errors.push({ scenario: 'vsix', error: String(err?.stack ?? err) });
    }
  }

  const md = [];
  md.push(`# Activation benchmark — ${result.date.slice(0, 10)}, ${result.commit ?? 'no commit'}, ${result.machine.cpus} × ${result.machine.model}, Node ${process.version}, code-server ${CODE_SERVER_VERSION}; dist/extension.js ${(result.bundle.bytes / 1e3).toFixed(0)} kB`);
  md.push('Ours: the `[perf]` marks of the CORTEX log (ms since our activate() started) and the extension host\'s own marks; empty extension: bench/empty-extension in the same extension host. ratio = ours median ÷ empty median.');
  for (const name of SCENARIOS) {
    const runs = result.scenarios[name];
    const title = name === 'large' && result.large ? `${SCENARIO_TITLES.large.replace('large brain', `${(result.large.sizeBytes / 1e6).toFixed(0)} MB brain`)}` : SCENARIO_TITLES[name];
    md.push(`## ${title}\n\n${runs?.length ? scenarioTable(name, runs) : '(no successful round)'}`);
  }
  md.push(TABLE_NOTES);
  if (result.paging) md.push(`## A page of a ${result.paging.rows.toLocaleString('en')}-row table (workspace_frameworks)\n\n${pagingTable(result.paging)}`);
  if (result.vsix) md.push(`## VSIX\n\n\`npm run package\`: ${result.vsix.file}, ${result.vsix.mb.toFixed(2)} MB (${result.vsix.bytes.toLocaleString('en')} bytes), built on ${result.vsix.platform}.`);
  md.push(`## Targets\n\n${targetsTable(result)}`);
  if (result.errors.length) md.push(`## Errors\n\n${result.errors.map((e) => `- ${e.scenario}${e.round ? ` round ${e.round}` : ''}: ${e.error.split('\n')[0]}`).join('\n')}`);
  result.markdown = md.join('\n\n');
  fs.mkdirSync(DATA_DIR, { recursive: true });
  fs.writeFileSync(RESULT_FILE, JSON.stringify(result, (k, v) => (typeof v === 'number' && !Number.isInteger(v) ? round3(v) : v), 2) + '\n');
  console.log(`\n${result.markdown}\n\nResult: ${path.relative(ROOT, RESULT_FILE)}`);
  if (result.errors.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
