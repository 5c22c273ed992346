import { Database, withDatabase } from '../db/database';
import { CortexError } from '../db/errors';
import { ANALYSIS_LIMIT } from './operations';
import { brainBytes, fragmentation, ftsTables } from './measure';
import { checkVacuumSpace, SpaceCheck } from './snapshot';

export type MaintenanceTier = 'tier1' | 'tier2' | 'tier3';
export const MAINTENANCE_TIERS: readonly MaintenanceTier[] = ['tier1', 'tier2', 'tier3'];

/** maintenance_runs.operations vocabulary (design facts §4, plus optimize). */
export type MaintenanceOp = 'reindex' | 'rebuild_fts' | 'vacuum' | 'analyze' | 'optimize';

export interface MaintenanceStep {
  op: MaintenanceOp;
  /** The FTS table for rebuild_fts. */
  target?: string;
  sql: string;
  reason: string;
  /** Rewrites pages of the brain: a snapshot is taken before the first such step. */
  destructive: boolean;
}

export interface MaintenancePlan {
  dbPath: string;
  tier: MaintenanceTier;
  steps: MaintenanceStep[];
  fragmentation: number;
  sizeBytes: number;
  /** Rough VACUUM duration (design facts §4: size in MB / 10 seconds); absent below tier3. */
  vacuumEstimateSeconds?: number;
  /** Free-disk check for VACUUM (tier3 only). */
  space?: SpaceCheck;
}

/**
 * The steps of a tier, in the order they run: indexes and full-text indexes
 * are rebuilt first, VACUUM then compacts the file (and gives back the pages
 * the rebuilds freed), statistics are gathered last, on the final layout.
 */
export async function buildSteps(db: Database, tier: MaintenanceTier): Promise<MaintenanceStep[]> {
  const steps: MaintenanceStep[] = [];
  if (tier !== 'tier1') {
    steps.push({ op: 'reindex', sql: 'REINDEX', reason: 'rebuild every index from its table (repairs index drift, packs index pages)', destructive: true });
    for (const f of await ftsTables(db)) {
      if (f.contentless) continue;
      steps.push({ op: 'rebuild_fts', target: f.name, sql: `INSERT INTO "${f.name}"("${f.name}") VALUES('rebuild')`, reason: `rebuild the ${f.module} index of ${f.name} from its content`, destructive: true });
    }
  }
  if (tier === 'tier3') steps.push({ op: 'vacuum', sql: 'VACUUM', reason: 'rewrite the file without free pages', destructive: true });
  steps.push({ op: 'analyze', sql: `PRAGMA analysis_limit = ${ANALYSIS_LIMIT}; ANALYZE`, reason: 'refresh the query planner statistics (sampled; exact row counts)', destructive: false });
  steps.push({ op: 'optimize', sql: 'PRAGMA optimize', reason: "let SQLite refresh what its own heuristics find stale", destructive: false });
  return steps;
}

export function assertTier(tier: string): asserts tier is MaintenanceTier {
  if (!MAINTENANCE_TIERS.includes(tier as MaintenanceTier)) throw new CortexError('BAD_INPUT', `Unknown maintenance tier '${tier}'; use tier1, tier2 or tier3.`);
}

/** What a run of `tier` would do on this brain, and whether there is room for it. Opens read-only; writes nothing. */
export async function planMaintenance(dbPath: string, tier: MaintenanceTier, busyTimeoutMs?: number): Promise<MaintenancePlan> {
  assertTier(tier);
  return withDatabase(dbPath, { readonly: true, busyTimeoutMs }, async (db) => {
    const steps = await buildSteps(db, tier);
    const sizeBytes = brainBytes(dbPath);
    const plan: MaintenancePlan = { dbPath, tier, steps, fragmentation: await fragmentation(db), sizeBytes };
    if (tier === 'tier3') {
      plan.vacuumEstimateSeconds = Math.round((sizeBytes / 1e6 / 10) * 10) / 10;
      plan.space = checkVacuumSpace(dbPath, sizeBytes, true);
    }
    return plan;
  });
}
