/**
 * Benchmark (not a test): tier3 maintenance of the ~1 GB health brain against
 * Debian's sqlite3 shell running the same work (VACUUM; REINDEX; the FTS
 * rebuild; ANALYZE) on a copy of the same database, in the same run.
 *
 *   node out/bench/maintenance.bench.js     # after `npx tsc -p .`
 *
 * Environment: BENCH_ROUNDS (default 2), BENCH_SQLITE3 (default /usr/bin/sqlite3).
 *
 * The brain is first fragmented the way it is in real life: its 1,000,000
 * expired boundary events are deleted (by the shell, not timed), which frees
 * about a fifth of the file. Each side then works on its own fresh copy of
 * that. See bench/README.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runMaintenance, MaintenanceResult } from '../src/core/maintenance/maintenance';
import { envInt } from './common';
import { DATA_DIR, ensureHealthBrain, hasTime, kbToMb, lastJsonLine, machineLine, rmDb, shell, SQLITE3, timed, workspaceCopy } from './review.bench';

interface ChildMaintain {
  result: MaintenanceResult;
  maxRssKb: number;
}

async function child(args: string[]): Promise<void> {
  const [mode, dbPath] = args;
  if (mode !== 'maintain') throw new Error(`child: unknown mode ${mode}`);
  const result = await runMaintenance({ dbPath, tier: 'tier3' });
  const out: ChildMaintain = { result, maxRssKb: process.resourceUsage().maxRSS };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** The shell's per-statement times from `.timer on` ("Run Time: real 1.234 …"). */
function shellSteps(stdout: string): number[] {
  return [...stdout.matchAll(/Run Time: real ([\d.]+)/g)].map((m) => Math.round(Number(m[1]) * 10000) / 10);
}

const SHELL_STEPS = ['VACUUM', 'REINDEX', "INSERT INTO pattern_fts(pattern_fts) VALUES('rebuild')", 'ANALYZE'];

async function main(): Promise<void> {
  const rounds = envInt('BENCH_ROUNDS', 2);
  const machine = machineLine();
  const brain = await ensureHealthBrain();
  const fragmented = path.join(DATA_DIR, 'health-2.0-fragmented.db');
  rmDb(fragmented);
  fs.copyFileSync(brain.path, fragmented);
  const cutoff = new Date(brain.now.getTime() - 90 * 86400_000).toISOString().slice(0, 19).replace('T', ' ');
  shell(fragmented, `DELETE FROM boundary_events WHERE occurred_at < '${cutoff}';`);
  const frag = shell(fragmented, 'SELECT (SELECT freelist_count FROM pragma_freelist_count) * 1.0 / (SELECT page_count FROM pragma_page_count);');
  const sizeMb = fs.statSync(fragmented).size / 1e6;
  console.log(`Fragmented copy: ${sizeMb.toFixed(0)} MB, fragmentation ${(Number(frag) * 100).toFixed(1)}%.`);

  const ours: Array<{ wallMs: number; child: ChildMaintain; rssKb?: number }> = [];
  const shells: Array<{ ms: number; steps: number[]; rssKb?: number; afterMb: number }> = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const side of round % 2 ? ['ours', 'shell'] : ['shell', 'ours']) {
        const { workspace, dbPath } = workspaceCopy(fragmented, path.join(DATA_DIR, `maintain-${side}-${process.pid}`));
        try {
          if (side === 'ours') {
            const t = timed(process.execPath, [__filename, '--child', 'maintain', dbPath]);
            const c = lastJsonLine<ChildMaintain>(t.stdout, 'maintenance child');
            if (c.result.status !== 'success') throw new Error(`our maintenance ${c.result.status}: ${c.result.error}`);
            ours.push({ wallMs: t.ms, child: c, rssKb: t.rssKb });
            console.log(`  round ${round}: ours  ${t.ms} ms ${JSON.stringify(c.result.timingsMs)}`);
          } else {
            const t = timed(SQLITE3, ['-bail', dbPath], `.timer on\n${SHELL_STEPS.map((s) => `${s};`).join('\n')}\n`);
            shells.push({ ms: t.ms, steps: shellSteps(t.stdout), rssKb: t.rssKb, afterMb: fs.statSync(dbPath).size / 1e6 });
            console.log(`  round ${round}: shell ${t.ms} ms ${JSON.stringify(shells.at(-1)!.steps)}`);
          }
        } finally {
          fs.rmSync(workspace, { recursive: true, force: true });
        }
      }
    }
  } finally {
    rmDb(fragmented);
  }
  const o = ours.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  const s = shells.reduce((a, b) => (b.ms < a.ms ? b : a));
  const t = o.child.result.timingsMs;
  const r = o.child.result;
  const ratio = o.wallMs / s.ms;
  const fmt = (n: number | undefined) => (n === undefined ? '—' : n.toFixed(1));
  const step = (name: string, oursMs: number | undefined, shellMs: number | undefined) =>
    `| ${name} | ${fmt(oursMs)} | ${fmt(shellMs)} | ${oursMs !== undefined && shellMs ? `${(oursMs / shellMs).toFixed(2)}×` : ''} |`;
  const measured = Math.round((t.total - (t.backup + t.reindex + t['rebuild_fts:pattern_fts'] + t.vacuum + t.analyze + t.optimize)) * 10) / 10;
  const lines = [
    `### Maintenance benchmark — tier3 on a ${sizeMb.toFixed(0)} MB brain with ${(Number(frag) * 100).toFixed(1)}% free pages`,
    '',
    `${machine}. ${rounds} round(s) per side on fresh copies, order alternating; best round per side. Ours: wall time of a Node child running \`runMaintenance({ tier: 'tier3' })\`; the shell: one \`sqlite3\` process running ${SHELL_STEPS.map((x) => `\`${x}\``).join(', ')} (per-statement times from \`.timer on\`).`,
    '',
    '| step | ours (ms) | sqlite3 shell (ms) | ratio |',
    '|---|---:|---:|---:|',
    step('snapshot before the destructive steps (copy under the write lock)', t.backup, undefined),
    step('REINDEX', t.reindex, s.steps[1]),
    step('FTS rebuild (pattern_fts)', t['rebuild_fts:pattern_fts'], s.steps[2]),
    step('VACUUM', t.vacuum, s.steps[0]),
    step('ANALYZE (ours: analysis_limit 1000 + exact row counts; shell: full)', t.analyze, s.steps[3]),
    step('PRAGMA optimize', t.optimize, undefined),
    step('measurements before/after (fragmentation, size, Tier 1 query ×5), run record, open/close', measured, undefined),
    `| **whole run** (our child's wall vs the shell process's wall) | ${fmt(o.wallMs)} | ${fmt(s.ms)} | ${ratio.toFixed(2)}× |`,
    '',
    `- every round: ours ${ours.map((x) => x.wallMs).join(' / ')} ms, shell ${shells.map((x) => x.ms).join(' / ')} ms`,
    `- recorded: fragmentation ${(r.before!.fragmentation * 100).toFixed(1)}% → ${(r.after!.fragmentation * 100).toFixed(1)}%, size ${(r.before!.sizeBytes / 1e6).toFixed(0)} → ${(r.after!.sizeBytes / 1e6).toFixed(0)} MB (shell's result ${s.afterMb.toFixed(0)} MB), Tier 1 query ${r.before!.queryMs} → ${r.after!.queryMs} ms (speedup ${r.speedup ?? '—'})`,
    `- peak RSS: ours ${kbToMb(o.rssKb ?? o.child.maxRssKb)} MB, shell ${kbToMb(s.rssKb)} MB${hasTime ? '' : ' (no /usr/bin/time)'}`,
    '',
    '| target | measured | verdict |',
    '|---|---:|---|',
    `| tier3 within 1.1× the shell | ${ratio.toFixed(2)}× | ${ratio <= 1.1 ? 'reached' : 'missed'} |`,
  ];
  const text = lines.join('\n');
  console.log(`\n${text}\n`);
  fs.writeFileSync(path.join(DATA_DIR, 'maintenance-result.json'), JSON.stringify({ generatedAt: new Date().toISOString(), machine, fragmentation: Number(frag), ours, shells, ratio, text }, null, 2));
}

if (require.main === module) {
  const [flag, ...rest] = process.argv.slice(2);
  (flag === '--child' ? child(rest) : main()).catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : String(err));
    process.exitCode = 1;
  });
}
