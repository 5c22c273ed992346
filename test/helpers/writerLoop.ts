// Another writer, for starvation tests: commits one small transaction every INTERVAL_MS for DURATION_MS.
// usage: node writerLoop.js DB DURATION_MS INTERVAL_MS BUSY_TIMEOUT_MS
// Prints "READY" once connected, then "DONE {"writes","errors","maxWaitMs"}" (wait = time to get the write lock).
import { Database } from '../../src/core/db/database';

const [dbPath, duration, interval, busy] = process.argv.slice(2).map((v, i) => (i === 0 ? v : Number(v))) as [string, number, number, number];

void (async () => {
  const db = await Database.open(dbPath, { busyTimeoutMs: busy });
  await db.exec('CREATE TABLE IF NOT EXISTS writer_probe (at TEXT)');
  process.stdout.write('READY\n');
  const end = Date.now() + duration;
  let writes = 0;
  let errors = 0;
  let maxWaitMs = 0;
  while (Date.now() < end) {
    const t = process.hrtime.bigint();
    try {
      await db.exec('BEGIN IMMEDIATE');
      maxWaitMs = Math.max(maxWaitMs, Number(process.hrtime.bigint() - t) / 1e6);
      await db.run('INSERT INTO writer_probe (at) VALUES (?)', [new Date().toISOString()]);
      await db.exec('COMMIT');
      writes++;
    } catch {
      errors++;
      await db.exec('ROLLBACK').catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  await db.close();
  process.stdout.write(`DONE ${JSON.stringify({ writes, errors, maxWaitMs: Math.round(maxWaitMs) })}\n`);
})();
