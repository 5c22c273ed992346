// Helpers shared by the benchmarks (compiled with them into out/bench/).
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (out/bench → ../..). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** An integer setting from the environment ("1_000_000" and "1,000,000" accepted). */
export function envInt(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min} (got ${JSON.stringify(raw)})`);
  return n;
}

/**
 * The real 1.0 Tier 1 tables (conversations, messages), taken from the shape the
 * tests use, so every generated brain has exactly that schema (no indexes or rows).
 */
export function legacyTier1Tables(): string {
  const sql = fs.readFileSync(path.join(REPO_ROOT, 'samples', 'legacy-shapes', 'conversation-manager.sql'), 'utf8');
  return [...sql.matchAll(/^CREATE TABLE [\s\S]*?\n\);/gm)].map((m) => m[0]).join('\n');
}
