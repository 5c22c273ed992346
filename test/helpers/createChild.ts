// A creation session in a child process, for SIGKILL tests.
// usage: node createChild.js DB WORKSPACE SRC DEST MAX_LINES PHASE:CHUNK
// At the named boundary (PHASE appended|recorded, after chunk CHUNK) it prints "PAUSED" and waits forever.
import { createFile } from '../../src/core/creation/engine';
import { withDatabase } from '../../src/core/db/database';

const [dbPath, workspace, source, dest, maxLines, pauseAt] = process.argv.slice(2);
const [phase, chunk] = pauseAt.split(':');

withDatabase(dbPath, {}, (db) =>
  createFile(db, {
    workspace,
    source: { path: source },
    dest,
    limits: { maxLines: Number(maxLines) },
    onChunk: async (p) => {
      if (p.phase !== phase || p.chunk !== Number(chunk)) return;
      process.stdout.write('PAUSED\n');
      await new Promise(() => setInterval(() => undefined, 1000));
    },
  }),
).then(
  (report) => process.stdout.write(`REPORT ${JSON.stringify(report)}\n`),
  (err: unknown) => {
    process.stdout.write(`ERROR ${JSON.stringify({ code: (err as { code?: string }).code, message: String((err as Error).message) })}\n`);
    process.exitCode = 1;
  },
);
