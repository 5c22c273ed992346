/**
 * Plugin load and run order (design facts §7): a plugin comes after its
 * dependencies; among plugins that are free to go, lower priority first,
 * then plugin_id. Plugins that can never go (missing dependency, cycle, or
 * depending on such a plugin) are reported with the reason, not ordered.
 */

export interface OrderNode {
  id: string;
  priority: number;
  dependencies: readonly string[];
}

export interface OrderResult {
  order: string[];
  blocked: Array<{ id: string; reason: string }>;
  /** Each cycle as its members in dependency order, first member repeated at the end. */
  cycles: string[][];
}

const byPriorityThenId = (a: OrderNode, b: OrderNode) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const notRegistered = (dependency: string) => `depends on ${dependency}, which is not registered or has no valid manifest`;

/** `unavailable` explains a dependency that is not among the nodes. */
export function orderByDependencies(nodes: readonly OrderNode[], unavailable: (dependency: string) => string = notRegistered): OrderResult {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const blocked = new Map<string, string>();

  // Missing dependencies block a plugin, and through it everything that needs it.
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of nodes) {
      if (blocked.has(n.id)) continue;
      const missing = n.dependencies.find((d) => !byId.has(d));
      const stuck = n.dependencies.find((d) => blocked.has(d));
      if (missing !== undefined) blocked.set(n.id, unavailable(missing));
      else if (stuck !== undefined) blocked.set(n.id, `depends on ${stuck}, which cannot run`);
      else continue;
      changed = true;
    }
  }

  // Kahn's algorithm with the ready set kept sorted by priority, then id.
  const live = nodes.filter((n) => !blocked.has(n.id));
  const waitingOn = new Map(live.map((n) => [n.id, new Set(n.dependencies)]));
  const order: string[] = [];
  let ready = live.filter((n) => n.dependencies.length === 0);
  while (ready.length > 0) {
    ready.sort(byPriorityThenId);
    const next = ready.shift() as OrderNode;
    order.push(next.id);
    waitingOn.delete(next.id);
    for (const [id, deps] of waitingOn) {
      if (deps.delete(next.id) && deps.size === 0) ready.push(byId.get(id) as OrderNode);
    }
  }

  // What is left waits on a cycle: walk dependencies until a plugin repeats to name it.
  const cycles: string[][] = [];
  const cycleOf = new Map<string, string[]>();
  for (const id of [...waitingOn.keys()].sort()) {
    const walk: string[] = [];
    let current = id;
    while (!walk.includes(current) && !cycleOf.has(current)) {
      walk.push(current);
      current = [...(waitingOn.get(current) as Set<string>)].sort()[0];
    }
    let cycle = cycleOf.get(current);
    if (!cycle) {
      cycle = [...walk.slice(walk.indexOf(current)), current];
      cycles.push(cycle);
      for (const member of cycle) cycleOf.set(member, cycle);
    }
    const text = cycle.join(' → ');
    blocked.set(id, cycle.includes(id) ? `dependency cycle: ${text}` : `waits on the dependency cycle ${text}`);
  }
  return { order, blocked: [...blocked].map(([id, reason]) => ({ id, reason })), cycles };
}
