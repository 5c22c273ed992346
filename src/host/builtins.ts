import { BuiltinHandler } from '../core/plugins/runner';
import { BrainSession } from './brainSession';

/**
 * The built-in plugins' engines, by plugin_id, for the hook runner. A built-in
 * whose engine is not wired here is reported by the runner as "not available
 * here" and gets no execution row.
 */
export type BuiltinRegistry = (session: BrainSession) => Record<string, BuiltinHandler>;

const providers: BuiltinRegistry[] = [];

/** Engines register their built-in plugin handlers here when the host wires them. */
export function provideBuiltins(provider: BuiltinRegistry): void {
  providers.push(provider);
}

export function builtinsFor(session: BrainSession): Record<string, BuiltinHandler> {
  return Object.assign({}, ...providers.map((p) => p(session)));
}
