import * as path from 'node:path';
import { withDatabase } from '../core/db/database';
import { CortexError } from '../core/db/errors';
import { createFile, CreationReport, resumeCreation } from '../core/creation/engine';
import { FILE_TYPES, FileType } from '../core/creation/plan';
import { unfinishedSessions } from '../core/creation/store';
import { CliIo, Command, CommandContext, EXIT, UsageError, Values } from './command';

function positiveInt(v: Values, name: string): number | undefined {
  const raw = v[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || n < 1) throw new UsageError(`--${name} takes a whole number of at least 1`);
  return n;
}

function print(r: CreationReport, io: CliIo, ctx: CommandContext): number {
  if (ctx.json) io.out(JSON.stringify(r, null, 2));
  if (r.outcome === 'failed') {
    const f = r.failedChunk!;
    io.err(`cortex: chunk ${f.number} of ${r.totalChunks} could not be written to ${r.dest} (${f.error}). Fix the cause, then run \`cortex resume --session ${r.sessionId}\`.`);
    return EXIT.failed;
  }
  if (ctx.json) return EXIT.ok;
  const what = r.resumedAfter > 0 ? `resumed after chunk ${r.resumedAfter}, wrote ${r.written.length} more of` : 'wrote';
  io.out(`${r.dest}: ${what} ${r.totalChunks} chunk(s), complete (${r.fileType}, session #${r.sessionId})`);
  for (const w of r.warnings) for (const text of w.warnings) io.out(`  warning (chunk ${w.chunk}): ${text}`);
  if (r.totalChunks === 0) for (const text of r.fileWarnings) io.out(`  warning: ${text}`);
  return EXIT.ok;
}

export const creationCommands: Record<string, Command> = {
  create: {
    summary: 'Write DEST from SRC chunk by chunk, recorded in the brain so an interrupted run can resume',
    usage: 'cortex create --from SRC --to DEST [--type markdown|python|json|other] [--max-lines N] [--max-tokens N] [--replace] [--workspace DIR | --db FILE] [--json]',
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      type: { type: 'string' },
      'max-lines': { type: 'string' },
      'max-tokens': { type: 'string' },
      replace: { type: 'boolean' },
    },
    async run(v, io, ctx) {
      if (typeof v.from !== 'string' || typeof v.to !== 'string') throw new UsageError('create needs --from SRC and --to DEST');
      if (v.type !== undefined && !FILE_TYPES.includes(v.type as FileType)) throw new UsageError(`--type is one of ${FILE_TYPES.join(', ')}`);
      const maxLines = positiveInt(v, 'max-lines');
      const maxTokens = positiveInt(v, 'max-tokens');
      const report = await withDatabase(ctx.dbPath, { busyTimeoutMs: ctx.busyTimeoutMs }, (db) =>
        createFile(db, {
          workspace: ctx.workspace,
          source: { path: path.resolve(io.cwd, v.from as string) },
          dest: path.resolve(io.cwd, v.to as string),
          fileType: v.type as FileType | undefined,
          limits: { ...(maxLines ? { maxLines } : {}), ...(maxTokens ? { maxTokens } : {}) },
          replace: v.replace === true,
          log: ctx.log,
        }),
      );
      return print(report, io, ctx);
    },
  },
  resume: {
    summary: 'Finish an interrupted or failed creation session (the only unfinished one, or --session ID)',
    usage: 'cortex resume [--session ID] [--workspace DIR | --db FILE] [--json]',
    options: { session: { type: 'string' } },
    async run(v, io, ctx) {
      let sessionId = positiveInt(v, 'session');
      const report = await withDatabase(ctx.dbPath, { busyTimeoutMs: ctx.busyTimeoutMs }, async (db) => {
        if (sessionId === undefined) {
          const open = await unfinishedSessions(db);
          if (open.length === 0) throw new CortexError('BAD_INPUT', `There is no unfinished creation session in ${ctx.dbPath}.`);
          if (open.length > 1) throw new UsageError(`several creation sessions are unfinished (${open.map((s) => `#${s.id} ${s.file_path}`).join(', ')}); pass --session ID`);
          sessionId = open[0].id;
        }
        return resumeCreation(db, { workspace: ctx.workspace, sessionId, log: ctx.log });
      });
      return print(report, io, ctx);
    },
  },
};
