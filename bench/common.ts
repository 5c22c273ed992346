// Helpers shared by the benchmarks (compiled with them into out/bench/).
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
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

export const SQLITE3 = process.env.BENCH_SQLITE3 || '/usr/bin/sqlite3';
const TIME_BIN = '/usr/bin/time';
/** GNU time gives peak RSS of a child; without it, peak memory is not measured for the shell. */
export const hasTime = fs.existsSync(TIME_BIN);

export function msSince(start: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10;
}

export function check(r: SpawnSyncReturns<string>, what: string): SpawnSyncReturns<string> {
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status ?? r.signal}: ${(r.stderr || r.stdout || '').trim().slice(-2000)}`);
  return r;
}

/** Runs the sqlite3 shell (bail on the first error) and returns its output. Not timed. */
export function shell(db: string, sql: string): string {
  return check(spawnSync(SQLITE3, ['-bail', '-batch', db], { input: sql, encoding: 'utf8', maxBuffer: 64 << 20 }), `sqlite3 ${db}`).stdout.trim();
}

export interface Timed {
  ms: number;
  rssKb?: number;
  stdout: string;
  stderr: string;
}

/** Runs a command under `/usr/bin/time -v` when present, timed with the wall clock. */
export function timed(cmd: string, args: string[], input?: string): Timed {
  const t = process.hrtime.bigint();
  const r = hasTime
    ? spawnSync(TIME_BIN, ['-v', cmd, ...args], { input, encoding: 'utf8', maxBuffer: 256 << 20 })
    : spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 256 << 20 });
  const ms = msSince(t);
  check(r, `${path.basename(cmd)} ${args.slice(0, 3).join(' ')}`);
  const m = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(r.stderr);
  return { ms, rssKb: hasTime && m ? Number(m[1]) : undefined, stdout: r.stdout, stderr: r.stderr };
}

/** A child process's result: the last line of its stdout, as JSON. */
export function lastJsonLine<T>(stdout: string, what: string): T {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`${what} printed no JSON result: ${stdout.slice(-800)}`);
  }
}
