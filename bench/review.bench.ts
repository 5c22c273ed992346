/**
 * Benchmark (not a test): the self-review of a ~1 GB 2.0 brain against
 * Debian's sqlite3 shell running `PRAGMA quick_check` alone on the same file,
 * in the same run.
 *
 *   node out/bench/review.bench.js          # after `npx tsc -p .`
 *
 * Environment: BENCH_ROUNDS (default 3), BENCH_SQLITE3 (default /usr/bin/sqlite3).
 *
 * This file also builds the brain the three health benchmarks share
 * (review, maintenance, retention): bench/.data/health-2.0.db, generated once
 * and reused while its row counts match. See bench/README.md.
 *
 * `review.bench.js --child review WORKSPACE` is the child process that runs
 * the review, so its time and peak memory are those of a process doing only that.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median } from '../src/core/maintenance/measure';
import { runSelfReview } from '../src/core/review/selfReview';
import { migrate } from '../src/core/schema/migrator';
import { check, envInt, hasTime, lastJsonLine, msSince, shell, SQLITE3, timed, Timed } from './common';

// Shared with the maintenance and retention benchmarks, which import them from here.
export { check, hasTime, lastJsonLine, msSince, shell, SQLITE3, timed };
export type { Timed };

// ---------------------------------------------------------------- shared by the health benchmarks

export const ROOT = path.resolve(__dirname, '..', '..'); // out/bench → repository root
export const DATA_DIR = path.join(ROOT, 'bench', '.data');


export function kbToMb(kb: number | undefined): string {
  return kb === undefined ? '—' : ((kb * 1024) / 1e6).toFixed(1);
}

export function rmDb(file: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
}

/** `sync`, then one read of the file, so every side starts from the same warm page cache. */
export function settle(file: string): void {
  check(spawnSync('sync', [], { encoding: 'utf8' }), 'sync');
  check(spawnSync('sh', ['-c', 'cat "$1" > /dev/null', 'sh', file], { encoding: 'utf8' }), `cat ${file}`);
}

/** A fresh workspace holding a copy of `source` at cortex-brain/tier1/conversations.db (backups and cold storage land beside it). */
export function workspaceCopy(source: string, dir: string): { workspace: string; dbPath: string } {
  fs.rmSync(dir, { recursive: true, force: true });
  const dbPath = path.join(dir, 'cortex-brain', 'tier1', 'conversations.db');
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  fs.copyFileSync(source, dbPath);
  settle(dbPath);
  return { workspace: dir, dbPath };
}

export function shellVersion(): string {
  if (!fs.existsSync(SQLITE3)) throw new Error(`${SQLITE3} not found (apt-get install sqlite3, or set BENCH_SQLITE3)`);
  return check(spawnSync(SQLITE3, ['--version'], { encoding: 'utf8' }), 'sqlite3 --version').stdout.trim().split(' ')[0];
}

export function machineLine(): string {
  return `${os.cpus().length} CPU(s), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the start, Node ${process.version}, SQLite 3.39.4 (@vscode/sqlite3) vs sqlite3 shell ${shellVersion()}`;
}

/** The health benchmarks' brain, its expired-row counts and the instant they are expired at. */
export interface HealthBrain {
  path: string;
  sizeBytes: number;
  /** The "now" the expired rows were generated against (stored in the brain's bench_meta table). */
  now: Date;
  rows: Record<string, number>;
}

/** BENCH_SCALE=N divides every row count by N, for a quick run of the benchmark code (its brain is kept separately). */
const SCALE = envInt('BENCH_SCALE', 1);
const CONVERSATIONS = 1_000_000 / SCALE;
const MESSAGES = 3_000_000 / SCALE;
const PATTERNS = 100_000 / SCALE;
/** Per purge scenario: expired rows and rows inside the window. */
export const EXPIRED = 1_000_000 / SCALE;
export const KEPT = 200_000 / SCALE;

const TEXT =
  'I looked at the failing test and the session cookie is set after the redirect, so the first request races it. ' +
  'Moved the helper into a fixture, added a retry around the token refresh and a unit test for the expiry edge case. ' +
  'The query on orders scans the whole table because the index is on customer_id only; a composite index fixes it.';

/** The 1.0 Tier 1 shape (conversation_manager.py): conversations plus messages, deterministic. */
function legacySql(): string {
  return `PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;
BEGIN;
CREATE TABLE conversations (conversation_id TEXT PRIMARY KEY, agent_id TEXT, start_time TIMESTAMP, end_time TIMESTAMP, goal TEXT, outcome TEXT, status TEXT, message_count INTEGER DEFAULT 0, context TEXT);
CREATE TABLE messages (message_id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL REFERENCES conversations(conversation_id), role TEXT, content TEXT, timestamp TIMESTAMP);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${CONVERSATIONS})
INSERT INTO conversations SELECT printf('conv-%07d', i), 'copilot', datetime(1704067200 + i * 63, 'unixepoch'), CASE WHEN i % 20 THEN datetime(1704067200 + i * 63 + 900, 'unixepoch') END,
  'Task #' || (i % 997), CASE WHEN i % 20 THEN 'done' END, CASE WHEN i % 20 THEN 'completed' ELSE 'active' END, 3, '{"files":["src/m' || (i % 97) || '.ts"]}' FROM c;
WITH RECURSIVE m(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM m WHERE j < ${MESSAGES})
INSERT INTO messages (conversation_id, role, content, timestamp)
SELECT printf('conv-%07d', (j - 1) / 3 + 1), CASE WHEN j % 2 THEN 'user' ELSE 'assistant' END, substr('${TEXT}', 1 + (j * 7919) % 300, 20 + (j * 104729) % 100), datetime(1704067200 + j * 21, 'unixepoch') FROM m;
CREATE INDEX idx_messages_conversation ON messages(conversation_id);
COMMIT;`;
}

/**
 * The 2.0 content: Tier 2 patterns with a full-text index (so every review
 * category has something to measure), and for each purge scenario 1,000,000
 * expired rows plus 200,000 inside their window. Boundary events follow agent
 * sessions: each session of 500 events touches 20 of the workspace's 2,000
 * files; 5% of events are denied. Hook executions spread over 20 hooks of 4 plugins.
 */
function contentSql(nowSql: string): string {
  const total = EXPIRED + KEPT;
  return `PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;
BEGIN;
CREATE TABLE bench_meta (generated_at TEXT NOT NULL);
INSERT INTO bench_meta VALUES (${nowSql});
CREATE TABLE patterns (pattern_id TEXT PRIMARY KEY, title TEXT NOT NULL, content TEXT NOT NULL, pattern_type TEXT, confidence REAL DEFAULT 1.0, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  last_accessed TIMESTAMP, access_count INTEGER DEFAULT 0, scope TEXT DEFAULT 'generic', namespaces TEXT DEFAULT '["CORTEX-core"]');
WITH RECURSIVE p(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM p WHERE i < ${PATTERNS})
INSERT INTO patterns (pattern_id, title, content, pattern_type, scope, namespaces)
SELECT 'p-' || i, 'Pattern ' || i || ' for module ' || (i % 97), substr('${TEXT}', 1 + (i * 31) % 200, 120), 'workflow',
  CASE WHEN i % 10 THEN 'generic' ELSE 'application' END, CASE WHEN i % 10 THEN '["CORTEX-core"]' ELSE '["acme-shop"]' END FROM p;
CREATE VIRTUAL TABLE pattern_fts USING fts5(title, content, content='patterns', content_rowid='rowid');
INSERT INTO pattern_fts(pattern_fts) VALUES('rebuild');
WITH RECURSIVE e(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM e WHERE i < ${total})
INSERT INTO boundary_events (occurred_at, event_type, path, allowed, reason, rule_reference, plugin_id, session_id)
SELECT datetime(${nowSql}, '-' || (CASE WHEN i <= ${EXPIRED} THEN 91 + (${EXPIRED} - i) * 600 / ${EXPIRED} ELSE (${total} - i) * 89 / ${KEPT} END) || ' days', '-' || (i % 86400) || ' seconds'),
  CASE i % 4 WHEN 0 THEN 'read' WHEN 1 THEN 'write' WHEN 2 THEN 'scan' ELSE 'plugin' END,
  'src/module' || (((i / 500) * 37 + (i % 20) * 101) % 2000 / 40) || '/file' || (((i / 500) * 37 + (i % 20) * 101) % 2000) || '.ts',
  CASE WHEN i % 20 = 0 THEN 0 ELSE 1 END, CASE WHEN i % 20 = 0 THEN 'outside the workspace roots' ELSE 'inside workspace' END, 'RULE#22',
  CASE WHEN i % 3 = 0 THEN 'doc_lint_plugin' END, 'session-' || (i / 500) FROM e;
WITH RECURSIVE h(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM h WHERE i < ${total})
INSERT INTO plugin_hook_executions (plugin_id, hook, started_at, completed_at, duration_ms, status)
SELECT CASE i % 4 WHEN 0 THEN 'self_review_plugin' WHEN 1 THEN 'db_maintenance_plugin' WHEN 2 THEN 'crawler_plugin' ELSE 'incremental_creation_plugin' END,
  'hook_' || (i % 20),
  datetime(${nowSql}, '-' || (CASE WHEN i <= ${EXPIRED} THEN 31 + (${EXPIRED} - i) * 300 / ${EXPIRED} ELSE (${total} - i) * 29 / ${KEPT} END) || ' days', '-' || (i % 86400) || ' seconds'),
  NULL, 1 + (i * 7919) % 500, CASE WHEN i % 25 = 0 THEN 'failed' ELSE 'success' END FROM h;
COMMIT;
ANALYZE;`;
}

function counts(file: string): Record<string, number> | undefined {
  try {
    const out = shell(
      file,
      `SELECT (SELECT count(*) FROM conversations) || '|' || (SELECT count(*) FROM messages) || '|' || (SELECT count(*) FROM boundary_events) || '|' || (SELECT count(*) FROM plugin_hook_executions) || '|' || (SELECT count(*) FROM patterns);`,
    );
    const [conversations, messages, boundary_events, plugin_hook_executions, patterns] = out.split('|').map(Number);
    return { conversations, messages, boundary_events, plugin_hook_executions, patterns };
  } catch {
    return undefined;
  }
}

/** Builds bench/.data/health-2.0.db once (1.0 tables with the sqlite3 shell, migrated by our migrator, then the 2.0 content) and reuses it. */
export async function ensureHealthBrain(): Promise<HealthBrain> {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const file = path.join(DATA_DIR, SCALE === 1 ? 'health-2.0.db' : `health-2.0-scale${SCALE}.db`);
  const want = { conversations: CONVERSATIONS, messages: MESSAGES, boundary_events: EXPIRED + KEPT, plugin_hook_executions: EXPIRED + KEPT, patterns: PATTERNS };
  const have = fs.existsSync(file) ? counts(file) : undefined;
  if (!have || JSON.stringify(have) !== JSON.stringify(want)) {
    console.log(`Generating ${path.relative(ROOT, file)} (1.0 tables with ${SQLITE3}, migrated by our migrator, then 2.0 rows) …`);
    const t = process.hrtime.bigint();
    const dir = path.join(DATA_DIR, `health-gen-${process.pid}`);
    fs.rmSync(dir, { recursive: true, force: true });
    const partial = path.join(dir, 'cortex-brain', 'tier1', 'conversations.db');
    fs.mkdirSync(path.dirname(partial), { recursive: true });
    shell(partial, legacySql());
    await migrate({ dbPath: partial });
    shell(partial, contentSql(`'${new Date().toISOString().slice(0, 19).replace('T', ' ')}'`));
    rmDb(file);
    fs.renameSync(partial, file);
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(`Generated in ${(msSince(t) / 1000).toFixed(0)} s.`);
  } else {
    console.log(`Reusing ${path.relative(ROOT, file)}.`);
  }
  const generated = shell(file, 'SELECT generated_at FROM bench_meta;');
  return { path: file, sizeBytes: fs.statSync(file).size, now: new Date(`${generated.replace(' ', 'T')}Z`), rows: want };
}

// ---------------------------------------------------------------- the review benchmark

interface ChildReview {
  timingsMs: Record<string, number>;
  overall: number;
  status: string;
  measured: Record<string, boolean>;
  issues: string[];
  maxRssKb: number;
}

async function child(args: string[]): Promise<void> {
  const [mode, workspace] = args;
  if (mode !== 'review') throw new Error(`child: unknown mode ${mode}`);
  const dbPath = path.join(workspace, 'cortex-brain', 'tier1', 'conversations.db');
  const r = await runSelfReview({ dbPath, workspace });
  const out: ChildReview = {
    timingsMs: r.timingsMs,
    overall: r.overall,
    status: r.status,
    measured: Object.fromEntries(Object.entries(r.categories).map(([c, v]) => [c, v.measured])),
    issues: Object.values(r.categories).flatMap((c) => c.issues.map((i) => `${i.severity}: ${i.title}`)),
    maxRssKb: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function main(): Promise<void> {
  const rounds = envInt('BENCH_ROUNDS', 3);
  const machine = machineLine();
  const brain = await ensureHealthBrain();
  const { workspace, dbPath } = workspaceCopy(brain.path, path.join(DATA_DIR, `review-${process.pid}`));
  const ours: Array<{ wallMs: number; child: ChildReview; rssKb?: number }> = [];
  const quick: Array<{ ms: number; rssKb?: number }> = [];
  const quickMmap: number[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const sides = round % 2 ? ['ours', 'shell'] : ['shell', 'ours'];
      for (const side of sides) {
        if (side === 'ours') {
          const t = timed(process.execPath, [__filename, '--child', 'review', workspace]);
          ours.push({ wallMs: t.ms, child: lastJsonLine<ChildReview>(t.stdout, 'review child'), rssKb: t.rssKb });
          console.log(`  round ${round}: self-review ${t.ms} ms (${JSON.stringify(ours.at(-1)!.child.timingsMs)})`);
        } else {
          const q = timed(SQLITE3, [dbPath, 'PRAGMA quick_check']);
          if (q.stdout.trim() !== 'ok') throw new Error(`quick_check: ${q.stdout.slice(0, 200)}`);
          quick.push({ ms: q.ms, rssKb: q.rssKb });
          quickMmap.push(timed(SQLITE3, ['-cmd', 'PRAGMA mmap_size = 2147418112', dbPath, 'PRAGMA quick_check']).ms);
          console.log(`  round ${round}: sqlite3 quick_check ${q.ms} ms (with mmap ${quickMmap.at(-1)} ms)`);
        }
      }
    }
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  const bestOurs = ours.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  const bestQuick = Math.min(...quick.map((q) => q.ms));
  const ratio = bestOurs.wallMs / bestQuick;
  const medRatio = median(ours.map((o) => o.wallMs)) / median(quick.map((q) => q.ms));
  const t = bestOurs.child.timingsMs;
  const lines = [
    `### Self-review benchmark — ${(brain.sizeBytes / 1e6).toFixed(0)} MB brain`,
    '',
    `${machine}. ${rounds} rounds, order alternating, both sides on the same warm file; best round per side. Ours: wall time of a Node child running \`runSelfReview\` (no fixes; the report is saved), start-up included.`,
    '',
    '| step | ours (ms) | sqlite3 shell (ms) | ratio |',
    '|---|---:|---:|---:|',
    `| performance (Tier 1 query + FTS search, 5 runs each) | ${t.performance} | — | |`,
    `| database (quick_check, dbstat, statistics, indexes; mmap) | ${t.database} | — | |`,
    `| rule compliance (${PATTERNS.toLocaleString('en')} patterns, boundary events) | ${t.rule_compliance} | — | |`,
    `| tests + storage (workspace and brain folder walks) | ${Math.round((t.tests + t.storage) * 10) / 10} | — | |`,
    `| **whole review** (child wall) vs \`PRAGMA quick_check\` | ${bestOurs.wallMs} | ${bestQuick} | ${ratio.toFixed(2)}× |`,
    `| for reference: the shell's quick_check with mmap | | ${Math.min(...quickMmap)} | ${(bestOurs.wallMs / Math.min(...quickMmap)).toFixed(2)}× |`,
    '',
    `- ratio of the medians over all rounds: ${medRatio.toFixed(2)}×; every round: ours ${ours.map((o) => o.wallMs).join(' / ')} ms, shell ${quick.map((q) => q.ms).join(' / ')} ms`,
    `- peak RSS: ours ${kbToMb(bestOurs.rssKb ?? bestOurs.child.maxRssKb)} MB (counting the pages of the memory-mapped brain, which are page cache shared with the file, not private memory), shell ${kbToMb(quick[0].rssKb)} MB`,
    `- result: ${Math.round(bestOurs.child.overall * 100)}% ${bestOurs.child.status}; measured: ${JSON.stringify(bestOurs.child.measured)}; issues: ${bestOurs.child.issues.join('; ') || 'none'}`,
    '',
    '| target | measured | verdict |',
    '|---|---:|---|',
    `| self-review within 1.5× \`PRAGMA quick_check\` | ${ratio.toFixed(2)}× | ${ratio <= 1.5 ? 'reached' : 'missed'} |`,
  ];
  const text = lines.join('\n');
  console.log(`\n${text}\n`);
  fs.writeFileSync(path.join(DATA_DIR, 'review-result.json'), JSON.stringify({ generatedAt: new Date().toISOString(), machine, brain, ours, quick, quickMmap, ratio, medRatio, text }, null, 2));
}

if (require.main === module) {
  const [flag, ...rest] = process.argv.slice(2);
  (flag === '--child' ? child(rest) : main()).catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : String(err));
    process.exitCode = 1;
  });
}
