import * as path from 'node:path';
import * as vscode from 'vscode';
import { BrainLocation, locateBrain } from '../core/brain/locate';
import { Database } from '../core/db/database';
import { CortexError } from '../core/db/errors';
import { initBrain, migrate, MigrationReport, MigrationStep, readSchemaStatus, SchemaStatus } from '../core/schema/migrator';
import { restoreBackup, RestoreResult } from '../core/schema/backups';
import { HostState } from './ids';
import { readSettings } from './settings';
import { Logger } from '../core/log';

const REFRESH_DEBOUNCE_MS = 400;

/**
 * One workspace folder's brain: where it is, what state it is in, a cached
 * read-only connection for the views, and a debounced watch on the file so
 * writes by CORTEX's agents refresh the views. Holds no lock while idle.
 */
export class BrainSession implements vscode.Disposable {
  private _state: HostState = 'noBrain';
  private _detail = '';
  private _location: BrainLocation;
  private _schema: SchemaStatus | undefined;
  private _lastError: CortexError | undefined;
  /** The cached read-only connection and how many reads are using it right now. */
  private reader: { db: Promise<Database>; users: number; closing: boolean } | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private busy: Promise<unknown> = Promise.resolve();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the state changes or the brain's data changed on disk. */
  readonly onDidChange = this.changed.event;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    private readonly log: Logger,
  ) {
    this._location = this.locate();
  }

  get state(): HostState {
    return this._state;
  }
  /** A sentence for views and tooltips explaining the state. */
  get detail(): string {
    return this._detail;
  }
  get location(): BrainLocation {
    return this._location;
  }
  get schema(): SchemaStatus | undefined {
    return this._schema;
  }
  get lastError(): CortexError | undefined {
    return this._lastError;
  }
  /** True when the 2.0 tables can be read (migrated, possibly read-only). */
  get readable(): boolean {
    return (this._state === 'ready' || this._state === 'readOnly') && this._schema !== undefined && this._schema.applied.length > 0;
  }
  get writable(): boolean {
    return this._state === 'ready';
  }

  private locate(): BrainLocation {
    const settings = readSettings(this.folder);
    return locateBrain({ workspace: this.folder.uri.fsPath, explicitPath: settings.databasePath });
  }

  private setState(state: HostState, detail: string): void {
    this._state = state;
    this._detail = detail;
    this.log.info(`[${this.folder.name}] state ${state}${detail ? `: ${detail}` : ''}`);
    this.changed.fire();
  }

  /** Serialises lifecycle operations (start, migrate, init, restore) for this folder. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.busy.then(fn, fn);
    this.busy = next.catch(() => undefined);
    return next;
  }

  /**
   * Locates the brain and brings it to a usable state: migrated when the
   * workspace is trusted and auto-migration is on, read-only otherwise.
   */
  start(trusted: boolean, migrateNow: (session: BrainSession) => Promise<MigrationReport | undefined>, autoMigrate = true): Promise<void> {
    return this.exclusive(async () => {
      await this.closeReader();
      this._location = this.locate();
      for (const n of this._location.notes) this.log.warn(`[${this.folder.name}] ${n}`);
      this.watch();
      if (!this._location.exists) {
        this._schema = undefined;
        this.setState('noBrain', `No CORTEX brain at ${this.relative(this._location.dbPath)}.`);
        return;
      }
      this.log.info(`[${this.folder.name}] brain ${this._location.dbPath} (from ${this._location.source})`);
      try {
        this._schema = await this.withReader((db) => readSchemaStatus(db));
      } catch (err) {
        this.fail(err);
        return;
      }
      const schema = this._schema!;
      if (schema.state === 'newer' || schema.state === 'drift') {
        this.setState(schema.state === 'newer' ? 'readOnly' : 'error', schema.state === 'newer'
          ? `Migrated by a newer CORTEX for VS Code (${schema.unknown.join(', ')}); opened read-only.`
          : `Applied migration ${schema.drift.map((d) => d.name).join(', ')} was changed; nothing is written.`);
        return;
      }
      if (schema.state === 'up-to-date') {
        this.setState(trusted ? 'ready' : 'readOnly', trusted ? '' : 'Restricted Mode: read-only until you trust this folder.');
        return;
      }
      if (!trusted) {
        this.setState('readOnly', `Restricted Mode: ${schema.pending.length} migration(s) wait until you trust this folder.`);
        return;
      }
      if (!autoMigrate || !readSettings(this.folder).autoMigrate) {
        this.setState('readOnly', `${schema.pending.length} migration(s) pending; run "CORTEX: Migrate Now".`);
        return;
      }
      await this.runMigration(migrateNow);
    });
  }

  /** Migrates through `runner` (which shows progress); updates state from the outcome. */
  migrate(runner: (session: BrainSession) => Promise<MigrationReport | undefined>): Promise<MigrationReport | undefined> {
    return this.exclusive(() => this.runMigration(runner));
  }

  private async runMigration(runner: (session: BrainSession) => Promise<MigrationReport | undefined>): Promise<MigrationReport | undefined> {
    await this.closeReader();
    this.setState('migrating', 'Migrating the brain to CORTEX 2.0…');
    try {
      const report = await runner(this);
      this._schema = await this.withReader((db) => readSchemaStatus(db));
      this._lastError = undefined;
      this.setState('ready', '');
      return report;
    } catch (err) {
      if (err instanceof CortexError && err.code === 'CANCELLED') {
        this._schema = await this.withReader((db) => readSchemaStatus(db)).catch(() => this._schema);
        this.setState('readOnly', 'Migration cancelled; nothing was written. Run "CORTEX: Migrate Now" when ready.');
        return undefined;
      }
      if (err instanceof CortexError && err.code === 'NEWER_SCHEMA') {
        this.setState('readOnly', err.message);
        return undefined;
      }
      this.fail(err);
      throw this._lastError;
    }
  }

  /** The core migration with this folder's settings; `onStep`/`signal` come from the host's progress UI. */
  runCoreMigration(onStep: (s: MigrationStep) => void, signal: AbortSignal): Promise<MigrationReport> {
    const s = readSettings(this.folder);
    return migrate({ dbPath: this._location.dbPath, busyTimeoutMs: s.busyTimeoutMs, backupsKept: s.backupsKept, onStep, signal, log: this.log });
  }

  /** Creates the brain at its located place and migrates it (Initialize Brain). */
  init(): Promise<MigrationReport> {
    return this.exclusive(async () => {
      const s = readSettings(this.folder);
      this.setState('migrating', 'Creating the brain…');
      try {
        const report = await initBrain({ dbPath: this._location.dbPath, busyTimeoutMs: s.busyTimeoutMs, log: this.log });
        this._location = { ...this._location, exists: true };
        this._schema = await this.withReader((db) => readSchemaStatus(db));
        this.watch();
        this.setState('ready', '');
        return report;
      } catch (err) {
        this.fail(err);
        throw this._lastError;
      }
    });
  }

  /** Puts a backup back (the replaced file is kept by the core); leaves the brain read-only until migrated again. */
  restore(backupPath: string): Promise<RestoreResult> {
    return this.exclusive(async () => {
      await this.closeReader();
      const result = await restoreBackup(this._location.dbPath, backupPath, new Date(), readSettings(this.folder).busyTimeoutMs);
      this.log.info(`[${this.folder.name}] restored ${result.dbPath} from ${result.restoredFrom}; replaced file kept at ${result.replacedCopy ?? '(none)'}`);
      return result;
    });
  }

  private fail(err: unknown): void {
    this._lastError = err instanceof CortexError ? err : new CortexError('SQLITE', String((err as Error)?.message ?? err), undefined, err);
    this.log.error(`[${this.folder.name}] ${this._lastError.oneLine}`);
    this.setState('error', this._lastError.message);
  }

  /** Runs a read on the cached read-only connection (opened on first use). */
  async withReader<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    if (!this.reader) {
      const s = readSettings(this.folder);
      this.reader = { db: Database.open(this._location.dbPath, { readonly: true, busyTimeoutMs: s.busyTimeoutMs }), users: 0, closing: false };
    }
    const r = this.reader;
    r.users++;
    try {
      let db: Database;
      try {
        db = await r.db;
      } catch (err) {
        if (this.reader === r) this.reader = undefined;
        throw err;
      }
      return await fn(db);
    } finally {
      r.users--;
      if (r.closing && r.users === 0) void r.db.then((db) => db.close()).catch(() => undefined);
    }
  }

  /** A short-lived read-write connection for engine writes; closed right after. */
  async withWriter<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    if (!this.writable) throw new CortexError('READ_ONLY', `The brain of ${this.folder.name} is read-only now (${this._detail || this._state}).`);
    const s = readSettings(this.folder);
    const db = await Database.open(this._location.dbPath, { busyTimeoutMs: s.busyTimeoutMs });
    try {
      return await fn(db);
    } finally {
      await db.close().catch(() => undefined);
    }
  }

  /**
   * Retires the cached connection: new reads open a fresh one (the file may
   * have been replaced), reads still running on the old one finish first.
   */
  private async closeReader(): Promise<void> {
    const r = this.reader;
    this.reader = undefined;
    if (!r) return;
    r.closing = true;
    if (r.users === 0) await r.db.then((db) => db.close()).catch(() => undefined);
  }

  /** Drops the cached connection (the file may have been replaced) and tells the views. */
  async refresh(): Promise<void> {
    await this.closeReader();
    if (this._location.exists) this._schema = await this.withReader((db) => readSchemaStatus(db)).catch(() => this._schema);
    this.changed.fire();
  }

  private watch(): void {
    this.watcher?.dispose();
    const dir = path.dirname(this._location.dbPath);
    const pattern = new vscode.RelativePattern(vscode.Uri.file(dir), `${path.basename(this._location.dbPath)}*`);
    this.watcher = vscode.workspace.createFileSystemWatcher(pattern);
    const onEvent = () => {
      if (this._state === 'migrating') return; // our own writes; state change refreshes
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => {
        if (!this._location.exists && this.locate().exists) {
          this.changed.fire(); // the host restarts the session when a brain appears
          return;
        }
        void this.refresh();
      }, REFRESH_DEBOUNCE_MS);
    };
    this.watcher.onDidChange(onEvent);
    this.watcher.onDidCreate(onEvent);
    this.watcher.onDidDelete(onEvent);
  }

  /** Is there now a brain where before there was none? */
  brainAppeared(): boolean {
    return this._state === 'noBrain' && this.locate().exists;
  }

  relative(p: string): string {
    const rel = path.relative(this.folder.uri.fsPath, p);
    return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
  }

  dispose(): void {
    clearTimeout(this.debounce);
    this.watcher?.dispose();
    this.changed.dispose();
    void this.closeReader();
  }
}
