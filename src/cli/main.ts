import { parseArgs } from 'node:util';
import { locateBrain } from '../core/brain/locate';
import { CortexError } from '../core/db/errors';
import { Logger } from '../core/log';
import { restoreBackup } from '../core/schema/backups';
import { brainStatus, initBrain, migrate, MigrationReport } from '../core/schema/migrator';
import { COMMON_OPTIONS, CliIo, Command, CommandContext, EXIT, UsageError, Values } from './command';
import { EXTRA_COMMANDS } from './registry';

function printReport(r: MigrationReport, io: CliIo): void {
  if (r.outcome === 'up-to-date' && r.applied.length === 0) {
    io.out(`${r.dbPath}: up to date (nothing to do, checked in ${r.timingsMs.status} ms)`);
  } else if (r.outcome === 'dry-run') {
    io.out(`${r.dbPath}: ${r.plan.length} migration(s) would be applied (dry run, nothing written):`);
    for (const p of r.plan) {
      io.out(`  ${p.name} — ${p.title}`);
      for (const s of p.steps) io.out(`      ${s}`);
    }
  } else {
    io.out(`${r.dbPath}: migrated to 2.0 (${r.applied.length} applied${r.skipped.length ? `, ${r.skipped.length} already applied by another process` : ''}) in ${r.timingsMs.total} ms`);
    if (r.backupPath) io.out(`  backup: ${r.backupPath}`);
    for (const p of r.plan) io.out(`  ${p.name}: ${p.steps.join('; ')}`);
  }
  for (const f of r.foreign) io.out(`  foreign migration kept: ${f.name} (${f.success ? 'applied' : 'failed'} ${f.appliedAt})`);
  for (const w of r.warnings) io.out(`  warning: ${w}`);
}

/**
 * The baseline report the migration calls for (doc 12 phase 3): a real
 * self-review, without fixes, right after a migration applied something.
 */
async function baseline(r: MigrationReport, ctx: CommandContext): Promise<MigrationReport & { baselineReview?: { reportId?: number; overall: number; status: string } }> {
  if (!r.applied.length) return r;
  const { writeBaselineReview } = await import('../core/review/selfReview');
  const review = await writeBaselineReview({ dbPath: ctx.dbPath, workspace: ctx.workspace, busyTimeoutMs: ctx.busyTimeoutMs, log: ctx.log });
  return { ...r, baselineReview: { reportId: review.reportId, overall: review.overall, status: review.status } };
}

function printBaseline(r: Awaited<ReturnType<typeof baseline>>, io: CliIo): void {
  if (r.baselineReview) io.out(`  baseline review: ${Math.round(r.baselineReview.overall * 100)}% ${r.baselineReview.status} (health_reports #${r.baselineReview.reportId})`);
}

const COMMANDS: Record<string, Command> = {
  ...EXTRA_COMMANDS,
  init: {
    summary: 'Create a brain (at --db FILE or in the workspace) and bring it to 2.0',
    usage: 'cortex init [--workspace DIR | --db FILE] [--json]',
    options: {},
    async run(_v, io, ctx) {
      const r = await baseline(await initBrain({ dbPath: ctx.dbPath, busyTimeoutMs: ctx.busyTimeoutMs, log: ctx.log }), ctx);
      if (ctx.json) io.out(JSON.stringify(r, null, 2));
      else {
        printReport(r, io);
        printBaseline(r, io);
      }
      return EXIT.ok;
    },
  },
  migrate: {
    summary: 'Back up, check and migrate the brain to the 2.0 schema',
    usage: 'cortex migrate [--dry-run] [--workspace DIR | --db FILE] [--json]',
    options: { 'dry-run': { type: 'boolean' } },
    async run(v, io, ctx) {
      const dryRun = v['dry-run'] === true;
      const migrated = await migrate({ dbPath: ctx.dbPath, dryRun, busyTimeoutMs: ctx.busyTimeoutMs, log: ctx.log });
      const r = dryRun ? migrated : await baseline(migrated, ctx);
      if (ctx.json) io.out(JSON.stringify(r, null, 2));
      else {
        printReport(r, io);
        printBaseline(r, io);
      }
      return EXIT.ok;
    },
  },
  status: {
    summary: 'Show path, size, schema state, migrations and the last backup (read-only)',
    usage: 'cortex status [--workspace DIR | --db FILE] [--json]',
    options: {},
    async run(_v, io, ctx) {
      const s = await brainStatus(ctx.dbPath, ctx.busyTimeoutMs);
      if (ctx.json) {
        io.out(JSON.stringify(s, null, 2));
        return EXIT.ok;
      }
      io.out(`brain:    ${s.dbPath}`);
      io.out(`size:     ${(s.sizeBytes / 1e6).toFixed(2)} MB`);
      io.out(`schema:   ${s.state}`);
      io.out(`applied:  ${s.applied.length ? s.applied.map((a) => a.name).join(', ') : 'none'}`);
      io.out(`pending:  ${s.pending.length ? s.pending.map((a) => a.name).join(', ') : 'none'}`);
      for (const f of s.failed) io.out(`failed:   ${f.name} at ${f.at}: ${f.error ?? ''}`);
      for (const d of s.drift) io.out(`drift:    ${d.name} (checksum changed)`);
      for (const u of s.unknown) io.out(`newer:    ${u} (unknown to this version)`);
      for (const f of s.foreign) io.out(`foreign:  ${f.name} (${f.success ? 'applied' : 'failed'} ${f.appliedAt})`);
      io.out(`backup:   ${s.lastBackup ? `${s.lastBackup.path} (${s.lastBackup.createdAt})` : 'none'}`);
      return EXIT.ok;
    },
  },
  restore: {
    summary: 'Put a backup back (checked first; the replaced file is kept)',
    usage: 'cortex restore --backup FILE [--workspace DIR | --db FILE] [--json]',
    options: { backup: { type: 'string' } },
    async run(v, io, ctx) {
      if (typeof v.backup !== 'string') throw new UsageError('restore needs --backup FILE');
      const r = await restoreBackup(ctx.dbPath, v.backup, new Date(), ctx.busyTimeoutMs);
      if (ctx.json) io.out(JSON.stringify(r, null, 2));
      else io.out(`restored ${r.dbPath} from ${r.restoredFrom}${r.replacedCopy ? `; the replaced file is kept at ${r.replacedCopy}` : ''}`);
      return EXIT.ok;
    },
  },
};

function help(): string {
  const lines = ['usage: cortex <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)}${c.summary}`, `  ${''.padEnd(10)}${c.usage}`);
  lines.push('', 'common options: --workspace DIR (default: current folder), --db FILE, --json, --busy-timeout MS, --verbose');
  return lines.join('\n');
}


export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`cortex: unknown command '${name}'. Run 'cortex --help'.`);
    return EXIT.usage;
  }
  let values: Values;
  let positionals: string[];
  try {
    const parsed = parseArgs({ args: rest, options: { ...COMMON_OPTIONS, ...command.options }, allowPositionals: command.positionals !== undefined, strict: true });
    values = parsed.values as Values;
    positionals = parsed.positionals;
  } catch (err) {
    io.err(`cortex ${name}: ${(err as Error).message}\nusage: ${command.usage}`);
    return EXIT.usage;
  }
  if (values.help) {
    io.out(`usage: ${command.usage}`);
    return EXIT.ok;
  }
  const json = values.json === true;
  let busyTimeoutMs: number | undefined;
  if (typeof values['busy-timeout'] === 'string') {
    busyTimeoutMs = Number(values['busy-timeout']);
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      io.err(`cortex ${name}: --busy-timeout takes a whole number of milliseconds`);
      return EXIT.usage;
    }
  }
  const verbose = values.verbose === true;
  const log: Logger = {
    trace: (m) => verbose && io.err(`[trace] ${m}`),
    info: (m) => verbose && io.err(`[info] ${m}`),
    warn: (m) => io.err(`[warn] ${m}`),
    error: (m) => io.err(`[error] ${m}`),
  };
  try {
    const location = locateBrain({
      workspace: typeof values.workspace === 'string' ? values.workspace : io.cwd,
      explicitPath: typeof values.db === 'string' ? values.db : undefined,
      env: io.env,
    });

    for (const n of location.notes) log.warn(n);
    return await command.run(values, io, { workspace: location.workspace, dbPath: location.dbPath, json, busyTimeoutMs, log, positionals });
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`cortex ${name}: ${err.message}\nusage: ${command.usage}`);
      return EXIT.usage;
    }
    const e = err instanceof CortexError ? err : undefined;
    if (json) io.out(JSON.stringify({ error: { code: e?.code ?? 'INTERNAL', message: e?.message ?? String(err), hint: e?.hint } }, null, 2));
    io.err(`cortex ${name}: ${e ? e.oneLine : (err as Error)?.stack ?? String(err)}`);
    return EXIT.failed;
  }
}
