/** The core logs through this; the host maps it to a LogOutputChannel, the CLI to stderr. */
export interface Logger {
  trace(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { trace() {}, info() {}, warn() {}, error() {} };

/** Milliseconds since `start`, rounded to 0.1 ms, for log lines and reports. */
export function elapsedMs(start: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10;
}
