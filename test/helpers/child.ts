import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

/** Starts a compiled helper from out/test/helpers and collects its stdout lines. */
export function startHelper(name: string, args: string[]): { child: ChildProcess; lines: string[]; waitFor(prefix: string, timeoutMs?: number): Promise<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [path.join(__dirname, `${name}.js`), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
      waiters.splice(0).forEach((w) => w());
    }
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    waiters.splice(0).forEach((w) => w());
    resolve(code);
  }));
  const waitFor = (prefix: string, timeoutMs = 20000) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${prefix}; got ${JSON.stringify(lines)} ${stderr}`)), timeoutMs);
      const check = () => {
        const line = lines.find((l) => l.startsWith(prefix));
        if (line) {
          clearTimeout(timer);
          resolve(line);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(timer);
          reject(new Error(`helper exited before ${prefix}: ${JSON.stringify(lines)} ${stderr}`));
        } else waiters.push(check);
      };
      check();
    });
  return { child, lines, waitFor, exited };
}
