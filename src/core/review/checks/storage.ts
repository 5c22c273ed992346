import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE } from '../../brain/locate';
import { columnNames, tableExists } from '../../schema/structure';
import { TIER_POLICIES } from '../../retention/tierPolicies';
import { categoryScore } from '../scoring';
import { CategoryResult, CheckContext, issue, Issue } from '../types';

/** Design facts §3: more than 10 temp files → low (−0.05), fix deletes those older than 7 days. */
const TEMP_FILES_LIMIT = 10;
export const TEMP_MAX_AGE_DAYS = 7;
/** More than 50 logs older than 90 days → low (−0.05), fix compresses them (design facts §5: `.log` → `.log.gz`). */
const OLD_LOGS_LIMIT = 50;
export const LOG_MAX_AGE_DAYS = 90;
/** Tier 1 at 90% of its FIFO capacity (18 of 20) is reported, without a deduction. */
const TIER1_NEAR_FULL = 0.9;
const DAY_MS = 86400_000;

interface FileAge {
  path: string;
  mtimeMs: number;
  size: number;
}

function listFiles(root: string, accept: (name: string) => boolean, warnings: string[], maxDepth = 6): FileAge[] {
  const out: FileAge[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warnings.push(`Skipped unreadable folder ${dir}: ${(err as Error).message}`);
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && depth < maxDepth) walk(p, depth + 1);
      else if (e.isFile() && accept(e.name)) {
        try {
          const st = fs.statSync(p);
          out.push({ path: p, mtimeMs: st.mtimeMs, size: st.size });
        } catch (err) {
          warnings.push(`Skipped unreadable file ${p}: ${(err as Error).message}`);
        }
      }
    }
  };
  walk(root, 0);
  return out;
}

/** The temporary folders CORTEX writes to: `paths.tempRoot` of a v2 config, and the brain's crawler-temp/, temp/ and tmp/. */
export function tempRoots(workspace: string, brainRoot: string): string[] {
  const roots = ['crawler-temp', 'temp', 'tmp'].map((d) => path.join(brainRoot, d));
  try {
    const config = JSON.parse(fs.readFileSync(path.join(workspace, CONFIG_FILE), 'utf8')) as { paths?: { tempRoot?: unknown } };
    if (typeof config.paths?.tempRoot === 'string' && config.paths.tempRoot.trim()) roots.push(path.resolve(workspace, config.paths.tempRoot));
  } catch {
    // no (readable) config: the defaults only
  }
  return [...new Set(roots)];
}

/** Storage category: temporary files, old logs in the brain folder, and how full Tier 1 is. Always measured. */
export async function checkStorage(ctx: CheckContext): Promise<CategoryResult> {
  const issues: Issue[] = [];
  const now = ctx.now.getTime();
  const roots = tempRoots(ctx.workspace, ctx.brainRoot);
  const temp = roots.flatMap((r) => listFiles(r, () => true, ctx.warnings));
  const oldTemp = temp.filter((f) => now - f.mtimeMs > TEMP_MAX_AGE_DAYS * DAY_MS);
  if (temp.length > TEMP_FILES_LIMIT) {
    issues.push(
      issue('storage', 'low', 0.05, {
        title: 'Temporary files accumulating',
        description: `${temp.length} files in the temporary folders (${roots.filter((r) => fs.existsSync(r)).join(', ')}), ${oldTemp.length} older than ${TEMP_MAX_AGE_DAYS} days.`,
        impact: 'Disk space is held by files nothing needs.',
        recommendation: oldTemp.length ? `Delete the ${oldTemp.length} files older than ${TEMP_MAX_AGE_DAYS} days (auto-fix).` : 'They are all recent; check what keeps writing them.',
        fix: oldTemp.length ? { kind: 'clean_temp', files: oldTemp.map((f) => f.path) } : undefined,
      }),
    );
  }

  const logs = listFiles(ctx.brainRoot, (n) => n.endsWith('.log'), ctx.warnings);
  const oldLogs = logs.filter((f) => now - f.mtimeMs > LOG_MAX_AGE_DAYS * DAY_MS);
  if (oldLogs.length > OLD_LOGS_LIMIT) {
    issues.push(
      issue('storage', 'low', 0.05, {
        title: 'Old log files',
        description: `${oldLogs.length} .log files in ${ctx.brainRoot} were last written more than ${LOG_MAX_AGE_DAYS} days ago (${(oldLogs.reduce((n, f) => n + f.size, 0) / 1e6).toFixed(1)} MB).`,
        impact: 'Disk space is held by logs nobody reads.',
        recommendation: 'Compress them to .log.gz (auto-fix).',
        fix: { kind: 'archive_logs', files: oldLogs.map((f) => f.path) },
      }),
    );
  }

  let active: number | null = null;
  const cap = TIER_POLICIES.find((p) => p.tier === 'tier1')!.maxRecords;
  if (await tableExists(ctx.db, 'conversations')) {
    const archived = (await columnNames(ctx.db, 'conversations')).includes('archived');
    active = (await ctx.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM conversations${archived ? ' WHERE archived = 0' : ''}`))?.n ?? 0;
    if (active >= TIER1_NEAR_FULL * cap) {
      issues.push(
        issue('storage', 'info', 0, {
          title: 'Tier 1 near capacity',
          description: `${active} active conversations in Tier 1; the tier1 policy keeps ${cap} (FIFO).`,
          impact: 'The oldest conversations are due to move to Tier 3.',
          recommendation: 'Nothing to do now; retention archives the oldest ones.',
        }),
      );
    }
  }
  return {
    score: categoryScore(issues),
    measured: true,
    issues,
    metrics: { tempFiles: temp.length, tempFilesOld: oldTemp.length, logs: logs.length, oldLogs: oldLogs.length, tier1Conversations: active, tier1Capacity: cap },
  };
}
