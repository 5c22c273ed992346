/**
 * Benchmark (not a test): the retention worker purging 1,000,000 expired rows
 * of one table of the ~1 GB health brain, against one `DELETE` in Debian's
 * sqlite3 shell on a copy of the same database, in the same run — for
 * boundary_events (denied events exported to cold storage first) and for
 * plugin_hook_executions (rolled up per month, plugin and hook in each batch).
 *
 *   node out/bench/retention.bench.js       # after `npx tsc -p .`
 *
 * Environment: BENCH_ROUNDS (default 1), BENCH_SQLITE3 (default /usr/bin/sqlite3).
 * See bench/README.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_BATCH_SIZE, DEFAULT_LOCK_BUDGET_MS } from '../src/core/retention/batches';
import { RETENTION_TABLES, RetentionOverrides } from '../src/core/retention/policies';
import { runRetention, RetentionResult } from '../src/core/retention/retention';
import { envInt } from './common';
import { DATA_DIR, ensureHealthBrain, EXPIRED, kbToMb, lastJsonLine, machineLine, SQLITE3, timed, workspaceCopy } from './review.bench';

const SCENARIOS = [
  { table: 'boundary_events', column: 'occurred_at', days: 90, what: 'boundary_events (5% denied: exported, read back, then purged)' },
  { table: 'plugin_hook_executions', column: 'started_at', days: 30, what: 'plugin_hook_executions (rolled up in the same transactions)' },
] as const;

interface ChildRetention {
  result: Pick<RetentionResult, 'totalDeleted' | 'batches' | 'longestLockMs' | 'timingsMs'> & { policy: RetentionResult['policies'][number] };
  maxRssKb: number;
}

async function child(args: string[]): Promise<void> {
  const [mode, dbPath, nowIso, table] = args;
  if (mode !== 'retention') throw new Error(`child: unknown mode ${mode}`);
  // Only the table under test is past its window: every other policy keeps 100,000 days.
  const overrides: RetentionOverrides = Object.fromEntries(RETENTION_TABLES.filter((t) => t !== table).map((t) => [t, 100000]));
  const r = await runRetention({ dbPath, now: () => new Date(nowIso), overrides });
  const policy = r.policies.find((p) => p.table === table)!;
  if (policy.error) throw new Error(policy.error);
  const out: ChildRetention = { result: { totalDeleted: r.totalDeleted, batches: r.batches, longestLockMs: r.longestLockMs, timingsMs: r.timingsMs, policy }, maxRssKb: process.resourceUsage().maxRSS };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function main(): Promise<void> {
  const rounds = envInt('BENCH_ROUNDS', 1);
  const machine = machineLine();
  const brain = await ensureHealthBrain();
  const lines = [
    `### Retention benchmark — ${EXPIRED.toLocaleString('en')} expired rows in a ${(brain.sizeBytes / 1e6).toFixed(0)} MB brain`,
    '',
    `${machine}. Per table, each side on its own fresh copy (copied, \`sync\`ed, read once); ${rounds} round(s), best per side. Ours: wall time of a Node child running \`runRetention\` (batches start at ${DEFAULT_BATCH_SIZE.toLocaleString('en')} rows and adapt to hold the lock about ${DEFAULT_LOCK_BUDGET_MS} ms), from open to close including the survey, exports, bookkeeping and the retention snapshot. The shell: one \`sqlite3\` process running one \`DELETE … WHERE <time> < cutoff\` (its single transaction holds the write lock throughout).`,
    '',
    '| table | ours: rows/s | shell: rows/s | ratio | ours: longest lock (ms) | ours: batches | shell: lock held (ms) |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const verdicts: string[] = [];
  const details: string[] = [];
  const json: unknown[] = [];
  for (const sc of SCENARIOS) {
    const cutoff = new Date(brain.now.getTime() - sc.days * 86400_000).toISOString().slice(0, 19).replace('T', ' ');
    const ours: Array<{ wallMs: number; child: ChildRetention; rssKb?: number }> = [];
    const shells: Array<{ ms: number; deleted: number; rssKb?: number }> = [];
    for (let round = 1; round <= rounds; round++) {
      for (const side of round % 2 ? ['ours', 'shell'] : ['shell', 'ours']) {
        const { workspace, dbPath } = workspaceCopy(brain.path, path.join(DATA_DIR, `retention-${side}-${process.pid}`));
        try {
          if (side === 'ours') {
            const t = timed(process.execPath, [__filename, '--child', 'retention', dbPath, brain.now.toISOString(), sc.table]);
            ours.push({ wallMs: t.ms, child: lastJsonLine<ChildRetention>(t.stdout, 'retention child'), rssKb: t.rssKb });
            console.log(`  ${sc.table} round ${round}: ours  ${t.ms} ms, ${ours.at(-1)!.child.result.totalDeleted} rows, longest lock ${ours.at(-1)!.child.result.longestLockMs} ms`);
          } else {
            const t = timed(SQLITE3, ['-bail', dbPath], `DELETE FROM ${sc.table} WHERE ${sc.column} < '${cutoff}';\nSELECT changes();\n`);
            shells.push({ ms: t.ms, deleted: Number(t.stdout.trim()), rssKb: t.rssKb });
            console.log(`  ${sc.table} round ${round}: shell ${t.ms} ms, ${shells.at(-1)!.deleted} rows`);
          }
        } finally {
          fs.rmSync(workspace, { recursive: true, force: true });
        }
      }
    }
    const o = ours.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
    const s = shells.reduce((a, b) => (b.ms < a.ms ? b : a));
    const r = o.child.result;
    if (r.totalDeleted !== s.deleted) throw new Error(`${sc.table}: ours deleted ${r.totalDeleted}, the shell ${s.deleted}`);
    const oursRate = r.totalDeleted / (o.wallMs / 1000);
    const shellRate = s.deleted / (s.ms / 1000);
    const ratio = oursRate / shellRate;
    lines.push(`| ${sc.what} | ${Math.round(oursRate).toLocaleString('en')} | ${Math.round(shellRate).toLocaleString('en')} | ${ratio.toFixed(2)}× | ${r.longestLockMs} | ${r.batches} | ${s.ms} |`);
    details.push(
      `- ${sc.table}: ours ${o.wallMs} ms in all (survey ${r.timingsMs.survey} ms, the policy ${r.timingsMs[sc.table]} ms${r.policy.exported ? `, of which the export of ${r.policy.exported.toLocaleString('en')} denied events` : ''}), shell ${s.ms} ms; ${r.totalDeleted.toLocaleString('en')} rows each; peak RSS ours ${kbToMb(o.rssKb ?? o.child.maxRssKb)} MB, shell ${kbToMb(s.rssKb)} MB`,
    );
    verdicts.push(`| ${sc.table}: rows/s at least 0.8× the single DELETE | ${ratio.toFixed(2)}× | ${ratio >= 0.8 ? 'reached' : 'missed'} |`);
    verdicts.push(`| ${sc.table}: no write lock held longer than 100 ms | ${r.longestLockMs} ms | ${r.longestLockMs <= 100 ? 'reached' : 'missed'} |`);
    json.push({ scenario: sc, ours, shells, oursRate, shellRate, ratio });
  }
  lines.push('', ...details, '', '| target | measured | verdict |', '|---|---:|---|', ...verdicts);
  const text = lines.join('\n');
  console.log(`\n${text}\n`);
  fs.writeFileSync(path.join(DATA_DIR, 'retention-result.json'), JSON.stringify({ generatedAt: new Date().toISOString(), machine, results: json, text }, null, 2));
}

if (require.main === module) {
  const [flag, ...rest] = process.argv.slice(2);
  (flag === '--child' ? child(rest) : main()).catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : String(err));
    process.exitCode = 1;
  });
}
