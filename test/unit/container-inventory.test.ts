import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContainerInventory } from '../../agent/container-inventory.js';
import { FakeRuntime, RecordingLog, settle } from '../support/fakes.js';

describe('ContainerInventory', () => {
  it('lists once, then follows events without listing again', async () => {
    const runtime = new FakeRuntime();
    runtime.add('web');
    let listings = 0;
    const list = runtime.list.bind(runtime);
    runtime.list = async () => {
      listings += 1;
      return list();
    };
    const inventory = new ContainerInventory(runtime, new RecordingLog());
    inventory.watching().watchEvents({ onEvent: () => undefined, onReconnect: () => undefined, onError: () => undefined });
    assert.deepEqual((await inventory.list()).map((c) => c.name), ['web']);

    runtime.add('db');
    runtime.emit('create', 'db');
    runtime.kill('web');
    runtime.emit('die', 'web');
    await settle();
    const now = await inventory.list();
    assert.deepEqual(now.map((c) => [c.name, c.status]).sort(), [['db', 'running'], ['web', 'exited']]);

    runtime.containers.delete('db');
    runtime.emit('destroy', 'db');
    await settle();
    assert.deepEqual((await inventory.list()).map((c) => c.name), ['web']);
    assert.equal(listings, 1);

    runtime.handlers?.onReconnect();
    await inventory.list();
    assert.equal(listings, 2, 'after a reconnect it lists afresh');
  });
});
