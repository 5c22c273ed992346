import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database, DEFAULT_BUSY_TIMEOUT_MS } from '../db/database';
import { CortexError } from '../db/errors';
import { elapsedMs, Logger, silentLogger } from '../log';
import { createBackup, DEFAULT_BACKUPS_KEPT, freeBytes, listBackups, pruneBackups } from './backups';
import { checksum, Migration, MIGRATION_NAMESPACE, migrationName, MIGRATIONS } from './migrations';
import { ReferenceSchema } from './reference';
import { SEED_TABLES } from './seedDdl';
import { tableExists } from './structure';
import { VALIDATION_QUERIES } from './validation';

/** doc 12's `migrations` table; shared with other CORTEX tooling. */
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS migrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    checksum TEXT NOT NULL,
    success INTEGER NOT NULL,
    error_message TEXT
)`;

export interface MigrationRow {
  id: number;
  name: string;
  applied_at: string;
  checksum: string;
  success: number;
  error_message: string | null;
}

export interface SchemaStatus {
  /** up-to-date: nothing to do · pending: migrations to apply · newer: written by a newer version (read-only) · drift: an applied migration changed. */
  state: 'up-to-date' | 'pending' | 'newer' | 'drift';
  applied: Array<{ name: string; appliedAt: string }>;
  pending: Array<{ name: string; title: string }>;
  /** Our migrations whose last attempt failed and that are not applied. */
  failed: Array<{ name: string; at: string; error: string | null }>;
  /** Ours, but unknown to this version. */
  unknown: string[];
  drift: Array<{ name: string; recorded: string; expected: string }>;
  /** Rows other CORTEX tooling wrote into `migrations`; kept and reported, never a reason to refuse. */
  foreign: Array<{ name: string; appliedAt: string; success: boolean }>;
}

/** Reads what has been applied. Cheap: one query on a small table, no scans of user data. */
export async function readSchemaStatus(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<SchemaStatus> {
  const rows = (await tableExists(db, 'migrations'))
    ? await db.all<MigrationRow>('SELECT id, name, applied_at, checksum, success, error_message FROM migrations ORDER BY id')
    : [];
  const known = new Map(migrations.map((m) => [migrationName(m), m]));
  const status: SchemaStatus = { state: 'up-to-date', applied: [], pending: [], failed: [], unknown: [], drift: [], foreign: [] };
  const lastSuccess = new Map<string, MigrationRow>();
  const lastAttempt = new Map<string, MigrationRow>();
  for (const r of rows) {
    if (!r.name.startsWith(MIGRATION_NAMESPACE)) {
      status.foreign.push({ name: r.name, appliedAt: r.applied_at, success: r.success === 1 });
      continue;
    }
    lastAttempt.set(r.name, r);
    if (r.success === 1) lastSuccess.set(r.name, r);
  }
  for (const [name, row] of lastSuccess) {
    const m = known.get(name);
    if (!m) status.unknown.push(name);
    else {
      const expected = checksum(m.sql);
      if (row.checksum !== expected) status.drift.push({ name, recorded: row.checksum, expected });
      else status.applied.push({ name, appliedAt: row.applied_at });
    }
  }
  for (const m of migrations) {
    const name = migrationName(m);
    if (lastSuccess.has(name)) continue;
    status.pending.push({ name, title: m.title });
    const attempt = lastAttempt.get(name);
    if (attempt) status.failed.push({ name, at: attempt.applied_at, error: attempt.error_message });
  }
  for (const name of lastAttempt.keys()) if (!known.has(name) && !lastSuccess.has(name)) status.unknown.push(name);
  status.state = status.unknown.length ? 'newer' : status.drift.length ? 'drift' : status.pending.length ? 'pending' : 'up-to-date';
  return status;
}

export type MigrationStepKind = 'checked' | 'backed-up' | 'group-start' | 'group-applied' | 'group-committed' | 'verified';
export interface MigrationStep {
  kind: MigrationStepKind;
  migration?: string;
  detail?: string;
}

export interface MigrateOptions {
  dbPath: string;
  busyTimeoutMs?: number;
  backupsKept?: number;
  dryRun?: boolean;
  /** Honoured until the first write; after that the run completes (each group is atomic anyway). */
  signal?: AbortSignal;
  /** Progress callback; awaited, so a caller can also pace the run. */
  onStep?: (step: MigrationStep) => void | Promise<void>;
  log?: Logger;
  now?: () => Date;
}

export interface MigrationReport {
  dbPath: string;
  /** up-to-date: nothing was needed · migrated: migrations were applied · dry-run: the plan only. */
  outcome: 'up-to-date' | 'migrated' | 'dry-run';
  applied: string[];
  /** Applied by another process while we waited for the lock. */
  skipped: string[];
  plan: Array<{ name: string; title: string; steps: string[] }>;
  backupPath?: string;
  prunedBackups: string[];
  foreign: SchemaStatus['foreign'];
  warnings: string[];
  timingsMs: Record<string, number>;
}

function refuseIfUnsafe(status: SchemaStatus, dbPath: string): void {
  if (status.state === 'newer') {
    throw new CortexError(
      'NEWER_SCHEMA',
      `The brain ${dbPath} was migrated by a newer CORTEX for VS Code (unknown migrations: ${status.unknown.join(', ')}).`,
      'Nothing was written; it is opened read-only. Update the extension to work with it.',
    );
  }
  if (status.state === 'drift') {
    throw new CortexError(
      'DRIFT',
      `Applied migration ${status.drift.map((d) => d.name).join(', ')} does not match this version's (checksum ${status.drift[0].recorded.slice(0, 12)}… recorded, ${status.drift[0].expected.slice(0, 12)}… expected).`,
      'Nothing was written. The brain was migrated by a modified build; restore a backup or migrate it with the build that wrote it.',
    );
  }
}

function checkCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CortexError('CANCELLED', 'Migration cancelled before anything was written.');
}

/**
 * Brings a brain to the 2.0 schema. The up-to-date path reads only the
 * `migrations` table. Otherwise: disk space, integrity check and a backup
 * come before the first write; each migration then runs in its own
 * BEGIN IMMEDIATE transaction (which is also the lock against a second
 * migrator) and is recorded with its checksum; a failure rolls its group
 * back, is recorded with success=0, and leaves the brain at its last good
 * version.
 */
export async function migrate(options: MigrateOptions): Promise<MigrationReport> {
  const log = options.log ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const step = async (s: MigrationStep) => options.onStep?.(s);
  const t0 = process.hrtime.bigint();
  const report: MigrationReport = {
    dbPath: options.dbPath,
    outcome: 'up-to-date',
    applied: [],
    skipped: [],
    plan: [],
    prunedBackups: [],
    foreign: [],
    warnings: [],
    timingsMs: {},
  };
  const db = await Database.open(options.dbPath, { readonly: options.dryRun, busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  const reference = new ReferenceSchema();
  try {
    let status = await readSchemaStatus(db);
    report.foreign = status.foreign;
    report.timingsMs.status = elapsedMs(t0);
    refuseIfUnsafe(status, options.dbPath);
    if (status.state === 'up-to-date') {
      log.info(`Schema up to date (${status.applied.length} migrations) — checked in ${report.timingsMs.status} ms.`);
      return report;
    }
    const pending = MIGRATIONS.filter((m) => status.pending.some((p) => p.name === migrationName(m)));
    for (const f of status.failed) report.warnings.push(`${f.name} failed earlier (${f.at}): ${f.error ?? 'no message'}; retrying.`);

    if (options.dryRun) {
      report.outcome = 'dry-run';
      for (const m of pending) {
        const steps = await m.plan({ db, reference, now: now() }).catch((err: unknown) => [`would fail: ${err instanceof CortexError ? err.message : String(err)}`]);
        report.plan.push({ name: migrationName(m), title: m.title, steps });
      }
      return report;
    }

    // Pre-flight: nothing below writes to the brain until every check passed.
    checkCancelled(options.signal);
    const size = fs.statSync(options.dbPath).size;
    const free = freeBytes(path.dirname(options.dbPath));
    if (free < 2 * size) {
      throw new CortexError('DISK_SPACE', `Not enough free disk to migrate safely: ${(free / 1e6).toFixed(1)} MB free, ${((2 * size) / 1e6).toFixed(1)} MB needed (twice the brain).`, 'Free some space and try again; nothing was changed.');
    }
    let t = process.hrtime.bigint();
    const integrity = await db.all<{ integrity_check: string }>('PRAGMA integrity_check');
    report.timingsMs.integrityCheck = elapsedMs(t);
    if (integrity.length !== 1 || integrity[0].integrity_check !== 'ok') {
      throw new CortexError('CORRUPT', `The brain ${options.dbPath} fails its integrity check: ${integrity.slice(0, 3).map((r) => r.integrity_check).join('; ')}.`, 'It was not changed. Restore a backup with `cortex restore --backup FILE`.');
    }
    await step({ kind: 'checked' });
    checkCancelled(options.signal);

    const hasUserTables = (await db.get(`SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)) !== undefined;
    if (hasUserTables) {
      t = process.hrtime.bigint();
      report.backupPath = await createBackup(db, now());
      report.timingsMs.backup = elapsedMs(t);
      log.info(`Backup written to ${report.backupPath} in ${report.timingsMs.backup} ms.`);
      await step({ kind: 'backed-up', detail: report.backupPath });
    }
    checkCancelled(options.signal);

    t = process.hrtime.bigint();
    await db.exec(MIGRATIONS_TABLE);
    for (const m of pending) {
      const name = migrationName(m);
      const sum = checksum(m.sql);
      await step({ kind: 'group-start', migration: name });
      const tg = process.hrtime.bigint();
      try {
        const outcome = await db.transaction(async () => {
          // Re-read under the write lock: another window may have applied it meanwhile.
          const done = await db.get<{ checksum: string }>(`SELECT checksum FROM migrations WHERE name = ? AND success = 1 ORDER BY id DESC LIMIT 1`, [name]);
          if (done) {
            if (done.checksum !== sum) throw new CortexError('DRIFT', `Migration ${name} was applied meanwhile with another checksum.`);
            return 'skipped' as const;
          }
          const notes = await m.apply({ db, reference, now: now() });
          await db.run('INSERT INTO migrations (name, checksum, success) VALUES (?, ?, 1)', [name, sum]);
          report.plan.push({ name, title: m.title, steps: notes });
          await step({ kind: 'group-applied', migration: name });
          return 'applied' as const;
        });
        if (outcome === 'skipped') report.skipped.push(name);
        else report.applied.push(name);
        report.timingsMs[m.id] = elapsedMs(tg);
        log.info(`${outcome === 'applied' ? 'Applied' : 'Skipped (applied by another process)'} ${name} in ${report.timingsMs[m.id]} ms.`);
        await step({ kind: 'group-committed', migration: name });
      } catch (err) {
        const message = err instanceof CortexError ? err.message : String(err);
        await db
          .run('INSERT INTO migrations (name, checksum, success, error_message) VALUES (?, ?, 0, ?)', [name, sum, message])
          .catch((e: unknown) => log.warn(`Could not record the failure of ${name}: ${String(e)}`));
        const last = report.applied.at(-1) ?? status.applied.at(-1)?.name ?? 'its 1.0 schema';
        throw new CortexError(
          err instanceof CortexError && err.code === 'LOCKED' ? 'LOCKED' : 'MIGRATION_FAILED',
          `Migration ${name} failed and was rolled back: ${message}`,
          `The brain is unchanged since ${last}${report.backupPath ? `; a backup is at ${report.backupPath}` : ''}. ${err instanceof CortexError && err.hint ? err.hint : 'Fix the cause and migrate again'}${report.backupPath ? ', or restore the backup with `cortex restore`' : ''}.`,
          err,
        );
      }
    }
    report.timingsMs.apply = elapsedMs(t);
    report.outcome = report.applied.length ? 'migrated' : 'up-to-date';

    t = process.hrtime.bigint();
    await verify(db);
    report.timingsMs.verify = elapsedMs(t);
    await step({ kind: 'verified' });
    status = await readSchemaStatus(db);
    if (status.state !== 'up-to-date') report.warnings.push(`After migrating the schema is ${status.state}.`);
    if (report.backupPath) report.prunedBackups = pruneBackups(options.dbPath, options.backupsKept ?? DEFAULT_BACKUPS_KEPT);
    return report;
  } finally {
    report.timingsMs.total = elapsedMs(t0);
    await reference.close().catch(() => undefined);
    await db.close().catch(() => undefined);
  }
}

/**
 * Post-migration checks: the 2.0 tables pass foreign_key_check, and the
 * seed's own validation queries run. 1.0 tables are not checked: 1.0 ran
 * with foreign keys off, so their dangling rows predate us, and a
 * whole-database check costs a full scan of every child table.
 */
async function verify(db: Database): Promise<void> {
  for (const table of Object.keys(SEED_TABLES)) {
    const bad = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM pragma_foreign_key_check(?)', [table]);
    if (bad && bad.n > 0) throw new CortexError('MIGRATION_FAILED', `foreign_key_check found ${bad.n} dangling rows in ${table}.`);
  }
  for (const q of VALIDATION_QUERIES) await db.all(q);
}

export interface BrainStatus extends SchemaStatus {
  dbPath: string;
  sizeBytes: number;
  lastBackup?: { path: string; sizeBytes: number; createdAt: string };
}

/** `cortex status`: opens read-only and never writes. */
export async function brainStatus(dbPath: string, busyTimeoutMs?: number): Promise<BrainStatus> {
  const db = await Database.open(dbPath, { readonly: true, busyTimeoutMs });
  try {
    const status = await readSchemaStatus(db);
    const last = listBackups(dbPath)[0];
    return {
      dbPath,
      sizeBytes: fs.statSync(dbPath).size,
      ...status,
      lastBackup: last && { path: last.path, sizeBytes: last.sizeBytes, createdAt: last.createdAt.toISOString() },
    };
  } finally {
    await db.close().catch(() => undefined);
  }
}

/** `cortex init`: creates the file (and folders) if missing, then migrates. */
export async function initBrain(options: MigrateOptions): Promise<MigrationReport> {
  fs.mkdirSync(path.dirname(options.dbPath), { recursive: true });
  if (!fs.existsSync(options.dbPath)) {
    const db = await Database.open(options.dbPath, { create: true, busyTimeoutMs: options.busyTimeoutMs });
    await db.close();
  }
  return migrate({ ...options, dryRun: false });
}
