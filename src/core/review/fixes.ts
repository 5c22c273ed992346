import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { Database } from '../db/database';
import { CortexError } from '../db/errors';
import { brainBytes } from '../maintenance/measure';
import { analyze, rebuildFts, reindex, vacuum } from '../maintenance/operations';
import { checkVacuumSpace, snapshotDir, takeSnapshot } from '../maintenance/snapshot';
import { freeBytes } from '../schema/backups';
import { LOG_MAX_AGE_DAYS, TEMP_MAX_AGE_DAYS } from './checks/storage';
import { Fix, Issue } from './types';

export interface FixContext {
  db: Database;
  now: Date;
  /** VACUUM is never run while the extension activates. */
  duringActivation: boolean;
  signal?: AbortSignal;
  /** Snapshots taken before fixes, in order. */
  backups: string[];
}

/** Fixes run in this order: indexes first, statistics on the final indexes, VACUUM last (it rewrites everything once). */
const ORDER: Record<Fix['kind'], number> = { create_index: 0, reindex_analyze: 1, rebuild_fts: 2, analyze: 3, vacuum: 4, clean_temp: 5, archive_logs: 6 };
const DAY_MS = 86400_000;

function touchesBrain(fix: Fix): boolean {
  return fix.kind !== 'clean_temp' && fix.kind !== 'archive_logs';
}

/** Still a regular file (not a link) older than `days` now, when it is about to be removed. */
function stillOld(file: string, days: number, now: Date): fs.Stats | undefined {
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  return st && st.isFile() && now.getTime() - st.mtimeMs > days * DAY_MS ? st : undefined;
}

function cleanTemp(files: string[], now: Date): string {
  let removed = 0;
  let bytes = 0;
  const failed: string[] = [];
  for (const f of files) {
    const st = stillOld(f, TEMP_MAX_AGE_DAYS, now);
    if (!st) continue;
    try {
      fs.rmSync(f);
      removed++;
      bytes += st.size;
    } catch (err) {
      failed.push(`${f}: ${(err as Error).message}`);
    }
  }
  if (failed.length) throw new Error(`deleted ${removed}, but ${failed.length} could not be deleted (${failed.slice(0, 3).join('; ')})`);
  return `deleted ${removed} temporary files older than ${TEMP_MAX_AGE_DAYS} days (${(bytes / 1e6).toFixed(1)} MB)`;
}

/** Compresses each log to `<log>.gz` (written aside, synced, renamed, its length checked by decompressing) before removing the log. */
async function archiveLogs(files: string[], now: Date): Promise<string> {
  let done = 0;
  let before = 0;
  let after = 0;
  const failed: string[] = [];
  for (const f of files) {
    const st = stillOld(f, LOG_MAX_AGE_DAYS, now);
    if (!st) continue;
    let target = `${f}.gz`;
    for (let n = 2; fs.existsSync(target); n++) target = `${f}.${n}.gz`;
    const partial = `${target}.partial`;
    try {
      await pipeline(fs.createReadStream(f), zlib.createGzip(), fs.createWriteStream(partial));
      const fd = fs.openSync(partial, 'r');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      const restored = zlib.gunzipSync(fs.readFileSync(partial)).length;
      if (restored !== st.size) throw new Error(`the compressed copy holds ${restored} bytes, the log ${st.size}`);
      fs.renameSync(partial, target);
      fs.utimesSync(target, st.atime, st.mtime);
      fs.rmSync(f);
      done++;
      before += st.size;
      after += fs.statSync(target).size;
    } catch (err) {
      try {
        fs.rmSync(partial, { force: true });
      } catch {
        // something else is in the way (a folder of that name); it is not ours to remove
      }
      failed.push(`${f}: ${(err as Error).message}`);
    }
  }
  if (failed.length) throw new Error(`compressed ${done}, but ${failed.length} failed (${failed.slice(0, 3).join('; ')})`);
  return `compressed ${done} logs older than ${LOG_MAX_AGE_DAYS} days to .log.gz (${(before / 1e6).toFixed(1)} MB → ${(after / 1e6).toFixed(1)} MB)`;
}

async function runFix(fix: Fix, ctx: FixContext): Promise<string> {
  const { db } = ctx;
  switch (fix.kind) {
    case 'create_index':
      await db.exec(fix.sql);
      return `created ${fix.index}`;
    case 'reindex_analyze':
      await reindex(db, fix.index);
      await analyze(db, fix.table);
      return `rebuilt ${fix.index} and analyzed ${fix.table}`;
    case 'rebuild_fts':
      await rebuildFts(db, fix.table);
      return `rebuilt the full-text index ${fix.table}`;
    case 'analyze':
      await analyze(db);
      return 'analyzed every table (sampled statistics, exact row counts)';
    case 'vacuum': {
      const before = brainBytes(db.path);
      await vacuum(db);
      return `vacuumed: ${(before / 1e6).toFixed(1)} MB → ${(brainBytes(db.path) / 1e6).toFixed(1)} MB`;
    }
    case 'clean_temp':
      return cleanTemp(fix.files, ctx.now);
    case 'archive_logs':
      return archiveLogs(fix.files, ctx.now);
  }
}

/**
 * Applies every fixable issue's fix, each after a snapshot of the brain when
 * it changes the brain (backups/pre-fix/, newest 5 kept). A fix that fails is
 * recorded as "failed: …" and the others still run. Temporary-file and log
 * fixes touch no database: the log fix keeps its own compressed copy, and
 * what it deletes is by definition temporary.
 */
export async function applyFixes(issues: Issue[], ctx: FixContext): Promise<void> {
  const fixable = issues.filter((i) => i.fix).sort((a, b) => ORDER[a.fix!.kind] - ORDER[b.fix!.kind]);
  for (const i of fixable) {
    const fix = i.fix!;
    if (ctx.signal?.aborted) {
      i.fixDescription = 'skipped: the review was cancelled';
      continue;
    }
    if (fix.kind === 'vacuum' && ctx.duringActivation) {
      i.fixDescription = 'skipped: VACUUM never runs while the extension activates; run `cortex maintain --tier tier3`';
      continue;
    }
    try {
      let backup: string | undefined;
      if (touchesBrain(fix)) {
        const size = brainBytes(ctx.db.path);
        if (fix.kind === 'vacuum') {
          const space = checkVacuumSpace(ctx.db.path, size, true);
          if (!space.ok) throw new CortexError('DISK_SPACE', space.message!);
        } else if (freeBytes(path.dirname(ctx.db.path)) < size) {
          throw new CortexError('DISK_SPACE', `not enough free disk for a backup (${(size / 1e6).toFixed(1)} MB needed)`);
        }
        backup = await takeSnapshot(ctx.db, snapshotDir(ctx.db.path, 'pre-fix'), ctx.now);
        ctx.backups.push(backup);
      }
      const done = await runFix(fix, ctx);
      i.fixApplied = true;
      i.fixDescription = backup ? `${done} (backup: ${backup})` : done;
    } catch (err) {
      i.fixApplied = false;
      i.fixDescription = `failed: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
}
