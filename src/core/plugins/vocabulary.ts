import { PLUGIN_PRIORITY } from './builtin';

/**
 * The plugin vocabulary of design facts §7 and §9: what a manifest may name.
 * Anything outside these lists is a validation problem, never silently accepted.
 */

/** D/02 lifecycle hooks, then D/15 (conversation, docs, writes) and D/17 (dashboard). */
export const KNOWN_HOOKS: readonly string[] = [
  'before_conversation_start', 'after_conversation_start', 'before_conversation_end', 'after_conversation_end',
  'before_task_start', 'after_task_complete', 'after_task_failure',
  'before_plan_phase', 'after_plan_phase', 'before_execute_phase', 'after_execute_phase',
  'before_test_phase', 'after_test_phase', 'before_validate_phase', 'after_validate_phase',
  'on_self_review', 'on_cleanup_request', 'on_db_maintenance', 'on_doc_refresh',
  'before_file_create', 'after_file_create', 'before_file_modify', 'after_file_modify',
  'before_brain_update', 'after_brain_update', 'on_pattern_learned',
  'on_startup', 'on_shutdown', 'on_error',
  'on_conversation_cycle', 'on_generate_doc', 'on_before_write', 'on_after_write',
  'metrics_collect', 'dashboard_snapshot', 'dashboard_publish',
];

/** D/02 categories plus utility (D/09, D/15, D/16) and intelligence (D/32). */
export const PLUGIN_CATEGORIES: readonly string[] = [
  'cleanup', 'organization', 'maintenance', 'documentation', 'validation', 'custom', 'utility', 'intelligence',
];

/** D/19 capabilities. Only fs:read and fs:write gate the worker API today; the rest are declared for later APIs. */
export const PLUGIN_CAPABILITIES: readonly string[] = [
  'read:tier1', 'read:tier2', 'read:tier3', 'read:config',
  'write:tier1', 'write:tier2', 'write:tier3',
  'fs:read', 'fs:write', 'exec:commands', 'network:access',
];

/** D/19: lower-case letters, digits and underscores, at most 50 characters. */
export const PLUGIN_ID_PATTERN = /^[a-z0-9_]{1,50}$/;
/** D/19: plain MAJOR.MINOR.PATCH (no pre-release or build suffix). */
export const VERSION_PATTERN = /^\d+\.\d+\.\d+$/;

/** A priority given as a number (≥ 0) or a §7 name (MEDIUM = NORMAL = 50); undefined when neither. */
export function parsePriority(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const named = (PLUGIN_PRIORITY as Record<string, number>)[value.trim().toUpperCase()];
  return named;
}

export function isKnownHook(hook: string): boolean {
  return KNOWN_HOOKS.includes(hook);
}
