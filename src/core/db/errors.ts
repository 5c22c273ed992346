/**
 * Typed errors with messages written for the person who has to act on them.
 * Every engine failure that reaches the CLI or the host is one of these.
 */
export type CortexErrorCode =
  | 'NO_BRAIN'
  | 'NOT_A_DATABASE'
  | 'CORRUPT'
  | 'LOCKED'
  | 'READ_ONLY'
  | 'NEWER_SCHEMA'
  | 'DRIFT'
  | 'SCHEMA_CONFLICT'
  | 'MIGRATION_FAILED'
  | 'DISK_SPACE'
  | 'BACKUP_FAILED'
  | 'CANCELLED'
  | 'BAD_INPUT'
  | 'SQLITE';

export class CortexError extends Error {
  constructor(
    readonly code: CortexErrorCode,
    message: string,
    readonly hint?: string,
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'CortexError';
  }

  /** One line for a terminal or a notification. */
  get oneLine(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

export function isCortexError(err: unknown, code?: CortexErrorCode): err is CortexError {
  return err instanceof CortexError && (code === undefined || err.code === code);
}

/** SQLite reports its result codes as `err.code` strings such as 'SQLITE_BUSY'. */
function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Translates a raw driver error into a CortexError that names the file and
 * says what to do. Errors that already are CortexErrors pass through.
 */
export function translateSqliteError(err: unknown, dbPath: string, busyTimeoutMs?: number): CortexError {
  if (err instanceof CortexError) return err;
  const code = sqliteCode(err);
  const text = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new CortexError(
        'LOCKED',
        `The brain ${dbPath} is locked by another process${busyTimeoutMs !== undefined ? ` (waited ${busyTimeoutMs} ms)` : ''}.`,
        'Another CORTEX agent or window is writing to it; nothing was changed. Try again when it is done, or raise cortex.busyTimeoutMs.',
        err,
      );
    case 'SQLITE_CORRUPT':
      return new CortexError(
        'CORRUPT',
        `The brain ${dbPath} is corrupt (${text.replace(/^SQLITE_CORRUPT: /, '')}).`,
        'Nothing was written to it. Restore a backup with `cortex restore --backup FILE` or "CORTEX: Restore Backup…".',
        err,
      );
    case 'SQLITE_NOTADB':
      return new CortexError(
        'NOT_A_DATABASE',
        `${dbPath} is not a SQLite database (its header is damaged or it is another kind of file).`,
        'Nothing was written to it. Restore a backup with `cortex restore --backup FILE`, or point cortex.databasePath at the right file.',
        err,
      );
    case 'SQLITE_READONLY':
    case 'SQLITE_PERM':
    case 'SQLITE_CANTOPEN':
      return new CortexError(
        code === 'SQLITE_CANTOPEN' ? 'NO_BRAIN' : 'READ_ONLY',
        code === 'SQLITE_CANTOPEN'
          ? `Cannot open ${dbPath} (${text}).`
          : `The brain ${dbPath} cannot be written (${text}).`,
        'Check that the file exists and that you may read and write it and its folder.',
        err,
      );
    case 'SQLITE_FULL':
      return new CortexError('DISK_SPACE', `The disk holding ${dbPath} is full.`, 'Free some space and try again; the brain was not changed.', err);
    case 'SQLITE_INTERRUPT':
      return new CortexError('CANCELLED', 'The operation was cancelled.', undefined, err);
    default:
      return new CortexError('SQLITE', `SQLite error on ${dbPath}: ${text}`, undefined, err);
  }
}
