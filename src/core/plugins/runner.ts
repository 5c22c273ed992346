import * as fs from 'node:fs';
import { Database } from '../db/database';
import { CortexError } from '../db/errors';
import { BoundaryRoots } from '../integrity/boundary';
import { guard } from '../integrity/boundaryEvents';
import { elapsedMs, Logger } from '../log';
import { BUILTIN_PLUGINS } from './builtin';
import { ExecutionEnd, finishExecution, startExecution } from './executions';
import { loadManifests, PluginManifest } from './manifest';
import { orderByDependencies } from './order';
import { MAX_API_FILE_BYTES, pluginFileApi } from './pluginApi';
import { listPlugins } from './queries';
import { isBuiltinPlugin, requirePluginTables } from './registry';
import { runPluginInWorker } from './sandbox';
import { isKnownHook, KNOWN_HOOKS } from './vocabulary';

/** D/19's plugin_execution_timeout_seconds. */
export const DEFAULT_HOOK_TIMEOUT_MS = 5000;

/** A built-in plugin's engine call. It should stop when `signal` aborts; the runner stops waiting at the time limit either way. */
export type BuiltinHandler = (context: unknown, signal: AbortSignal) => Promise<unknown>;

export interface RunHookOptions {
  /** Third-party plugins run only in a trusted workspace. */
  trusted: boolean;
  timeoutMs?: number;
  /** Engines for the built-in plugins, by plugin_id; a built-in without one is skipped ("not available here"). */
  builtins?: Readonly<Record<string, BuiltinHandler>>;
  /** Roots for the boundary guard; plugin manifests are read from `<brainRoot>/plugins`. */
  boundary: BoundaryRoots;
  sessionId?: string;
  log?: Logger;
}

export interface HookOutcome {
  plugin_id: string;
  /** skipped: not run and not recorded (built-in not available here, or workspace not trusted). */
  status: 'success' | 'failed' | 'skipped';
  /** The plugin_hook_executions row, null when skipped. */
  execution_id: number | null;
  duration_ms: number | null;
  result?: unknown;
  error?: string;
}

export interface HookRunReport {
  hook: string;
  outcomes: HookOutcome[];
}

class TimeoutError extends Error {}

/** Races `work` against the time limit; at the limit the signal aborts (a worker is then terminated). */
async function withTimeLimit<T>(timeoutMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new TimeoutError(`timed out after ${timeoutMs} ms`));
      controller.abort();
    }, timeoutMs);
  });
  const running = work(controller.signal);
  running.catch(() => undefined); // a late failure after the time limit is not unhandled
  try {
    return await Promise.race([running, limit]);
  } finally {
    clearTimeout(timer);
    // Also after success: API calls a plugin left running are refused from now on.
    controller.abort();
  }
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** D/02: execute() may answer `{ success: false, message }` instead of throwing. */
function reportedFailure(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null || (result as { success?: unknown }).success !== false) return undefined;
  const message = (result as { message?: unknown }).message;
  return typeof message === 'string' && message !== '' ? message : 'the plugin reported failure';
}

interface ThirdPartyRun {
  db: Database;
  hook: string;
  data: unknown;
  manifest: PluginManifest | undefined;
  pluginId: string;
  options: RunHookOptions;
}

/** Loads the entry through the guard (intent 'plugin') and runs it in a worker with the guarded file API. */
async function runThirdParty(run: ThirdPartyRun, signal: AbortSignal): Promise<unknown> {
  const { db, manifest, pluginId, options } = run;
  if (!manifest) throw new Error('no valid manifest for this plugin any more; `cortex plugins` lists the problems');
  const load = await guard(db, { path: manifest.entryPath, intent: 'plugin', actor: 'core', pluginId, roots: options.boundary, sessionId: options.sessionId });
  if (!load.allowed || load.resolvedPath === undefined) throw new Error(`plugin code refused (${load.rule_reference}): ${load.reason}`);
  if (fs.statSync(load.resolvedPath).size > MAX_API_FILE_BYTES) throw new Error(`the entry file is larger than ${MAX_API_FILE_BYTES} bytes`);
  const source = fs.readFileSync(load.resolvedPath, 'utf8');
  const handleCall = pluginFileApi({ db, pluginId, capabilities: manifest.capabilities, roots: options.boundary, sessionId: options.sessionId, signal });
  return runPluginInWorker({ hook: run.hook, source, filename: load.resolvedPath, context: run.data, handleCall, log: options.log, pluginId }, signal);
}

/**
 * Runs every enabled plugin registered for `hook`, one after another: after
 * its dependencies, then by priority, then plugin_id. Each run is a
 * plugin_hook_executions row ('running' first, then success or failed with
 * duration, result or error). A plugin that throws, reports failure, runs
 * out of heap or time does not stop the ones after it. Plugins that cannot
 * run (disabled dependency, cycle) get a failed row saying why. Skipped
 * plugins get no row: an untrusted workspace's brain is not written for
 * code that was never started.
 */
export async function runHook(db: Database, hook: string, context: unknown, options: RunHookOptions): Promise<HookRunReport> {
  if (!isKnownHook(hook)) throw new CortexError('BAD_INPUT', `Unknown hook ${hook}.`, `Known hooks: ${KNOWN_HOOKS.join(', ')}.`);
  let data: unknown;
  try {
    data = JSON.parse(JSON.stringify(context ?? null));
  } catch (err) {
    throw new CortexError('BAD_INPUT', `The context of hook ${hook} is not JSON data (${messageOf(err)}).`);
  }
  await requirePluginTables(db);
  const timeoutMs = options.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  const registered = new Map(((await listPlugins(db)) ?? []).map((p) => [p.plugin_id, p]));
  const onHook = [...registered.values()].filter((p) => p.enabled && p.hooks.includes(hook));
  const onHookIds = new Set(onHook.map((p) => p.plugin_id));
  // Dependencies that are enabled but not on this hook are satisfied; disabled or unknown ones block.
  const ordering = orderByDependencies(
    onHook.map((p) => ({
      id: p.plugin_id,
      priority: p.priority,
      dependencies: p.dependencies.filter((d) => onHookIds.has(d) || !registered.get(d)?.enabled),
    })),
    (d) => `depends on ${d}, which is ${registered.has(d) ? 'disabled' : 'not registered'}`,
  );
  const blocked = new Map(ordering.blocked.map((b) => [b.id, b.reason]));
  const needsManifests = options.trusted && onHook.some((p) => !isBuiltinPlugin(p.plugin_id));
  const manifests = new Map(
    needsManifests ? loadManifests(options.boundary.brainRoot, BUILTIN_PLUGINS.map((p) => p.plugin_id)).manifests.map((m) => [m.plugin_id, m]) : [],
  );

  const outcomes: HookOutcome[] = [];
  for (const pluginId of [...ordering.order, ...blocked.keys()]) {
    const builtin = isBuiltinPlugin(pluginId);
    const handler = builtin ? options.builtins?.[pluginId] : undefined;
    if (builtin && !handler) {
      outcomes.push({ plugin_id: pluginId, status: 'skipped', execution_id: null, duration_ms: null, error: 'not available here' });
      continue;
    }
    if (!builtin && !options.trusted) {
      outcomes.push({ plugin_id: pluginId, status: 'skipped', execution_id: null, duration_ms: null, error: 'workspace not trusted' });
      continue;
    }
    const executionId = await startExecution(db, pluginId, hook, data);
    const started = process.hrtime.bigint();
    let end: ExecutionEnd;
    const reason = blocked.get(pluginId);
    if (reason !== undefined) {
      end = { status: 'failed', durationMs: 0, error: `not run: ${reason}` };
    } else {
      try {
        const result = await withTimeLimit(timeoutMs, (signal) =>
          handler ? handler(context, signal) : runThirdParty({ db, hook, data, manifest: manifests.get(pluginId), pluginId, options }, signal),
        );
        const failure = reportedFailure(result);
        end = { status: failure === undefined ? 'success' : 'failed', durationMs: elapsedMs(started), result, error: failure };
      } catch (err) {
        end = { status: 'failed', durationMs: elapsedMs(started), error: messageOf(err) };
      }
    }
    await finishExecution(db, executionId, end);
    if (end.status === 'failed') options.log?.warn(`plugin ${pluginId} failed on ${hook}: ${end.error}`);
    outcomes.push({ plugin_id: pluginId, status: end.status, execution_id: executionId, duration_ms: end.durationMs, result: end.result, error: end.error });
  }
  return { hook, outcomes };
}
