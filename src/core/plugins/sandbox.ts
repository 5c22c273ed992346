import { Worker } from 'node:worker_threads';
import { Logger } from '../log';
import { WORKER_SOURCE } from './workerSource';

/**
 * Runs one third-party plugin hook in a worker thread.
 *
 * What this enforces: a wall-clock limit (the worker is terminated, even in
 * a busy loop), a 100 MB V8 heap (D/19), an empty `process.env` (no secrets
 * from the environment), no `require` and no `process` in the plugin's
 * scope, and file access only through API calls the main thread checks
 * against the boundary guard and the plugin's declared capabilities.
 *
 * What it does not: worker_threads and vm are not a security sandbox. The
 * worker shares the extension's process and OS user, and a hostile plugin
 * can climb out of the vm context (for instance through the constructor of
 * an object the host passes in) to the worker's own `require`, and from
 * there reach fs, child_process or the network directly, bypassing the
 * guard. That is why third-party plugins only run in trusted workspaces.
 */

export const PLUGIN_HEAP_LIMIT_MB = 100;

export interface WorkerRun {
  hook: string;
  /** The plugin's CommonJS source (read by the caller through the guard). */
  source: string;
  /** Shown in the plugin's stack traces. */
  filename: string;
  /** Plain JSON data (structured-cloned into the worker). */
  context: unknown;
  /** Carries out one API call; a rejection reaches the plugin as an Error with its message. */
  handleCall(op: string, args: unknown[]): Promise<unknown>;
  log?: Logger;
  pluginId: string;
}

/** Resolves with the hook's result; rejects with the plugin's error, a heap overflow or a stopped worker. Aborting terminates the worker. */
export function runPluginInWorker(run: WorkerRun, signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { hook: run.hook, source: run.source, filename: run.filename, context: run.context },
      resourceLimits: { maxOldGenerationSizeMb: PLUGIN_HEAP_LIMIT_MB },
      env: {},
      argv: [],
      execArgv: [],
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = () => settle(() => reject(new Error('aborted')));
    signal.addEventListener('abort', onAbort);

    worker.on('message', (m: { type: string; id?: number; op?: string; args?: unknown[]; level?: string; text?: string; ok?: boolean; json?: string; error?: string }) => {
      if (m.type === 'call') {
        run.handleCall(String(m.op), m.args ?? []).then(
          (value) => !settled && worker.postMessage({ id: m.id, ok: true, value }),
          (err: unknown) => !settled && worker.postMessage({ id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
        );
      } else if (m.type === 'log') {
        const line = `[plugin ${run.pluginId}] ${m.text ?? ''}`;
        if (m.level === 'error') run.log?.error(line);
        else if (m.level === 'warn') run.log?.warn(line);
        else run.log?.info(line);
      } else if (m.type === 'done') {
        settle(() => (m.ok ? resolve(JSON.parse(m.json ?? 'null')) : reject(new Error(m.error ?? 'the plugin failed'))));
      }
    });
    worker.on('error', (err: Error & { code?: string }) => {
      settle(() => reject(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new Error(`exceeded the ${PLUGIN_HEAP_LIMIT_MB} MB heap limit`) : err));
    });
    worker.on('exit', (code) => settle(() => reject(new Error(`the plugin's worker stopped (exit code ${code}) before finishing`))));
  });
}
