/**
 * Tier retention policies (design facts §5, D/14). The migration records one
 * snapshot per tier so later retention runs have a starting point.
 */
export interface TierPolicy {
  tier: 'tier1' | 'tier2' | 'tier3';
  maxAgeDays: number;
  /** -1 means unbounded. */
  maxRecords: number;
  destination: 'tier3' | 'cold_storage';
  pruneLowConfidence?: boolean;
  confidenceThreshold?: number;
  compression?: boolean;
}

export const TIER_POLICIES: readonly TierPolicy[] = [
  { tier: 'tier1', maxAgeDays: 30, maxRecords: 20, destination: 'tier3' },
  { tier: 'tier2', maxAgeDays: 180, maxRecords: 10000, destination: 'tier3', pruneLowConfidence: true, confidenceThreshold: 0.3 },
  { tier: 'tier3', maxAgeDays: 730, maxRecords: -1, destination: 'cold_storage', compression: true },
];
