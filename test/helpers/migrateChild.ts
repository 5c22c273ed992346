// A migration in a child process, for crash and concurrency tests.
// usage: node migrateChild.js DB [PAUSE_KIND[:MIGRATION_ID]] [BUSY_TIMEOUT_MS]
// At the named step it prints "PAUSED" and waits forever, so the parent can SIGKILL it there.
import { migrate } from '../../src/core/schema/migrator';

const [dbPath, pauseAt = 'none', busy = '10000'] = process.argv.slice(2);
const [pauseKind, pauseMigration] = pauseAt.split(':');

migrate({
  dbPath,
  busyTimeoutMs: Number(busy),
  onStep: async (step) => {
    const hit = step.kind === pauseKind && (!pauseMigration || step.migration?.endsWith(pauseMigration));
    if (!hit) return;
    process.stdout.write('PAUSED\n');
    await new Promise(() => setInterval(() => undefined, 1000));
  },
}).then(
  (report) => process.stdout.write(`REPORT ${JSON.stringify(report)}\n`),
  (err: unknown) => {
    process.stdout.write(`ERROR ${JSON.stringify({ code: (err as { code?: string }).code, message: String((err as Error).message) })}\n`);
    process.exitCode = 1;
  },
);
