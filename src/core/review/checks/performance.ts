import { ftsProbeTerm, ftsTables, RECENT_CONVERSATIONS_SQL, timeFtsSearch, timeRecentConversations } from '../../maintenance/measure';
import { categoryScore } from '../scoring';
import { CategoryResult, CheckContext, issue, Issue } from '../types';

/** Design facts §3 / §11: Tier 1 query target 50 ms, FTS search 150 ms (medians of five runs). */
const T1_LIMIT_MS = 50;
const FTS_LIMIT_MS = 150;

/**
 * Performance category: the Tier 1 recent-conversations query and a search
 * in each full-text table, timed on this brain. Not measured when there are
 * neither conversations nor searchable full-text rows.
 */
export async function checkPerformance(ctx: CheckContext): Promise<CategoryResult> {
  const { db } = ctx;
  const issues: Issue[] = [];
  const metrics: Record<string, unknown> = {};
  let timed = 0;

  const t1 = await timeRecentConversations(db);
  metrics.tier1QueryMs = t1 ?? null;
  if (t1 !== undefined) {
    timed++;
    if (t1 > T1_LIMIT_MS) {
      const indexed = (await db.get(`SELECT 1 AS x FROM sqlite_master WHERE type = 'index' AND name = 'idx_conversations_active'`)) !== undefined;
      issues.push(
        issue('performance', 'high', 0.2, {
          title: 'Slow Tier 1 query',
          description: `The recent-conversations query (${RECENT_CONVERSATIONS_SQL}) takes ${t1} ms (median of 5); the target is ${T1_LIMIT_MS} ms.`,
          impact: 'Every conversation start waits on this query.',
          recommendation: indexed ? 'Rebuild idx_conversations_active and refresh the statistics of conversations (auto-fix).' : 'Recreate the missing idx_conversations_active (see the database category).',
          fix: indexed ? { kind: 'reindex_analyze', index: 'idx_conversations_active', table: 'conversations' } : undefined,
        }),
      );
    }
  }

  const fts: Record<string, number> = {};
  for (const table of await ftsTables(db)) {
    const term = await ftsProbeTerm(db, table);
    if (!term) continue;
    const ms = await timeFtsSearch(db, table, term);
    fts[table.name] = ms;
    timed++;
    if (ms > FTS_LIMIT_MS) {
      issues.push(
        issue('performance', 'high', 0.2, {
          title: `Slow full-text search in ${table.name}`,
          description: `A search for "${term}" in ${table.name} takes ${ms} ms (median of 5); the target is ${FTS_LIMIT_MS} ms.`,
          impact: 'Knowledge lookups that use this index are slow.',
          recommendation: table.contentless
            ? `${table.name} keeps no content (content=''), so it cannot be rebuilt in place: re-index it from its source.`
            : `Rebuild the full-text index (auto-fix: INSERT INTO ${table.name}(${table.name}) VALUES('rebuild')).`,
          fix: table.contentless ? undefined : { kind: 'rebuild_fts', table: table.name },
        }),
      );
    }
  }
  metrics.ftsSearchMs = fts;

  if (timed === 0) {
    return { score: 1, measured: false, reason: 'no conversations in Tier 1 and no searchable full-text table, so there is no query to time', issues, metrics };
  }
  return { score: categoryScore(issues), measured: true, issues, metrics };
}
