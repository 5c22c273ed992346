import * as fs from 'node:fs';
import type * as Sqlite3 from '@vscode/sqlite3';
import { CortexError, translateSqliteError } from './errors';

// Loaded lazily so that merely importing the core (for example in the
// extension's activate()) does not pay for loading the native binding.
let driver: typeof Sqlite3 | undefined;
function sqlite3(): typeof Sqlite3 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  driver ??= require('@vscode/sqlite3') as typeof Sqlite3;
  return driver;
}

export type SqlValue = string | number | bigint | null | Buffer;
export type Params = readonly SqlValue[] | Record<string, SqlValue>;
export type Row = Record<string, unknown>;

export interface OpenOptions {
  readonly?: boolean;
  /** Create the file when missing (only `cortex init` does this). */
  create?: boolean;
  /** How long to wait for another writer's lock before giving up. */
  busyTimeoutMs?: number;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Checks the 16-byte SQLite header without handing the file to SQLite, so a
 * file that is not a database is never opened read-write (and never touched).
 * Returns false for an empty file, which SQLite treats as a new database.
 */
export function looksLikeSqlite(path: string): boolean {
  const fd = fs.openSync(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = fs.readSync(fd, buf, 0, 16, 0);
    if (n === 0) return false;
    return n === 16 && buf.equals(SQLITE_HEADER);
  } finally {
    fs.closeSync(fd);
  }
}

export interface RunResult {
  lastID: number;
  changes: number;
}

/** A promise API over one @vscode/sqlite3 connection. */
export class Database {
  private constructor(
    private readonly raw: Sqlite3.Database,
    readonly path: string,
    readonly readonly: boolean,
    readonly busyTimeoutMs: number,
  ) {}

  static async open(path: string, options: OpenOptions = {}): Promise<Database> {
    const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    const readonly = options.readonly ?? false;
    if (!options.create && !fs.existsSync(path)) {
      throw new CortexError('NO_BRAIN', `No CORTEX brain at ${path}.`, 'Run `cortex init` (or "CORTEX: Initialize Brain") to create one.');
    }
    if (fs.existsSync(path) && fs.statSync(path).size > 0 && !looksLikeSqlite(path)) {
      throw translateSqliteError(Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' }), path);
    }
    const s = sqlite3();
    const mode = readonly ? s.OPEN_READONLY : s.OPEN_READWRITE | (options.create ? s.OPEN_CREATE : 0);
    const raw = await new Promise<Sqlite3.Database>((resolve, reject) => {
      const db: Sqlite3.Database = new s.Database(path, mode, (err) => (err ? reject(translateSqliteError(err, path)) : resolve(db)));
    });
    raw.configure('busyTimeout', busyTimeoutMs);
    const db = new Database(raw, path, readonly, busyTimeoutMs);
    try {
      // Cascades in the 2.0 schema only work with foreign keys on, and
      // SQLite turns them off for every new connection.
      await db.exec('PRAGMA foreign_keys = ON');
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
    return db;
  }

  private fail(err: unknown): CortexError {
    return translateSqliteError(err, this.path, this.busyTimeoutMs);
  }

  run(sql: string, params: Params = []): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const fail = (e: unknown) => reject(this.fail(e));
      this.raw.run(sql, params, function (this: Sqlite3.RunResult, err: Error | null) {
        if (err) fail(err);
        else resolve({ lastID: this.lastID, changes: this.changes });
      });
    });
  }

  get<T = Row>(sql: string, params: Params = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.raw.get(sql, params, (err: Error | null, row: T | undefined) => (err ? reject(this.fail(err)) : resolve(row)));
    });
  }

  all<T = Row>(sql: string, params: Params = []): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.raw.all(sql, params, (err: Error | null, rows: T[]) => (err ? reject(this.fail(err)) : resolve(rows)));
    });
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.raw.exec(sql, (err: Error | null) => (err ? reject(this.fail(err)) : resolve()));
    });
  }

  /** Interrupts the statement now running (used for cancellation). */
  interrupt(): void {
    this.raw.interrupt();
  }

  /**
   * Runs `fn` inside `BEGIN IMMEDIATE`: the write lock is taken up front (so
   * two writers queue on busy_timeout rather than deadlocking on upgrade) and
   * everything `fn` does commits or rolls back as one.
   */
  async transaction<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    await this.exec('BEGIN IMMEDIATE');
    let result: T;
    try {
      result = await fn(this);
    } catch (err) {
      await this.exec('ROLLBACK').catch(() => undefined);
      throw err;
    }
    try {
      await this.exec('COMMIT');
    } catch (err) {
      await this.exec('ROLLBACK').catch(() => undefined);
      throw err;
    }
    return result;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.raw.close((err: Error | null) => (err ? reject(this.fail(err)) : resolve()));
    });
  }
}

/** Opens, runs `fn`, and always closes. */
export async function withDatabase<T>(path: string, options: OpenOptions, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await Database.open(path, options);
  try {
    return await fn(db);
  } finally {
    await db.close().catch(() => undefined);
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
