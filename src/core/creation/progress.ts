import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { CortexError } from '../db/errors';
import { FILE_TYPES, FileType } from './plan';

/** Where progress files live, relative to the workspace (spec §6's default progressDir). */
export const PROGRESS_DIR = path.join('.cortex', 'creation-progress');

/**
 * The spec's progress file plus what resume needs and the brain has no column
 * for: where the source is, its SHA-256, and where each chunk ends in bytes.
 */
export interface ProgressFile {
  file_path: string;
  total_chunks: number;
  completed_chunks: number[];
  failed_chunks: number[];
  /** The chunk being written or next to write (total_chunks once complete). */
  current_chunk: number;
  started_at: string;
  last_update: string;
  complete: boolean;
  session_id: number;
  file_type: FileType;
  source_path: string;
  /** True when the source is a copy of content handed to the API, kept here until the file is complete. */
  source_stashed: boolean;
  source_sha256: string;
  /** Byte offset in the source (and in DEST) where each chunk ends. */
  chunk_byte_ends: number[];
  last_error?: { chunk: number; message: string };
}

export interface SessionFiles {
  progress: string;
  lock: string;
  stash: string;
}

export function sessionFiles(workspace: string, dest: string, sessionId: number): SessionFiles {
  const base = path.join(workspace, PROGRESS_DIR, `${path.basename(dest)}.${sessionId}`);
  return { progress: `${base}.progress.json`, lock: `${base}.lock`, stash: `${base}.source` };
}

/** Written to a temporary file, flushed, then renamed: a crash leaves the old or the new file, never half of one. */
export async function writeProgress(file: string, progress: ProgressFile): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  const handle = await fsp.open(tmp, 'w');
  try {
    await handle.writeFile(JSON.stringify(progress, null, 2) + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsp.rename(tmp, file);
}

export async function readProgress(file: string): Promise<ProgressFile> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new CortexError('BAD_INPUT', `The progress file ${file} is missing, so the session cannot be resumed.`, 'Start again with `cortex create --from SRC --to DEST --replace`.');
  }
  let p: Partial<ProgressFile>;
  try {
    p = JSON.parse(text) as Partial<ProgressFile>;
  } catch (err) {
    throw new CortexError('BAD_INPUT', `The progress file ${file} is not valid JSON (${(err as Error).message}).`, 'Start again with `cortex create --from SRC --to DEST --replace`.');
  }
  const valid =
    typeof p.file_path === 'string' &&
    typeof p.session_id === 'number' &&
    typeof p.total_chunks === 'number' &&
    typeof p.source_path === 'string' &&
    typeof p.source_sha256 === 'string' &&
    typeof p.started_at === 'string' &&
    FILE_TYPES.includes(p.file_type as FileType) &&
    Array.isArray(p.chunk_byte_ends) &&
    p.chunk_byte_ends.length === p.total_chunks &&
    p.chunk_byte_ends.every((n, i, all) => Number.isInteger(n) && n >= (i > 0 ? all[i - 1] : 0));
  if (!valid) throw new CortexError('BAD_INPUT', `The progress file ${file} is incomplete or damaged.`, 'Start again with `cortex create --from SRC --to DEST --replace`.');
  return { completed_chunks: [], failed_chunks: [], current_chunk: 1, last_update: p.started_at!, complete: false, source_stashed: false, ...p } as ProgressFile;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One writer per session: two processes appending to the same file would
 * corrupt it. The lock file holds the writer's pid; a lock whose process is
 * gone (killed mid-run) is taken over. Returns the release function.
 */
export function lockSession(lockPath: string, sessionId: number): () => void {
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(fs.readFileSync(lockPath, 'utf8'));
    // an empty lock may be one another process is writing this very moment: treat it as held
    if (attempt > 0 || !Number.isInteger(holder) || holder <= 0 || alive(holder)) {
      throw new CortexError('LOCKED', `Creation session #${sessionId} is being written by another process (pid ${holder}).`, 'Wait for it to finish; if that process is gone, delete ' + lockPath + '.');
    }
    fs.rmSync(lockPath, { force: true });
  }
}
