import { CortexError, isCortexError } from '../db/errors';
import type { DetectContext, DetectFile } from './detectors/context';
import { countUrlPatterns, TEXT_DETECTORS } from './detectors/index';
import { detectSqliteFile } from './detectors/sqliteFiles';
import type { WorkspaceFiles } from './fileAccess';
import type { Finding } from './types';

export interface DetectOptions {
  deadline?: number;
  signal?: AbortSignal;
  onFile?: (done: number) => void;
}

export interface DetectResult {
  findings: Finding[];
  /** URL pattern count per urls.py, for Django's routes_count. */
  urlPatterns: Map<string, number>;
  truncated: boolean;
}

/** Files read at once: enough to overlap I/O, few enough to keep memory flat. */
const CONCURRENCY = 8;

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CortexError('CANCELLED', 'The crawl was cancelled.');
}

async function detectOne(file: DetectFile, files: WorkspaceFiles, ctx: DetectContext, out: DetectResult): Promise<void> {
  if (file.kind === 'lockfile') return; // read on demand, for versions
  if (file.kind === 'sqlite') {
    try {
      out.findings.push(...(await detectSqliteFile(file, ctx)));
    } catch {
      ctx.warn('unreadable', file.rel, 'could not be read');
    }
    return;
  }
  const text = await files.read(file.rel);
  if (text === undefined) return;
  if (file.kind === 'django-urls') {
    out.urlPatterns.set(file.rel, countUrlPatterns(text));
    return;
  }
  const detector = TEXT_DETECTORS[file.kind];
  if (!detector) return;
  try {
    out.findings.push(...(await detector(file, text, ctx)));
  } catch (err) {
    if (isCortexError(err, 'CANCELLED')) throw err;
    // Parser messages can quote the file (and so a secret): only the kind of problem is reported.
    ctx.warn('malformed', file.rel, `not valid ${file.kind} content, skipped`);
  }
}

/**
 * Runs each file's detector. tnsnames.ora files go first, so that a JDBC URL
 * naming a TNS alias resolves whatever order the files were walked in.
 */
export async function detectFiles(candidates: readonly DetectFile[], files: WorkspaceFiles, ctx: DetectContext, opts: DetectOptions = {}): Promise<DetectResult> {
  const out: DetectResult = { findings: [], urlPatterns: new Map(), truncated: false };
  const tns = candidates.filter((c) => c.kind === 'tnsnames');
  const rest = candidates.filter((c) => c.kind !== 'tnsnames');
  let done = 0;
  for (const batch of [tns, rest]) {
    let next = 0;
    const worker = async () => {
      while (next < batch.length) {
        throwIfCancelled(opts.signal);
        if (opts.deadline !== undefined && Date.now() >= opts.deadline) {
          out.truncated = true;
          return;
        }
        await detectOne(batch[next++], files, ctx, out);
        opts.onFile?.(++done);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batch.length) }, worker));
  }
  return out;
}
