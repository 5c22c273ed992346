import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database, looksLikeSqlite, withDatabase } from '../db/database';
import { CortexError } from '../db/errors';
import { brainRootFor } from '../brain/locate';

export const DEFAULT_BACKUPS_KEPT = 5;

export function preMigrationDir(dbPath: string): string {
  return path.join(brainRootFor(dbPath), 'backups', 'pre-migration');
}

export function replacedDir(dbPath: string): string {
  return path.join(brainRootFor(dbPath), 'backups', 'replaced');
}

/** 2026-11-26T21:46:00.123Z → 20261126T214600123Z: sortable and safe in file names. */
export function stamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

function backupPrefix(dbPath: string): string {
  return `${path.basename(dbPath, path.extname(dbPath))}-`;
}

export interface BackupInfo {
  path: string;
  sizeBytes: number;
  createdAt: Date;
}

/** This database's pre-migration backups, newest first. */
export function listBackups(dbPath: string): BackupInfo[] {
  const dir = preMigrationDir(dbPath);
  const prefix = backupPrefix(dbPath);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && n.endsWith('.db'))
    .sort()
    .reverse()
    .map((n) => {
      const p = path.join(dir, n);
      const st = fs.statSync(p);
      return { path: p, sizeBytes: st.size, createdAt: st.mtime };
    });
}

/** Free bytes available to us on the file system holding `p`. */
export function freeBytes(p: string): number {
  const st = fs.statfsSync(p);
  return st.bavail * st.bsize;
}

/**
 * Writes a consistent, compacted copy with VACUUM INTO. It reads under a
 * shared lock, so other CORTEX processes keep reading meanwhile, and the copy
 * is a valid database even if this process dies half-way (the partial file is
 * written to a temporary name and only renamed when complete).
 */
export async function createBackup(db: Database, now: Date): Promise<string> {
  const dir = preMigrationDir(db.path);
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, `${backupPrefix(db.path)}${stamp(now)}.db`);
  const partial = `${target}.partial`;
  fs.rmSync(partial, { force: true });
  try {
    await db.exec(`VACUUM INTO '${partial.replace(/'/g, "''")}'`);
    fs.renameSync(partial, target);
  } catch (err) {
    fs.rmSync(partial, { force: true });
    const e = err instanceof CortexError ? err : undefined;
    throw new CortexError('BACKUP_FAILED', `Could not back up ${db.path} to ${dir}: ${e?.message ?? String(err)}`, 'Nothing was changed. Check free space and permissions of the backups folder.', err);
  }
  return target;
}

/** Keeps the newest `keep` backups of this database; returns the removed paths. */
export function pruneBackups(dbPath: string, keep: number): string[] {
  const removed: string[] = [];
  for (const b of listBackups(dbPath).slice(Math.max(keep, 1))) {
    fs.rmSync(b.path, { force: true });
    removed.push(b.path);
  }
  return removed;
}

const SIDE_FILES = ['-journal', '-wal', '-shm'];

export interface RestoreResult {
  restoredFrom: string;
  dbPath: string;
  /** Where the database that was replaced was kept (absent when there was none). */
  replacedCopy?: string;
}

/**
 * Puts a backup back. The backup is checked first (SQLite header and
 * integrity_check); the current file and any journal beside it are kept under
 * backups/replaced/ — a stale hot journal left next to the restored file would
 * otherwise be "rolled back" into it. The swap is a rename, so the database
 * path always holds either the old or the restored file.
 */
export async function restoreBackup(dbPath: string, backupPath: string, now = new Date(), busyTimeoutMs?: number): Promise<RestoreResult> {
  const backup = path.resolve(backupPath);
  if (!fs.existsSync(backup) || !fs.statSync(backup).isFile()) {
    throw new CortexError('BAD_INPUT', `No backup file at ${backup}.`);
  }
  if (!looksLikeSqlite(backup)) throw new CortexError('NOT_A_DATABASE', `${backup} is not a SQLite database; nothing was restored.`);
  const check = await withDatabase(backup, { readonly: true }, (db) => db.all<{ integrity_check: string }>('PRAGMA integrity_check'));
  if (check.length !== 1 || check[0].integrity_check !== 'ok') {
    throw new CortexError('CORRUPT', `The backup ${backup} fails its integrity check (${check.map((r) => r.integrity_check).slice(0, 3).join('; ')}); nothing was restored.`);
  }

  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  const staged = `${dbPath}.restoring`;
  fs.copyFileSync(backup, staged);

  let holder: Database | undefined;
  let replacedCopy: string | undefined;
  try {
    if (fs.existsSync(dbPath)) {
      // Hold the write lock while the old file is copied aside, so no other
      // writer is half-way through a transaction we would capture.
      if (looksLikeSqlite(dbPath)) {
        try {
          holder = await Database.open(dbPath, { busyTimeoutMs });
          await holder.exec('BEGIN IMMEDIATE');
        } catch (err) {
          if (holder) await holder.close().catch(() => undefined);
          holder = undefined;
          if (err instanceof CortexError && err.code === 'LOCKED') throw err;
          // A corrupt file cannot be locked; it is copied aside as it is.
        }
      }
      const dir = replacedDir(dbPath);
      fs.mkdirSync(dir, { recursive: true });
      replacedCopy = path.join(dir, `${backupPrefix(dbPath)}${stamp(now)}.db`);
      fs.copyFileSync(dbPath, replacedCopy);
      for (const s of SIDE_FILES) {
        if (fs.existsSync(dbPath + s)) fs.renameSync(dbPath + s, replacedCopy + s);
      }
    }
    fs.renameSync(staged, dbPath);
  } finally {
    fs.rmSync(staged, { force: true });
    if (holder) {
      await holder.exec('ROLLBACK').catch(() => undefined);
      await holder.close().catch(() => undefined);
    }
  }
  return { restoredFrom: backup, dbPath, replacedCopy };
}
