// Holds a write lock on a database until killed: BEGIN IMMEDIATE plus a write.
// usage: node lockHolder.js DB   (prints LOCKED once the lock is held)
import { Database } from '../../src/core/db/database';

void (async () => {
  const db = await Database.open(process.argv[2]);
  await db.exec('BEGIN IMMEDIATE');
  await db.exec('CREATE TABLE IF NOT EXISTS lock_probe (x INTEGER)');
  process.stdout.write('LOCKED\n');
  setInterval(() => undefined, 1000);
})();
