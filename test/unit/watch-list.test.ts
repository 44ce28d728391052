import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WatchList } from '../../agent/policy/watch-list.js';
import { MemoryStore } from '../support/fakes.js';

describe('WatchList', () => {
  it('saves a change before applying it, and applies changes in the order they came', async () => {
    const store = new MemoryStore();
    const list = new WatchList(store, { monitored: ['a', 'a', 'b'], threshold: 60 });
    assert.deepEqual(list.snapshot, { monitored: ['a', 'b'], threshold: 60 }, 'duplicates dropped');
    await Promise.all([list.setMonitored('c', true), list.setThreshold(10), list.setMonitored('a', false)]);
    assert.deepEqual(list.snapshot, { monitored: ['b', 'c'], threshold: 10, unmonitored: ['a'] });
    assert.deepEqual(store.saved, list.snapshot);
    assert.equal(list.has('c'), true);
    assert.equal(list.has('a'), false);
  });

  it('a change that cannot be saved is refused and not applied; the next one still is', async () => {
    const store = new MemoryStore();
    const list = new WatchList(store, { monitored: ['a'], threshold: 60 });
    store.failSave = new Error('ENOSPC: no space left on device');
    await assert.rejects(list.setMonitored('b', true), /ENOSPC/);
    assert.deepEqual(list.snapshot, { monitored: ['a'], threshold: 60 });
    assert.equal(list.has('b'), false);
    store.failSave = null;
    assert.deepEqual(await list.setThreshold(5), { monitored: ['a'], threshold: 5 });
  });

  it('writes a change only when it differs from what it last wrote: a flood of the same threshold is one fsync, not one each', async () => {
    const store = new MemoryStore();
    const list = new WatchList(store, { monitored: ['a'], threshold: 60 });
    await list.setThreshold(60);
    assert.equal(store.saves, 1, 'the first change is written, whatever the start-up state came from');
    await Promise.all(Array.from({ length: 100 }, () => list.setThreshold(60)));
    assert.equal(store.saves, 1);
    await list.setThreshold(61);
    await list.setThreshold(60);
    assert.equal(store.saves, 3);
  });

  it('hands out copies: a caller cannot change the list behind its back', () => {
    const list = new WatchList(new MemoryStore(), { monitored: ['a'], threshold: 60 });
    list.snapshot.monitored.push('x');
    assert.deepEqual(list.snapshot.monitored, ['a']);
  });
});
