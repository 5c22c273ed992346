/**
 * Benchmark (not a test): the safe 2.0 migration of a large 1.0 brain,
 * step by step against Debian's `sqlite3` shell doing the same steps on a
 * copy of the same database in the same run.
 *
 *   npm run bench:migration                         # build + compile + run
 *   node out/bench/migration.bench.js               # after `npx tsc -p .`
 *   BENCH_CONVERSATIONS=10000 BENCH_MESSAGES=30000 node out/bench/migration.bench.js   # quick run
 *
 * Environment:
 *   BENCH_CONVERSATIONS  conversations in the generated 1.0 brain (default 1,000,000)
 *   BENCH_MESSAGES       messages in it (default 3,000,000)
 *   BENCH_ROUNDS         measured rounds per side; the best is reported (default 2)
 *   BENCH_UPTODATE_RUNS  migrate() calls on the migrated brain for the up-to-date decision (default 21)
 *   BENCH_SQLITE3        the shell to compare with (default /usr/bin/sqlite3)
 *
 * The 1.0 brain is generated once into bench/.data/ with the sqlite3 shell and
 * reused while its row counts match. Every measured side gets its own fresh
 * copy (removed afterwards). The result is printed as Markdown and written to
 * bench/.data/migration-result.json. See bench/README.md.
 *
 * When started as `migration.bench.js --child migrate|uptodate DB`, this file
 * is the child process that runs our migrator, so that its peak memory is that
 * of a process doing nothing but the migration.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Database, quoteIdent } from '../src/core/db/database';
import { LAST_UPDATED_SOURCES, MIGRATIONS } from '../src/core/schema/migrations';
import { migrate, MigrationReport } from '../src/core/schema/migrator';
import { CONVERSATION_COLUMNS, CONVERSATIONS_ACTIVE_INDEX, SEED_TABLES } from '../src/core/schema/seedDdl';
import { check, envInt, hasTime, lastJsonLine, legacyTier1Tables, msSince, shell, SQLITE3, timed } from './common';

// ---------------------------------------------------------------- settings

const ROOT = path.resolve(__dirname, '..', '..'); // out/bench → repository root
const DATA_DIR = path.join(ROOT, 'bench', '.data');
const RESULT_FILE = path.join(DATA_DIR, 'migration-result.json');

const TARGET_TOTAL_RATIO = 1.1;
const TARGET_UPTODATE_MS = 10;
const TARGET_PEAK_MB = 100;


// ---------------------------------------------------------------- helpers

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : Math.round(((s[mid - 1] + s[mid]) / 2) * 10) / 10;
}

/** Kilobytes (as getrusage and GNU time report them, i.e. KiB) → decimal megabytes. */
function kbToMb(kb: number): number {
  return Math.round((kb * 1024) / 1e5) / 10;
}

function fmtMs(ms: number | undefined): string {
  return ms === undefined ? '—' : ms.toFixed(1);
}


function syncDisks(): void {
  check(spawnSync('sync', [], { encoding: 'utf8' }), 'sync');
}

/** Reads the file once so that both sides start from the same, cached, state. */
function warm(file: string): void {
  check(spawnSync('sh', ['-c', 'cat "$1" > /dev/null', 'sh', file], { encoding: 'utf8' }), `cat ${file}`);
}

function rmDb(file: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
}

// ---------------------------------------------------------------- the 1.0 brain

const TEXT =
  'I looked at the failing test and the session cookie is set after the redirect, so the first request races it. ' +
  'Moved the login helper into a fixture, added a retry around the token refresh and a unit test for the expiry edge case. ' +
  'The query on orders scans the whole table because the index is on customer_id only; adding a composite index on ' +
  '(customer_id, created_at) brings it from 900 ms to 4 ms. Next: export invoices as CSV with the totals rounded per line, ' +
  'update the API docs for the new endpoint and check the security headers on the checkout page before the release. ' +
  'Please review the migration plan, then run the full suite and the smoke tests against staging.';

const GOALS = ['Add product search', 'Fix checkout rounding', 'Speed up /orders', 'Write API docs', 'Migrate to React 18', 'Refactor pg pool', 'Add order e-mails', 'Review security headers'];
const OUTCOMES = ['done', 'done, tests pass', 'partially done; follow-up opened', 'abandoned: superseded'];
const AREAS = ['api', 'web', 'db', 'tests'];

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function caseOf(expr: string, values: string[]): string {
  return `CASE ${expr} ${values.map((v, i) => `WHEN ${i} THEN ${sqlString(v)}`).join(' ')} END`;
}

/**
 * The real 1.0 Tier 1 shape (samples/legacy-shapes/conversation-manager.sql),
 * filled by recursive CTEs in one transaction. Deterministic: conversation i
 * starts at a point of a two-year span; every 20th is still active (no
 * end_time, so the backfill falls back to start_time); messages are spread
 * evenly over the conversations, in time order, with 20–119 characters of text.
 */
function generationSql(n: number, m: number): string {
  const span = 2 * 365 * 86400;
  const start = (i: string) => `(1704067200 + ${i} * ${span} / ${n})`;
  const firstMsg = (k: string) => `((${k} - 1) * ${m} + ${n} - 1) / ${n}`; // ceil((k-1)·M/N): messages before conversation k
  return `PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
BEGIN;
${legacyTier1Tables()}
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${n})
INSERT INTO conversations (conversation_id, agent_id, start_time, end_time, goal, outcome, status, message_count, context)
SELECT printf('conv-%07d', i),
       CASE i % 3 WHEN 0 THEN 'copilot' WHEN 1 THEN 'planner' ELSE 'tester' END,
       datetime(${start('i')}, 'unixepoch'),
       CASE WHEN i % 20 = 0 THEN NULL ELSE datetime(${start('i')} + 300 + (i * 7919) % 7200, 'unixepoch') END,
       ${caseOf('i % 8', GOALS)} || printf(' (#%d)', i % 997),
       CASE WHEN i % 20 = 0 THEN NULL ELSE ${caseOf('(i / 20) % 4', OUTCOMES)} END,
       CASE WHEN i % 20 = 0 THEN 'active' ELSE 'completed' END,
       ${firstMsg('i + 1')} - ${firstMsg('i')},
       CASE WHEN i % 5 = 0 THEN NULL
            ELSE '{"files":["src/' || ${caseOf('i % 4', AREAS)} || '/module' || (i % 97) || '.ts"],"branch":"feature/task-' || (i % 5000) || '"}' END
FROM c;
WITH RECURSIVE m(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM m WHERE j < ${m})
INSERT INTO messages (conversation_id, role, content, timestamp)
SELECT printf('conv-%07d', k),
       CASE WHEN (j - 1 - ${firstMsg('k')}) % 2 = 0 THEN 'user' ELSE 'assistant' END,
       substr(${sqlString(TEXT)}, 1 + (j * 7919) % 400, 20 + (j * 104729) % 100),
       datetime(${start('k')} + (j - 1 - ${firstMsg('k')}) * 120, 'unixepoch')
FROM (SELECT j, (j - 1) * ${n} / ${m} + 1 AS k FROM m);
CREATE INDEX idx_messages_conversation ON messages(conversation_id);
COMMIT;
`;
}

interface SourceInfo {
  path: string;
  conversations: number;
  messages: number;
  sizeBytes: number;
  generatedNow: boolean;
  generationMs?: number;
  columns: string[];
}

function countRows(file: string): { conversations: number; messages: number; migrations: number } | undefined {
  try {
    const out = shell(file, `SELECT (SELECT count(*) FROM conversations) || '|' || (SELECT count(*) FROM messages) || '|' || (SELECT count(*) FROM sqlite_master WHERE name = 'migrations');`);
    const [c, m, mig] = out.split('|').map(Number);
    return { conversations: c, messages: m, migrations: mig };
  } catch {
    return undefined;
  }
}

function ensureSource(n: number, m: number): SourceInfo {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const file = path.join(DATA_DIR, `brain-1.0-${n}c-${m}m.db`);
  let generatedNow = false;
  let generationMs: number | undefined;
  const counts = fs.existsSync(file) ? countRows(file) : undefined;
  if (counts && counts.conversations === n && counts.messages === m && counts.migrations === 0) {
    console.log(`Reusing ${path.relative(ROOT, file)} (${n.toLocaleString('en')} conversations, ${m.toLocaleString('en')} messages).`);
  } else {
    if (counts) console.log(`${path.relative(ROOT, file)} does not hold the expected rows (${JSON.stringify(counts)}); regenerating.`);
    console.log(`Generating a 1.0 brain with ${n.toLocaleString('en')} conversations and ${m.toLocaleString('en')} messages with ${SQLITE3} …`);
    const partial = `${file}.partial`;
    rmDb(partial);
    rmDb(file);
    const t = process.hrtime.bigint();
    shell(partial, generationSql(n, m));
    fs.renameSync(partial, file);
    syncDisks();
    generationMs = msSince(t);
    generatedNow = true;
    const after = countRows(file);
    if (!after || after.conversations !== n || after.messages !== m) throw new Error(`generation produced ${JSON.stringify(after)}`);
    console.log(`Generated in ${(generationMs / 1000).toFixed(1)} s.`);
  }
  const columns = shell(file, `SELECT name FROM pragma_table_info('conversations');`).split('\n');
  return { path: file, conversations: n, messages: m, sizeBytes: fs.statSync(file).size, generatedNow, generationMs, columns };
}

// ---------------------------------------------------------------- the shell's steps

/** What migration 006 does to `conversations`, plus every seed table, as one shell transaction. */
function shellDdlSql(columns: string[]): string {
  const present = new Set(columns);
  const sources = LAST_UPDATED_SOURCES.filter((c) => present.has(c));
  if (!sources.length) throw new Error(`the generated conversations table has none of ${LAST_UPDATED_SOURCES.join(', ')}`);
  const expr = sources.length === 1 ? quoteIdent(sources[0]) : `COALESCE(${sources.map(quoteIdent).join(', ')})`;
  const ddl = Object.values(SEED_TABLES)
    .map((t) => t.ddl.trim().replace(/;?$/, ';'))
    .join('\n');
  return [
    'BEGIN IMMEDIATE;',
    ...CONVERSATION_COLUMNS.map(([name, def]) => `ALTER TABLE conversations ADD COLUMN ${name} ${def};`),
    'ALTER TABLE conversations ADD COLUMN last_updated TIMESTAMP;',
    `UPDATE conversations SET last_updated = ${expr} WHERE last_updated IS NULL;`,
    `${CONVERSATIONS_ACTIVE_INDEX};`,
    ddl,
    'COMMIT;',
    '',
  ].join('\n');
}

interface ShellRun {
  round: number;
  order: number;
  integrityCheck: number;
  backup: number;
  ddl: number;
  sum: number;
  peakRssKb?: number;
  rssKbPerStep: { integrityCheck?: number; backup?: number; ddl?: number };
}

function runShellSide(source: SourceInfo, workDir: string, round: number, order: number): ShellRun {
  const dir = path.join(workDir, `shell-${round}`);
  const db = prepareCopy(source, dir);
  const backupFile = path.join(dir, 'backup.db');
  try {
    const ic = timed(SQLITE3, ['-bail', db, 'PRAGMA integrity_check']);
    if (ic.stdout.trim() !== 'ok') throw new Error(`sqlite3 integrity_check: ${ic.stdout.trim().slice(0, 200)}`);
    const bk = timed(SQLITE3, ['-bail', db, `VACUUM INTO ${sqlString(backupFile)}`]);
    const dd = timed(SQLITE3, ['-bail', db], shellDdlSql(source.columns));
    // Sanity (not timed): the shell did the same work as ours.
    const left = shell(db, `SELECT count(*) FROM conversations WHERE last_updated IS NULL;`);
    if (left !== '0') throw new Error(`shell backfill left ${left} NULL last_updated`);
    const rss = [ic.rssKb, bk.rssKb, dd.rssKb].filter((x): x is number => x !== undefined);
    return {
      round,
      order,
      integrityCheck: ic.ms,
      backup: bk.ms,
      ddl: dd.ms,
      sum: Math.round((ic.ms + bk.ms + dd.ms) * 10) / 10,
      peakRssKb: rss.length ? Math.max(...rss) : undefined,
      rssKbPerStep: { integrityCheck: ic.rssKb, backup: bk.rssKb, ddl: dd.rssKb },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- our side

interface ChildMigrate {
  report: MigrationReport;
  maxRssKb: number;
}

interface UpToDateRun {
  wallMs: number;
  statusMs: number;
  totalMs: number;
  outcome: string;
}

interface ChildUpToDate {
  runs: UpToDateRun[];
  sqliteVersion: string;
  maxRssKb: number;
}

interface OursRun {
  round: number;
  order: number;
  timingsMs: Record<string, number>;
  applied: number;
  warnings: string[];
  /** Peak RSS of the child process (GNU time when present, else the child's own getrusage). */
  peakRssKb: number;
  selfReportedMaxRssKb: number;
  childWallMs: number;
  upToDate: ChildUpToDate;
}

function childArgs(mode: string, ...rest: string[]): string[] {
  return [__filename, '--child', mode, ...rest];
}

function runOursSide(source: SourceInfo, workDir: string, round: number, order: number, upToDateRuns: number): OursRun {
  const dir = path.join(workDir, `ours-${round}`);
  const db = prepareCopy(source, dir);
  try {
    const child = timed(process.execPath, childArgs('migrate', db));
    const result = lastJsonLine<ChildMigrate>(child.stdout, 'migrate child');
    const r = result.report;
    if (r.outcome !== 'migrated' || r.applied.length !== MIGRATIONS.length) {
      throw new Error(`our migration did not apply everything: outcome ${r.outcome}, applied ${r.applied.join(', ')}`);
    }
    const left = shell(db, `SELECT count(*) FROM conversations WHERE last_updated IS NULL;`);
    if (left !== '0') throw new Error(`our backfill left ${left} NULL last_updated`);

    const upChild = timed(process.execPath, childArgs('uptodate', db, String(upToDateRuns)));
    const upToDate = lastJsonLine<ChildUpToDate>(upChild.stdout, 'up-to-date child');
    const notUpToDate = upToDate.runs.find((u) => u.outcome !== 'up-to-date');
    if (notUpToDate) throw new Error(`the migrated brain was not found up to date: ${JSON.stringify(notUpToDate)}`);
    return {
      round,
      order,
      timingsMs: r.timingsMs,
      applied: r.applied.length,
      warnings: r.warnings,
      peakRssKb: child.rssKb ?? result.maxRssKb,
      selfReportedMaxRssKb: result.maxRssKb,
      childWallMs: child.ms,
      upToDate,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A fresh copy in its own folder (our backups land in <folder>/backups/), flushed to disk and read once. */
function prepareCopy(source: SourceInfo, dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const db = path.join(dir, 'conversations.db');
  fs.copyFileSync(source.path, db);
  syncDisks();
  warm(db);
  return db;
}

// ---------------------------------------------------------------- child process

async function child(mode: string, args: string[]): Promise<void> {
  const dbPath = args[0];
  if (!dbPath) throw new Error('child: missing database path');
  if (mode === 'migrate') {
    const report = await migrate({ dbPath });
    const out: ChildMigrate = { report, maxRssKb: process.resourceUsage().maxRSS };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  if (mode === 'uptodate') {
    const n = Math.max(1, Number(args[1] ?? 21));
    const runs: UpToDateRun[] = [];
    for (let i = 0; i < n; i++) {
      // Wall time of the whole call: open, read the migrations table, close.
      const t = process.hrtime.bigint();
      const r = await migrate({ dbPath });
      runs.push({ wallMs: msSince(t), statusMs: r.timingsMs.status, totalMs: r.timingsMs.total, outcome: r.outcome });
    }
    const mem = await Database.open(':memory:', { create: true });
    const v = await mem.get<{ v: string }>('SELECT sqlite_version() AS v');
    await mem.close();
    const out: ChildUpToDate = { runs, sqliteVersion: v?.v ?? '?', maxRssKb: process.resourceUsage().maxRSS };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  throw new Error(`child: unknown mode ${mode}`);
}

// ---------------------------------------------------------------- main

interface Row {
  step: string;
  oursMs?: number;
  shellMs?: number;
  ratio?: number;
}

function best<T>(runs: T[], key: (r: T) => number): T {
  return runs.reduce((a, b) => (key(b) < key(a) ? b : a));
}

async function main(): Promise<void> {
  const conversations = envInt('BENCH_CONVERSATIONS', 1_000_000);
  const messages = envInt('BENCH_MESSAGES', 3_000_000);
  const rounds = envInt('BENCH_ROUNDS', 2);
  const upToDateRuns = envInt('BENCH_UPTODATE_RUNS', 21);
  if (!fs.existsSync(SQLITE3)) throw new Error(`${SQLITE3} not found (apt-get install sqlite3, or set BENCH_SQLITE3)`);
  const shellVersion = check(spawnSync(SQLITE3, ['--version'], { encoding: 'utf8' }), 'sqlite3 --version').stdout.trim().split(' ')[0];

  const source = ensureSource(conversations, messages);
  console.log(`Source: ${(source.sizeBytes / 1e6).toFixed(1)} MB; ${rounds} round(s) per side, order alternating; ${hasTime ? 'peak RSS by /usr/bin/time -v' : 'no /usr/bin/time: our peak RSS from the child\'s getrusage, none for the shell'}.`);

  const workDir = path.join(DATA_DIR, `work-${process.pid}`);
  const cleanup = () => fs.rmSync(workDir, { recursive: true, force: true });
  const onSignal = (sig: NodeJS.Signals) => {
    cleanup();
    process.kill(process.pid, sig);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const ours: OursRun[] = [];
  const shells: ShellRun[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const sides = round % 2 === 1 ? (['ours', 'shell'] as const) : (['shell', 'ours'] as const);
      for (const [i, side] of sides.entries()) {
        if (side === 'ours') {
          const r = runOursSide(source, workDir, round, i + 1, upToDateRuns);
          ours.push(r);
          console.log(`  round ${round}: ours  total ${fmtMs(r.timingsMs.total)} ms (integrity ${fmtMs(r.timingsMs.integrityCheck)}, backup ${fmtMs(r.timingsMs.backup)}, apply ${fmtMs(r.timingsMs.apply)}, verify ${fmtMs(r.timingsMs.verify)}), peak RSS ${kbToMb(r.peakRssKb)} MB`);
        } else {
          const s = runShellSide(source, workDir, round, i + 1);
          shells.push(s);
          console.log(`  round ${round}: shell sum   ${fmtMs(s.sum)} ms (integrity ${fmtMs(s.integrityCheck)}, backup ${fmtMs(s.backup)}, DDL+backfill ${fmtMs(s.ddl)})${s.peakRssKb ? `, peak RSS ${kbToMb(s.peakRssKb)} MB` : ''}`);
        }
      }
    }
  } finally {
    cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  const o = best(ours, (r) => r.timingsMs.total);
  const s = best(shells, (r) => r.sum);
  const t = o.timingsMs;
  const other = Math.round((t.total - (t.status + t.integrityCheck + (t.backup ?? 0) + t.apply + t.verify)) * 10) / 10;
  const ratio = (a?: number, b?: number) => (a === undefined || b === undefined || b <= 0 ? undefined : Math.round((a / b) * 100) / 100);
  const rows: Row[] = [
    { step: 'integrity check (`PRAGMA integrity_check`)', oursMs: t.integrityCheck, shellMs: s.integrityCheck },
    { step: 'backup (`VACUUM INTO`)', oursMs: t.backup, shellMs: s.backup },
    { step: `DDL + backfill (ours: all ${MIGRATIONS.length} migrations, \`apply\`)`, oursMs: t.apply, shellMs: s.ddl },
    { step: 'verify (ours only: foreign_key_check + validation queries)', oursMs: t.verify },
    { step: 'rest (ours only: open, status read, disk check, prune, close)', oursMs: Math.round((t.status + other) * 10) / 10 },
    { step: '**total** (ours `total` vs the shell\'s steps added up)', oursMs: t.total, shellMs: s.sum },
  ].map((r) => ({ ...r, ratio: ratio(r.oursMs, r.shellMs) }));

  const upRuns = ours.flatMap((r) => r.upToDate.runs);
  const upMedianWall = median(upRuns.map((u) => u.wallMs));
  const upMedianStatus = median(upRuns.map((u) => u.statusMs));
  const upFirstCalls = ours.map((r) => r.upToDate.runs[0].wallMs);
  const peakOursMb = kbToMb(Math.max(...ours.map((r) => r.peakRssKb)));
  const shellPeaks = shells.map((r) => r.peakRssKb).filter((x): x is number => x !== undefined);
  const peakShellMb = shellPeaks.length ? kbToMb(Math.max(...shellPeaks)) : undefined;
  const totalRatio = t.total / s.sum;

  const targets = [
    { target: `whole safe migration ≤ ${TARGET_TOTAL_RATIO}× the shell's steps added up`, value: `${totalRatio.toFixed(2)}×`, reached: totalRatio <= TARGET_TOTAL_RATIO },
    { target: `up-to-date decision < ${TARGET_UPTODATE_MS} ms`, value: `${upMedianWall.toFixed(1)} ms`, reached: upMedianWall < TARGET_UPTODATE_MS },
    { target: `peak memory < ${TARGET_PEAK_MB} MB`, value: `${peakOursMb.toFixed(1)} MB`, reached: peakOursMb < TARGET_PEAK_MB },
  ];

  const driverVersion = ours[0]?.upToDate.sqliteVersion ?? '?';
  const lines: string[] = [];
  lines.push(`### Migration benchmark — ${conversations.toLocaleString('en')} conversations, ${messages.toLocaleString('en')} messages (${(source.sizeBytes / 1e6).toFixed(0)} MB)`);
  lines.push('');
  lines.push(`${os.cpus().length} CPU(s), Node ${process.version}, SQLite ${driverVersion} (@vscode/sqlite3) vs sqlite3 shell ${shellVersion}. ` +
    `Each side on its own fresh copy (copied, \`sync\`ed, read once with \`cat > /dev/null\`); ${rounds} round(s) per side, order alternating (odd rounds ours first, even rounds the shell first); ` +
    `the best round per side (lowest total / lowest sum) is shown. Shell times are wall times of each \`sqlite3\` process; ours are the migrator's own \`timingsMs\`.`);
  lines.push('');
  lines.push('| step | ours (ms) | sqlite3 shell (ms) | ratio |');
  lines.push('|---|---:|---:|---:|');
  for (const r of rows) lines.push(`| ${r.step} | ${fmtMs(r.oursMs)} | ${fmtMs(r.shellMs)} | ${r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×`} |`);
  lines.push('');
  const perMigration = MIGRATIONS.map((m) => `${m.id} ${fmtMs(t[m.id])}`).join(', ');
  lines.push(`- ours, apply per migration (ms): ${perMigration}`);
  lines.push(`- up-to-date decision: median ${upMedianWall.toFixed(1)} ms wall per \`migrate()\` call (open + read \`migrations\` + close; \`timingsMs.status\` median ${upMedianStatus.toFixed(1)} ms) over ${upRuns.length} calls on the migrated brain; first call in a fresh process ${upFirstCalls.map((x) => x.toFixed(1)).join(' / ')} ms (includes loading the native driver) — target < ${TARGET_UPTODATE_MS} ms`);
  lines.push(`- peak RSS ours: ${peakOursMb.toFixed(1)} MB (Node child running \`migrate()\`, ${hasTime ? 'GNU time -v' : 'getrusage'}) — target < ${TARGET_PEAK_MB} MB; sqlite3 shell: ${peakShellMb === undefined ? 'not measured (no /usr/bin/time)' : `${peakShellMb.toFixed(1)} MB (largest of its three steps)`}`);
  if (o.warnings.length) lines.push(`- migrator warnings: ${o.warnings.join(' | ')}`);
  lines.push('');
  lines.push('| target | measured | verdict |');
  lines.push('|---|---:|---|');
  for (const g of targets) lines.push(`| ${g.target} | ${g.value} | ${g.reached ? 'reached' : 'missed'} |`);
  const text = lines.join('\n');
  console.log(`\n${text}\n`);

  const result = {
    generatedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, totalMemMb: Math.round(os.totalmem() / 1e6), node: process.version, platform: `${os.platform()} ${os.release()}` },
    sqlite: { driver: driverVersion, shell: shellVersion, shellPath: SQLITE3 },
    data: { ...source, path: path.relative(ROOT, source.path) },
    method: {
      rounds,
      order: 'alternating: odd rounds ours first, even rounds the shell first',
      pick: 'best round per side (ours: lowest timingsMs.total; shell: lowest sum of its three steps)',
      warmup: 'fresh copy per side, sync, then cat > /dev/null',
      peakRss: hasTime ? 'GNU time -v (Maximum resident set size)' : 'child getrusage maxRSS; shell not measured',
      units: 'ms; MB = 10^6 bytes',
    },
    table: rows,
    upToDate: { medianWallMs: upMedianWall, medianStatusMs: upMedianStatus, firstCallWallMs: upFirstCalls, calls: upRuns.length },
    peakRssMb: { ours: peakOursMb, shell: peakShellMb },
    targets,
    best: { ours: o, shell: s },
    runs: { ours, shell: shells },
    markdown: text,
  };
  fs.writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`Written to ${path.relative(ROOT, RESULT_FILE)}.`);
}

if (process.argv[2] === '--child') {
  child(process.argv[3] ?? '', process.argv.slice(4)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack ?? err.message : String(err));
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack ?? err.message : String(err));
    process.exit(1);
  });
}
