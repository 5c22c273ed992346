// Retention in a child process, for crash tests.
// usage: node retentionChild.js DB NOW_ISO BATCH_SIZE [PAUSE_AFTER_BATCHES]
// Prints "BATCH <table> <deleted>" after each committed batch; after PAUSE_AFTER_BATCHES batches it prints
// "PAUSED" and waits forever, so the parent can SIGKILL it between two batches.
import { runRetention } from '../../src/core/retention/retention';

const [dbPath, nowIso, batchSize, pauseAfter = '0'] = process.argv.slice(2);
let batches = 0;

runRetention({
  dbPath,
  now: () => new Date(nowIso),
  batchSize: Number(batchSize),
  busyTimeoutMs: 10000,
  onBatch: async ({ table, deleted }) => {
    process.stdout.write(`BATCH ${table} ${deleted}\n`);
    if (++batches !== Number(pauseAfter)) return;
    process.stdout.write('PAUSED\n');
    await new Promise(() => setInterval(() => undefined, 1000));
  },
}).then(
  (r) => process.stdout.write(`RESULT ${JSON.stringify({ totalDeleted: r.totalDeleted })}\n`),
  (err: unknown) => {
    process.stdout.write(`ERROR ${String(err)}\n`);
    process.exitCode = 1;
  },
);
