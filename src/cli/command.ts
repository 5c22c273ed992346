import { ParseArgsConfig } from 'node:util';
import { Logger } from '../core/log';

/** Exit codes: 0 success, 1 failure (one line on stderr), 2 bad usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export type Values = Record<string, string | boolean | undefined>;

/** What every command receives after the common options are parsed and the brain located. */
export interface CommandContext {
  /** Absolute workspace folder (from --workspace, or the current folder). */
  workspace: string;
  /** The located brain database (it may not exist yet). */
  dbPath: string;
  json: boolean;
  busyTimeoutMs?: number;
  log: Logger;
  /** Words after the command name; always empty unless the command declares `positionals`. */
  positionals: string[];
}

export interface Command {
  summary: string;
  usage: string;
  /** What the command takes after its name (e.g. `databases|apis|frameworks`); absent: nothing. */
  positionals?: string;
  /** Options besides the common ones, in node:util parseArgs form. */
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Values, io: CliIo, ctx: CommandContext): Promise<number>;
}

export const COMMON_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  workspace: { type: 'string' },
  db: { type: 'string' },
  json: { type: 'boolean' },
  'busy-timeout': { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** Thrown by a command for bad usage: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}
