import { brainRootFor } from '../core/brain/locate';
import { withDatabase } from '../core/db/database';
import { CortexError } from '../core/db/errors';
import { BOUNDARY_ACTORS, BOUNDARY_INTENTS, BoundaryActor, BoundaryIntent, BoundaryRoots } from '../core/integrity/boundary';
import { guard } from '../core/integrity/boundaryEvents';
import { fileLineage, fileRef } from '../core/integrity/provenance';
import { PluginProblem } from '../core/plugins/manifest';
import { listPlugins } from '../core/plugins/queries';
import { isBuiltinPlugin, setPluginEnabled, syncPluginRegistry, SyncReport } from '../core/plugins/registry';
import { runHook } from '../core/plugins/runner';
import { readPluginSwitches } from '../core/plugins/switches';
import { isKnownHook } from '../core/plugins/vocabulary';
import { tableExists } from '../core/schema/structure';
import { CliIo, Command, CommandContext, EXIT, UsageError } from './command';

/** The plugin registry, hook runner, boundary guard and provenance on the command line. */

const rootsOf = (ctx: CommandContext): BoundaryRoots => ({ workspace: ctx.workspace, brainRoot: brainRootFor(ctx.dbPath) });

async function sync(ctx: CommandContext): Promise<SyncReport> {
  const { workspace, brainRoot } = rootsOf(ctx);
  return withDatabase(ctx.dbPath, { busyTimeoutMs: ctx.busyTimeoutMs }, (db) => syncPluginRegistry(db, { brainRoot, workspace }));
}

function printProblems(problems: readonly PluginProblem[], io: CliIo): void {
  for (const p of problems) io.out(`  ${p.severity}: ${p.source}${p.plugin_id ? ` (${p.plugin_id})` : ''}: ${p.message}`);
}

function requireString(value: unknown, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

export const pluginCommands: Record<string, Command> = {
  plugins: {
    summary: 'Register the built-in and brain plugins (plugins/<folder>/plugin.json) and list them with any problems',
    usage: 'cortex plugins [--workspace DIR | --db FILE] [--json]',
    options: {},
    async run(_v, io, ctx) {
      const report = await sync(ctx);
      const plugins = (await withDatabase(ctx.dbPath, { readonly: true, busyTimeoutMs: ctx.busyTimeoutMs }, (db) => listPlugins(db))) ?? [];
      if (ctx.json) {
        const { problems, ...changes } = report;
        io.out(JSON.stringify({ plugins: plugins.map((p) => ({ ...p, builtin: isBuiltinPlugin(p.plugin_id) })), sync: changes, problems }, null, 2));
        return EXIT.ok;
      }
      for (const p of plugins) {
        io.out(`${p.enabled ? 'on ' : 'off'}  ${p.plugin_id} ${p.version}  ${p.category}, priority ${p.priority}${isBuiltinPlugin(p.plugin_id) ? ', built-in' : ''}`);
        io.out(`     hooks: ${p.hooks.join(', ')}${p.dependencies.length ? `; depends on ${p.dependencies.join(', ')}` : ''}`);
      }
      const changed = [...report.registered.map((id) => `registered ${id}`), ...report.updated.map((id) => `updated ${id}`), ...report.disabled.map((id) => `disabled ${id} (manifest gone or invalid)`)];
      if (changed.length) io.out(changed.join('; '));
      if (report.problems.length) {
        io.out('problems:');
        printProblems(report.problems, io);
      }
      return EXIT.ok;
    },
  },

  plugin: {
    summary: 'Enable or disable one registered plugin',
    usage: 'cortex plugin (--enable ID | --disable ID) [--workspace DIR | --db FILE] [--json]',
    options: { enable: { type: 'string' }, disable: { type: 'string' } },
    async run(v, io, ctx) {
      const enable = typeof v.enable === 'string';
      if (enable === (typeof v.disable === 'string')) throw new UsageError('give exactly one of --enable ID or --disable ID');
      const pluginId = String(enable ? v.enable : v.disable);
      await sync(ctx);
      await withDatabase(ctx.dbPath, { busyTimeoutMs: ctx.busyTimeoutMs }, (db) => setPluginEnabled(db, pluginId, enable));
      const switches = readPluginSwitches(ctx.workspace);
      const overridden = enable ? switches.disabled.has(pluginId) : switches.enabled.has(pluginId);
      const note = overridden ? `cortex.config.json ${enable ? 'disables' : 'enables'} ${pluginId}; the next sync applies that again` : undefined;
      if (ctx.json) io.out(JSON.stringify({ plugin_id: pluginId, enabled: enable, note: note ?? null }, null, 2));
      else io.out(`${pluginId} ${enable ? 'enabled' : 'disabled'}${note ? ` (note: ${note})` : ''}`);
      return EXIT.ok;
    },
  },

  hook: {
    summary: 'Run one hook over the enabled plugins (built-ins are not wired on the command line)',
    usage: 'cortex hook --name HOOK [--context JSON] [--trusted] [--timeout MS] [--workspace DIR | --db FILE] [--json]',
    options: { name: { type: 'string' }, context: { type: 'string' }, trusted: { type: 'boolean' }, timeout: { type: 'string' } },
    async run(v, io, ctx) {
      const hook = requireString(v.name, '--name HOOK');
      if (!isKnownHook(hook)) throw new UsageError(`unknown hook ${hook}`);
      let context: unknown = {};
      if (typeof v.context === 'string') {
        try {
          context = JSON.parse(v.context);
        } catch (err) {
          throw new UsageError(`--context is not JSON: ${(err as Error).message}`);
        }
      }
      const timeoutMs = v.timeout === undefined ? undefined : Number(v.timeout);
      if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs <= 0)) throw new UsageError('--timeout takes a whole number of milliseconds');
      const trusted = v.trusted === true;
      await sync(ctx);
      const report = await withDatabase(ctx.dbPath, { busyTimeoutMs: ctx.busyTimeoutMs }, (db) =>
        runHook(db, hook, context, { trusted, timeoutMs, builtins: {}, boundary: rootsOf(ctx), log: ctx.log }),
      );
      if (ctx.json) {
        io.out(JSON.stringify({ ...report, trusted }, null, 2));
        return EXIT.ok;
      }
      if (report.outcomes.length === 0) io.out(`${hook}: no enabled plugin handles this hook`);
      for (const o of report.outcomes) {
        const why = o.status === 'skipped' && o.error === 'not available here' ? 'built-in, not available on the command line; not recorded' : o.error;
        io.out(`${o.plugin_id}: ${o.status}${o.duration_ms !== null ? ` in ${o.duration_ms} ms` : ''}${why ? ` (${why})` : ''}`);
      }
      if (!trusted && report.outcomes.some((o) => o.error === 'workspace not trusted')) io.out('third-party plugins run only with --trusted');
      return EXIT.ok;
    },
  },

  boundary: {
    summary: 'Ask the boundary guard whether a path may be read, written, scanned or deleted (the decision is recorded)',
    usage: 'cortex boundary --path P --intent read|write|scan|delete|plugin [--actor core|engine|plugin|agent] [--plugin ID] [--capabilities fs:read,…] [--json]',
    options: { path: { type: 'string' }, intent: { type: 'string' }, actor: { type: 'string' }, plugin: { type: 'string' }, capabilities: { type: 'string' } },
    async run(v, io, ctx) {
      const target = requireString(v.path, '--path P');
      const intent = requireString(v.intent, '--intent I') as BoundaryIntent;
      if (!BOUNDARY_INTENTS.includes(intent)) throw new UsageError(`--intent must be one of ${BOUNDARY_INTENTS.join(', ')}`);
      const actor = (typeof v.actor === 'string' ? v.actor : 'agent') as BoundaryActor;
      if (!BOUNDARY_ACTORS.includes(actor)) throw new UsageError(`--actor must be one of ${BOUNDARY_ACTORS.join(', ')}`);
      const capabilities = typeof v.capabilities === 'string' ? v.capabilities.split(',').map((c) => c.trim()).filter(Boolean) : [];
      const pluginId = typeof v.plugin === 'string' ? v.plugin : undefined;
      const decision = await withDatabase(ctx.dbPath, { busyTimeoutMs: ctx.busyTimeoutMs }, (db) =>
        guard(db, { path: target, intent, actor, pluginId, capabilities, roots: rootsOf(ctx) }),
      );
      if (ctx.json) io.out(JSON.stringify(decision, null, 2));
      else io.out(`${decision.allowed ? 'allowed' : 'denied'} [${decision.rule_reference}]: ${decision.reason}`);
      return EXIT.ok;
    },
  },

  provenance: {
    summary: 'List where a file came from and what was made from it (provenance links)',
    usage: 'cortex provenance --file PATH [--workspace DIR | --db FILE] [--json]',
    options: { file: { type: 'string' } },
    async run(v, io, ctx) {
      const file = requireString(v.file, '--file PATH');
      const links = await withDatabase(ctx.dbPath, { readonly: true, busyTimeoutMs: ctx.busyTimeoutMs }, async (db) => {
        if (!(await tableExists(db, 'provenance_links'))) {
          throw new CortexError('BAD_INPUT', `The brain ${ctx.dbPath} has no provenance links yet.`, 'Migrate it to CORTEX 2.0 first (`cortex migrate`).');
        }
        return fileLineage(db, ctx.workspace, file);
      });
      const ref = fileRef(ctx.workspace, file);
      if (ctx.json) {
        io.out(JSON.stringify({ file, ref, links }, null, 2));
        return EXIT.ok;
      }
      if (links.length === 0) io.out(`${ref}: no provenance recorded`);
      for (const l of links) {
        io.out(`${l.created_at}  ${l.source_type}:${l.source_ref} —${l.relation}→ ${l.target_type}:${l.target_ref}${l.confidence != null ? ` (confidence ${l.confidence})` : ''}`);
      }
      return EXIT.ok;
    },
  },
};
