import * as vscode from 'vscode';
import { Logger } from '../core/log';

/** The "CORTEX" log channel, shared by every component; it is also the core's Logger. */
export function createLog(): vscode.LogOutputChannel & Logger {
  return vscode.window.createOutputChannel('CORTEX', { log: true });
}

/** Performance marks relative to activation start, logged and kept for tests and benchmarks. */
export class Marks {
  private readonly start = performance.now();
  readonly values: Record<string, number> = {};
  constructor(private readonly log: Logger) {}

  mark(name: string): number {
    const ms = Math.round((performance.now() - this.start) * 10) / 10;
    this.values[name] ??= ms;
    this.log.info(`[perf] ${name} at +${ms} ms`);
    return ms;
  }
}
