import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { Database } from '../db/database';
import { CortexError } from '../db/errors';
import { addProvenance } from '../integrity/provenance';
import { Logger, silentLogger } from '../log';
import { FileType, fileTypeFor, planChunks, resolveLimits } from './plan';
import { lockSession, ProgressFile, readProgress, SessionFiles, sessionFiles, writeProgress } from './progress';
import { ChunkLimits } from './segments';
import {
  appendChunkWarnings,
  chunkStatuses,
  insertSession,
  markChunkFailed,
  markChunkWritten,
  requireCreationTables,
  sessionById,
  sessionByPath,
} from './store';
import { chunkWarnings, fileWarnings } from './validate';

/** Reported after each chunk: `appended` once its bytes are on disk, `recorded` once the brain says so. */
export interface ChunkProgress {
  sessionId: number;
  chunk: number;
  totalChunks: number;
  phase: 'appended' | 'recorded';
}

interface RunHooks {
  onChunk?: (progress: ChunkProgress) => void | Promise<void>;
  /** The Python used for the final syntax check (default `python3`). */
  pythonCommand?: string;
  log?: Logger;
}

export interface CreateOptions extends RunHooks {
  /** The workspace folder; progress files go to `<workspace>/.cortex/creation-progress/`. */
  workspace: string;
  dest: string;
  /** A source file, or content (kept in the progress folder until the file is complete, so it can be resumed). */
  source: { path: string } | { content: string };
  /** Default: from DEST's extension (.md markdown, .py python, .json json, else other). */
  fileType?: FileType;
  limits?: Partial<ChunkLimits>;
  /** Replace an unfinished session for the same DEST (a completed one is always replaced). */
  replace?: boolean;
}

export interface ResumeOptions extends RunHooks {
  workspace: string;
  sessionId: number;
}

export interface CreationReport {
  sessionId: number;
  dest: string;
  /** The source file, or null for content handed to the API. */
  source: string | null;
  fileType: FileType;
  outcome: 'completed' | 'failed';
  totalChunks: number;
  /** Chunks written before this run (0 for a new session). */
  resumedAfter: number;
  /** Chunks this run wrote, in order. */
  written: number[];
  failedChunk?: { number: number; error: string };
  /** Validation warnings of every chunk that has some (the whole-file checks sit on the last chunk). */
  warnings: Array<{ chunk: number; warnings: string[] }>;
  /** The whole-file check (JSON parse, Python compile) of a completed file. */
  fileWarnings: string[];
  progressFile: string;
  /** The earlier session for the same DEST that this one replaced. */
  replacedSession?: number;
}

interface Run {
  sessionId: number;
  dest: string;
  fileType: FileType;
  bytes: Buffer;
  text: string;
  /** For provenance and the report: null when the source was content. */
  sourceFile: string | null;
  progress: ProgressFile;
  files: SessionFiles;
  replacedSession?: number;
}

const RESTART_HINT = 'Start again with `cortex create --from SRC --to DEST --replace`.';

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readSource(file: string, hint: string): Promise<Buffer> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CortexError('BAD_INPUT', `The source ${file} does not exist.`, hint);
    if (code === 'EISDIR') throw new CortexError('BAD_INPUT', `The source ${file} is a folder, not a file.`, hint);
    throw err;
  }
}

/** Only text that survives decoding and re-encoding can be written back byte for byte. */
function decodeUtf8(bytes: Buffer, what: string): string {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new CortexError('BAD_INPUT', `${what} is not UTF-8 text, so it cannot be written chunk by chunk.`);
  return text;
}

/**
 * Starts a creation session: plans the chunks, records the session and its
 * pending chunks, then writes DEST chunk by chunk. An unfinished session for
 * the same DEST is refused (resume it, or pass `replace`); a completed one is
 * replaced (its chunks go with it; its provenance stays).
 */
export async function createFile(db: Database, options: CreateOptions): Promise<CreationReport> {
  await requireCreationTables(db);
  const dest = path.resolve(options.dest);
  const sourcePath = 'path' in options.source ? path.resolve(options.source.path) : undefined;
  if (sourcePath === dest) throw new CortexError('BAD_INPUT', `The source and the destination are the same file (${dest}).`, 'Writing it would truncate the source first.');
  const bytes = sourcePath ? await readSource(sourcePath, 'Check the --from path.') : Buffer.from((options.source as { content: string }).content, 'utf8');
  const text = decodeUtf8(bytes, sourcePath ?? 'The content');
  const fileType = options.fileType ?? fileTypeFor(dest);
  const limits = resolveLimits(options.limits);
  const chunks = planChunks(text, fileType, limits);
  const warnings = chunkWarnings(text, fileType, chunks, limits);

  const existing = await sessionByPath(db, dest);
  if (existing && !existing.completed && !options.replace) {
    throw new CortexError(
      'BAD_INPUT',
      `An unfinished creation session (#${existing.id}) is writing ${dest}.`,
      `Finish it with \`cortex resume --session ${existing.id}\`, or start over with \`cortex create … --replace\`.`,
    );
  }
  // the session being replaced must not have a writer running
  const oldFiles = existing ? sessionFiles(options.workspace, dest, existing.id) : undefined;
  const releaseOld = existing && oldFiles ? lockSession(oldFiles.lock, existing.id) : undefined;
  let sessionId: number;
  try {
    sessionId = await db.transaction(async (tx) => {
      const current = await sessionByPath(tx, dest);
      if (current && current.id !== existing?.id) {
        throw new CortexError('BAD_INPUT', `Another process started a creation session (#${current.id}) for ${dest} just now.`, `Resume it with \`cortex resume --session ${current.id}\`.`);
      }
      if (current) await tx.run('DELETE FROM creation_sessions WHERE id = ?', [current.id]);
      return insertSession(tx, dest, fileType, chunks, warnings);
    });
  } finally {
    releaseOld?.();
  }
  if (oldFiles) await Promise.all([fsp.rm(oldFiles.progress, { force: true }), fsp.rm(oldFiles.stash, { force: true })]);

  const files = sessionFiles(options.workspace, dest, sessionId);
  if (!sourcePath) {
    await fsp.mkdir(path.dirname(files.stash), { recursive: true });
    await fsp.writeFile(files.stash, bytes);
  }
  let end = 0;
  const chunkByteEnds = chunks.map((c) => (end += Buffer.byteLength(c.text, 'utf8')));
  const now = new Date().toISOString();
  const progress: ProgressFile = {
    file_path: dest,
    total_chunks: chunks.length,
    completed_chunks: [],
    failed_chunks: [],
    current_chunk: Math.min(1, chunks.length),
    started_at: now,
    last_update: now,
    complete: false,
    session_id: sessionId,
    file_type: fileType,
    source_path: sourcePath ?? files.stash,
    source_stashed: !sourcePath,
    source_sha256: sha256(bytes),
    chunk_byte_ends: chunkByteEnds,
  };
  await writeProgress(files.progress, progress);
  options.log?.info(`creation session #${sessionId}: ${chunks.length} ${fileType} chunk(s) for ${dest}`);
  return runSession(db, { sessionId, dest, fileType, bytes, text, sourceFile: sourcePath ?? null, progress, files, replacedSession: existing?.id }, options);
}

/**
 * Continues an interrupted or failed session: re-reads the source and checks
 * its SHA-256, truncates DEST to the end of the last chunk the brain records as
 * written (the file may hold part of the next one), and writes the rest.
 */
export async function resumeCreation(db: Database, options: ResumeOptions): Promise<CreationReport> {
  await requireCreationTables(db);
  const session = await sessionById(db, options.sessionId);
  if (!session) throw new CortexError('BAD_INPUT', `There is no creation session #${options.sessionId} in ${db.path}.`);
  if (session.completed) throw new CortexError('BAD_INPUT', `Creation session #${session.id} (${session.file_path}) is already complete.`);
  const files = sessionFiles(options.workspace, session.file_path, session.id);
  const progress = await readProgress(files.progress);
  if (progress.session_id !== session.id || progress.file_path !== session.file_path || progress.total_chunks !== session.total_chunks) {
    throw new CortexError('BAD_INPUT', `The progress file ${files.progress} does not describe session #${session.id}.`, RESTART_HINT);
  }
  const bytes = await readSource(progress.source_path, RESTART_HINT);
  if (sha256(bytes) !== progress.source_sha256) {
    throw new CortexError('BAD_INPUT', `The source ${progress.source_path} changed since creation session #${session.id} started.`, 'Put the original back, or start again with `cortex create --from SRC --to DEST --replace`.');
  }
  const text = decodeUtf8(bytes, progress.source_path);
  options.log?.info(`resuming creation session #${session.id} for ${session.file_path}`);
  return runSession(
    db,
    { sessionId: session.id, dest: session.file_path, fileType: session.file_type, bytes, text, sourceFile: progress.source_stashed ? null : progress.source_path, progress, files },
    options,
  );
}

/** Keeps DEST's first `keep` bytes (checked against the source) and drops anything after them. */
async function prepareDest(run: Run, keep: number, written: number): Promise<void> {
  await fsp.mkdir(path.dirname(run.dest), { recursive: true });
  if ((await fsp.stat(run.dest).catch(() => undefined))?.isDirectory()) {
    throw new CortexError('BAD_INPUT', `${run.dest} is a folder, so creation session #${run.sessionId} cannot write it.`, `Move the folder away, then resume with \`cortex resume --session ${run.sessionId}\`.`);
  }
  if (keep === 0) {
    await fsp.writeFile(run.dest, Buffer.alloc(0));
    return;
  }
  let current: Buffer;
  try {
    current = await fsp.readFile(run.dest);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new CortexError('BAD_INPUT', `${run.dest} is gone, although chunks 1–${written} of session #${run.sessionId} were written.`, RESTART_HINT);
  }
  if (current.length < keep || !current.subarray(0, keep).equals(run.bytes.subarray(0, keep))) {
    throw new CortexError('BAD_INPUT', `${run.dest} was changed after chunk ${written} of session #${run.sessionId} was written.`, RESTART_HINT);
  }
  if (current.length > keep) {
    const handle = await fsp.open(run.dest, 'r+');
    try {
      await handle.truncate(keep);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/** Appends and flushes, so a chunk the brain calls written is on disk. */
async function appendDurably(file: string, bytes: Buffer): Promise<void> {
  const handle = await fsp.open(file, 'a');
  try {
    await handle.appendFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function runSession(db: Database, run: Run, hooks: RunHooks): Promise<CreationReport> {
  const log = hooks.log ?? silentLogger;
  const { sessionId, progress } = run;
  const total = progress.total_chunks;
  const ends = progress.chunk_byte_ends;
  const release = lockSession(run.files.lock, sessionId);
  try {
    const statuses = await chunkStatuses(db, sessionId);
    let done = 0;
    while (done < statuses.length && statuses[done].status === 'written') done++;
    if (statuses.length !== total || statuses.slice(done).some((s) => s.status === 'written')) {
      throw new CortexError('BAD_INPUT', `The chunks of creation session #${sessionId} are inconsistent (written chunks must come first).`, RESTART_HINT);
    }
    await prepareDest(run, done > 0 ? ends[done - 1] : 0, done);

    const report = async (outcome: CreationReport['outcome'], written: number[], extra: Partial<CreationReport>): Promise<CreationReport> => {
      const rows = await db.all<{ chunk_number: number; validation_warnings: string }>(
        'SELECT chunk_number, validation_warnings FROM creation_chunks WHERE session_id = ? AND validation_warnings IS NOT NULL ORDER BY chunk_number',
        [sessionId],
      );
      return {
        sessionId,
        dest: run.dest,
        source: run.sourceFile,
        fileType: run.fileType,
        outcome,
        totalChunks: total,
        resumedAfter: done,
        written,
        warnings: rows.map((r) => ({ chunk: r.chunk_number, warnings: JSON.parse(r.validation_warnings) as string[] })),
        fileWarnings: [],
        progressFile: run.files.progress,
        ...(run.replacedSession !== undefined ? { replacedSession: run.replacedSession } : {}),
        ...extra,
      };
    };
    const saveProgress = (changes: Partial<ProgressFile>) => {
      Object.assign(progress, changes, { last_update: new Date().toISOString() });
      return writeProgress(run.files.progress, progress);
    };

    const written: number[] = [];
    for (let n = done + 1; n <= total; n++) {
      try {
        await appendDurably(run.dest, run.bytes.subarray(n > 1 ? ends[n - 2] : 0, ends[n - 1]));
      } catch (err) {
        const message = (err as Error).message;
        log.error(`creation session #${sessionId}: chunk ${n} could not be written: ${message}`);
        await markChunkFailed(db, sessionId, n);
        await saveProgress({ current_chunk: n, failed_chunks: [...new Set([...progress.failed_chunks, n])], last_error: { chunk: n, message } });
        return report('failed', written, { failedChunk: { number: n, error: message } });
      }
      await hooks.onChunk?.({ sessionId, chunk: n, totalChunks: total, phase: 'appended' });
      await markChunkWritten(db, sessionId, n);
      written.push(n);
      await saveProgress({
        current_chunk: Math.min(n + 1, total),
        completed_chunks: Array.from({ length: n }, (_, i) => i + 1),
        failed_chunks: progress.failed_chunks.filter((c) => c !== n),
        last_error: undefined,
      });
      await hooks.onChunk?.({ sessionId, chunk: n, totalChunks: total, phase: 'recorded' });
    }

    const fileIssues = await fileWarnings(run.dest, run.fileType, run.text, hooks.pythonCommand);
    await db.transaction(async (tx) => {
      if (total > 0) await appendChunkWarnings(tx, sessionId, total, fileIssues);
      await tx.run('UPDATE creation_sessions SET completed = 1, failed = 0, last_update = CURRENT_TIMESTAMP WHERE id = ?', [sessionId]);
      await addProvenance(tx, { source_type: 'creation_session', source_ref: String(sessionId), target_type: 'file', target_ref: run.dest, relation: 'generated' });
      if (run.sourceFile) await addProvenance(tx, { source_type: 'file', source_ref: run.sourceFile, target_type: 'file', target_ref: run.dest, relation: 'referenced' });
    });
    await saveProgress({ complete: true, current_chunk: total });
    if (progress.source_stashed) await fsp.rm(run.files.stash, { force: true });
    log.info(`creation session #${sessionId}: ${run.dest} complete (${written.length} chunk(s) written now)`);
    return report('completed', written, { fileWarnings: fileIssues });
  } finally {
    release();
  }
}

/**
 * Forgets a session: its row (chunks cascade) and its progress, lock and stash
 * files. The file it was writing is left as it is. Refused while a writer
 * holds the session's lock.
 */
export async function discardSession(db: Database, workspace: string, sessionId: number): Promise<boolean> {
  const session = await sessionById(db, sessionId);
  if (!session) return false;
  const files = sessionFiles(workspace, session.file_path, sessionId);
  const release = lockSession(files.lock, sessionId);
  try {
    await db.transaction(() => db.run('DELETE FROM creation_sessions WHERE id = ?', [sessionId]));
    for (const f of [files.progress, files.stash]) fs.rmSync(f, { force: true });
  } finally {
    release();
  }
  return true;
}
