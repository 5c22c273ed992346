import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Sqlite3 from '@vscode/sqlite3';
import { brainRootFor } from '../brain/locate';
import { Database, DEFAULT_BUSY_TIMEOUT_MS } from '../db/database';
import { CortexError, translateSqliteError } from '../db/errors';
import { freeBytes, stamp } from '../schema/backups';

export const SNAPSHOTS_KEPT = 5;

/** `cortex-brain/backups/<kind>/`: pre-fix (self-review fixes) or pre-maintenance. */
export function snapshotDir(dbPath: string, kind: 'pre-fix' | 'pre-maintenance'): string {
  return path.join(brainRootFor(dbPath), 'backups', kind);
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A consistent copy of the brain, written under a temporary name and renamed
 * when complete. With a rollback journal the file is copied byte for byte
 * while this connection holds the write lock (no other writer can touch the
 * file then, and any hot journal was rolled back when the lock was taken): a
 * plain copy runs at disk speed, several times faster than VACUUM INTO.
 * In WAL mode the file alone is not the database, so VACUUM INTO is used.
 * Keeps the newest `keep` snapshots of this brain in `dir`.
 */
export async function takeSnapshot(db: Database, dir: string, now: Date, keep = SNAPSHOTS_KEPT): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const prefix = `${path.basename(db.path, path.extname(db.path))}-`;
  // Two snapshots in the same millisecond (several fixes on a small brain) get distinct, still sortable names.
  let target = path.join(dir, `${prefix}${stamp(now)}.db`);
  for (let ms = 1; fs.existsSync(target); ms++) target = path.join(dir, `${prefix}${stamp(new Date(now.getTime() + ms))}.db`);
  const partial = `${target}.partial`;
  fs.rmSync(partial, { force: true });
  try {
    const mode = (await db.get<{ journal_mode: string }>('PRAGMA journal_mode'))?.journal_mode;
    if (mode === 'wal') await db.exec(`VACUUM INTO '${partial.replace(/'/g, "''")}'`);
    else await db.transaction(() => fs.promises.copyFile(db.path, partial, fs.constants.COPYFILE_FICLONE));
    fsyncPath(partial);
    fs.renameSync(partial, target);
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw new CortexError('BACKUP_FAILED', `Could not back up ${db.path} to ${dir}: ${err instanceof Error ? err.message : String(err)}`, 'Nothing was changed. Check free space and permissions of the backups folder.', err);
  }
  const mine = fs.readdirSync(dir).filter((n) => n.startsWith(prefix) && n.endsWith('.db')).sort().reverse();
  for (const old of mine.slice(Math.max(keep, 1))) fs.rmSync(path.join(dir, old), { force: true });
  return target;
}

// The driver's online-backup API is not in its type declarations.
interface RawBackup {
  completed: boolean;
  failed: boolean;
  step(pages: number, cb: (err: Error | null) => void): void;
  finish(cb: (err: Error | null) => void): void;
}
type RawDatabase = Sqlite3.Database & {
  backup(file: string, destName: string, sourceName: string, filenameIsDest: boolean, cb: (err: Error | null) => void): RawBackup;
};

/**
 * Puts a snapshot back into the brain with SQLite's online-backup API, page
 * by page under the brain's own locks: the file is never swapped under other
 * connections, which see the restored content at their next transaction.
 */
export async function restoreSnapshot(dbPath: string, snapshotPath: string, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sqlite3 = require('@vscode/sqlite3') as typeof Sqlite3;
  const fail = (err: unknown) => translateSqliteError(err, dbPath, busyTimeoutMs);
  const raw = await new Promise<RawDatabase>((resolve, reject) => {
    const db = new sqlite3.Database(dbPath, sqlite3.OPEN_READWRITE, (err) => (err ? reject(fail(err)) : resolve(db as RawDatabase)));
  });
  raw.configure('busyTimeout', busyTimeoutMs);
  try {
    const backup = await new Promise<RawBackup>((resolve, reject) => {
      const b = raw.backup(snapshotPath, 'main', 'main', false, (err) => (err ? reject(fail(err)) : resolve(b)));
    });
    const deadline = Date.now() + busyTimeoutMs;
    // step() returns without finishing while another connection holds a lock (BUSY/LOCKED are retried).
    while (!backup.completed && !backup.failed) {
      await new Promise<void>((resolve, reject) => backup.step(-1, (err) => (err ? reject(fail(err)) : resolve())));
      if (!backup.completed && Date.now() > deadline) throw new CortexError('LOCKED', `Could not restore ${dbPath}: it stayed locked for ${busyTimeoutMs} ms.`);
      if (!backup.completed) await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise<void>((resolve) => backup.finish(() => resolve()));
    if (backup.failed) throw new CortexError('SQLITE', `Restoring ${dbPath} from ${snapshotPath} failed.`);
  } finally {
    await new Promise<void>((resolve) => raw.close(() => resolve()));
  }
}

/** Where SQLite writes VACUUM's temporary copy (its unix search order). */
export function sqliteTempDir(env: NodeJS.ProcessEnv = process.env): string {
  for (const dir of [env.SQLITE_TMPDIR, env.TMPDIR, '/var/tmp', '/usr/tmp', '/tmp']) {
    if (!dir) continue;
    try {
      fs.accessSync(dir, fs.constants.W_OK);
      if (fs.statSync(dir).isDirectory()) return dir;
    } catch {
      // not usable; try the next one
    }
  }
  return os.tmpdir();
}

export interface SpaceCheck {
  ok: boolean;
  /** Free bytes on the brain's disk and on the temporary folder's disk. */
  free: { brain: number; temp: number };
  needed: { brain: number; temp: number };
  message?: string;
}

/**
 * VACUUM needs the rollback journal (up to the brain's size) beside the brain
 * and a temporary copy (up to its size) in SQLite's temporary folder; the
 * snapshot taken first needs another copy beside the brain. When both
 * folders are on one disk, the needs add up.
 */
export function checkVacuumSpace(dbPath: string, sizeBytes: number, withSnapshot: boolean, env?: NodeJS.ProcessEnv): SpaceCheck {
  const brainDir = path.dirname(dbPath);
  const tempDir = sqliteTempDir(env);
  const sameDisk = fs.statSync(brainDir).dev === fs.statSync(tempDir).dev;
  const brainNeed = sizeBytes * (withSnapshot ? 2 : 1);
  const needed = sameDisk ? { brain: brainNeed + sizeBytes, temp: 0 } : { brain: brainNeed, temp: sizeBytes };
  const free = { brain: freeBytes(brainDir), temp: sameDisk ? freeBytes(brainDir) : freeBytes(tempDir) };
  const ok = free.brain >= needed.brain && free.temp >= needed.temp;
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  return {
    ok,
    free,
    needed,
    message: ok
      ? undefined
      : `Not enough free disk to VACUUM safely: ${mb(free.brain)} free beside the brain (${mb(needed.brain)} needed)${sameDisk ? '' : `, ${mb(free.temp)} free in ${tempDir} (${mb(needed.temp)} needed)`}.`,
  };
}
