import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cyclesAmong, dependantsOf, type Neighbour } from '../../agent/healing/dependants.js';

const c = (name: string, more: Partial<Neighbour> = {}): Neighbour => ({ name, id: `${name}-id-0123456789`, ...more });
const on = (...names: string[]) => ({ labels: { 'watchdog.depends-on': names.join(', ') } });

describe('dependants of a healed container', () => {
  it('restarts the containers in its network namespace (by id or name) and those that depend on it, each after what it depends on', () => {
    const plan = dependantsOf('db', [
      c('db'),
      c('sidecar', { networkOf: 'db-id-0123456789' }),
      c('proxy', { networkOf: 'db' }),
      c('api', on('db')),
      c('web', on('api', 'cache')),
      c('worker', on('api')),
      c('cache'),
      c('other', on('cache')),
    ]);
    assert.deepEqual(
      plan.restart.map((r) => r.name),
      ['api', 'proxy', 'sidecar', 'web', 'worker'],
    );
    assert.match(plan.restart.find((r) => r.name === 'sidecar')?.why ?? '', /shares db's network namespace/);
    assert.match(plan.restart.find((r) => r.name === 'web')?.why ?? '', /watchdog.depends-on names api/);
    assert.deepEqual(plan.cycles, []);
  });

  it('a chain keeps its order: c after b after a', () => {
    const plan = dependantsOf('a', [c('c', on('b')), c('b', on('a')), c('a')]);
    assert.deepEqual(
      plan.restart.map((r) => r.name),
      ['b', 'c'],
    );
  });

  it('never a loop: a cycle is named, and its containers are not restarted for it', () => {
    const containers = [c('a'), c('d', on('a', 'e')), c('e', on('d')), c('f', on('a'))];
    const plan = dependantsOf('a', containers);
    assert.deepEqual(
      plan.restart.map((r) => r.name),
      ['f'],
    );
    assert.deepEqual(plan.cycles, ['d -> e -> d']);
    assert.deepEqual(cyclesAmong([c('x', on('x'))]), ['x -> x'], 'a container that names itself');
  });
});
