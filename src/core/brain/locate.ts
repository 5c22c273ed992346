import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CortexError } from '../db/errors';

/** Where the real 1.0 Tier 1 database lives, relative to the workspace (design facts §1). */
export const DEFAULT_BRAIN_DIR = 'cortex-brain';
export const DEFAULT_DB_RELATIVE = path.join(DEFAULT_BRAIN_DIR, 'tier1', 'conversations.db');
export const CONFIG_FILE = 'cortex.config.json';

export type BrainSource = 'explicit' | 'config-v2' | 'env' | 'config-machine' | 'default';

export interface BrainLocation {
  workspace: string;
  /** Absolute path of the database holding the 2.0 tables. */
  dbPath: string;
  /** The CORTEX brain folder (backups, cold storage and temp live under it). */
  brainRoot: string;
  source: BrainSource;
  exists: boolean;
  /** Problems met on the way (unreadable config, paths that do not exist), for the log. */
  notes: string[];
}

export interface LocateOptions {
  workspace: string;
  /** `--db FILE` or the cortex.databasePath setting. */
  explicitPath?: string;
  env?: NodeJS.ProcessEnv;
  hostname?: string;
}

/** The brain folder for a database: the nearest `cortex-brain` above it, else its own folder. */
export function brainRootFor(dbPath: string): string {
  let dir = path.dirname(dbPath);
  for (;;) {
    if (path.basename(dir) === DEFAULT_BRAIN_DIR) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.dirname(dbPath);
    dir = parent;
  }
}

function readConfig(workspace: string, notes: string[]): Record<string, unknown> | undefined {
  const file = path.join(workspace, CONFIG_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') notes.push(`${CONFIG_FILE} could not be read: ${(err as Error).message}`);
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    notes.push(`${CONFIG_FILE} is not a JSON object; ignored.`);
  } catch (err) {
    notes.push(`${CONFIG_FILE} is not valid JSON (${(err as Error).message}); ignored.`);
  }
  return undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function pick(obj: unknown, ...keys: string[]): unknown {
  let cur = obj;
  for (const k of keys) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/**
 * Resolves the workspace's brain database: explicit path → cortex.config.json
 * (v2 `databases.tier1.path`; 1.0 env CORTEX_BRAIN_PATH, then
 * `machines[<hostname>].brainPath`) → `cortex-brain/tier1/conversations.db`.
 * A candidate from configuration that does not exist on this machine (1.0
 * configs often carry another machine's absolute paths) is noted and skipped.
 */
export function locateBrain(options: LocateOptions): BrainLocation {
  const workspace = path.resolve(options.workspace);
  const env = options.env ?? process.env;
  const notes: string[] = [];
  const make = (dbPath: string, source: BrainSource): BrainLocation => {
    const abs = path.resolve(workspace, dbPath);
    return { workspace, dbPath: abs, brainRoot: brainRootFor(abs), source, exists: fs.existsSync(abs), notes };
  };

  if (options.explicitPath) {
    const loc = make(options.explicitPath, 'explicit');
    if (fs.existsSync(loc.dbPath) && fs.statSync(loc.dbPath).isDirectory()) {
      throw new CortexError('BAD_INPUT', `The database path ${loc.dbPath} is a folder, not a file.`);
    }
    return loc;
  }

  const config = readConfig(workspace, notes);
  const candidates: Array<[string, BrainSource]> = [];
  const v2 = str(pick(config, 'databases', 'tier1', 'path'));
  if (v2) candidates.push([v2, 'config-v2']);
  const envBrain = str(env.CORTEX_BRAIN_PATH);
  if (envBrain) candidates.push([path.join(envBrain, 'tier1', 'conversations.db'), 'env']);
  const host = options.hostname ?? os.hostname();
  const machineBrain = str(pick(config, 'machines', host, 'brainPath'));
  if (machineBrain) candidates.push([path.join(machineBrain, 'tier1', 'conversations.db'), 'config-machine']);

  for (const [candidate, source] of candidates) {
    const loc = make(candidate, source);
    if (loc.exists) return loc;
    // A v2 config names where the brain *should* be, even before it exists.
    if (source === 'config-v2') return loc;
    notes.push(`${source} points to ${loc.dbPath}, which does not exist here; ignored.`);
  }
  return make(DEFAULT_DB_RELATIVE, 'default');
}
