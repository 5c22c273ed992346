import * as assert from 'node:assert/strict';
import { orderByDependencies } from '../../../src/core/plugins/order';

const node = (id: string, priority: number, ...dependencies: string[]) => ({ id, priority, dependencies });

describe('plugin order', () => {
  it('runs by priority, then plugin_id', () => {
    const r = orderByDependencies([node('zeta', 50), node('alpha', 50), node('late', 100), node('first', 0)]);
    assert.deepEqual(r.order, ['first', 'alpha', 'zeta', 'late']);
    assert.deepEqual(r.blocked, []);
  });

  it('puts a plugin after its dependencies whatever its priority, and no later than needed', () => {
    const r = orderByDependencies([node('eager', 0, 'base'), node('base', 50), node('mid', 60), node('tail', 100)]);
    assert.deepEqual(r.order, ['base', 'eager', 'mid', 'tail']);
  });

  it('names a cycle and blocks its members and whatever waits on it', () => {
    const r = orderByDependencies([node('a', 10, 'b'), node('b', 10, 'c'), node('c', 10, 'a'), node('d', 0, 'a'), node('free', 50)]);
    assert.deepEqual(r.order, ['free']);
    assert.deepEqual(r.cycles, [['a', 'b', 'c', 'a']]);
    const reasons = Object.fromEntries(r.blocked.map((b) => [b.id, b.reason]));
    assert.deepEqual(reasons, {
      a: 'dependency cycle: a → b → c → a',
      b: 'dependency cycle: a → b → c → a',
      c: 'dependency cycle: a → b → c → a',
      d: 'waits on the dependency cycle a → b → c → a',
    });
  });

  it('reports two separate cycles and a self-dependency', () => {
    const r = orderByDependencies([node('x', 0, 'y'), node('y', 0, 'x'), node('s', 0, 's')]);
    assert.deepEqual(r.cycles, [['s', 's'], ['x', 'y', 'x']]);
  });

  it('blocks a plugin with a missing dependency, and its dependents, with the caller\'s wording', () => {
    const r = orderByDependencies([node('top', 0, 'mid'), node('mid', 0, 'gone'), node('ok', 0)], (d) => `needs ${d}`);
    assert.deepEqual(r.order, ['ok']);
    assert.deepEqual(r.blocked, [
      { id: 'mid', reason: 'needs gone' },
      { id: 'top', reason: 'depends on mid, which cannot run' },
    ]);
  });
});
