import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContainerInventory } from '../../agent/engine/container-inventory.js';
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
    assert.deepEqual(
      (await inventory.list()).map((c) => c.name),
      ['web'],
    );

    runtime.add('db');
    runtime.emit('create', 'db');
    runtime.kill('web');
    runtime.emit('die', 'web');
    await settle();
    const now = await inventory.list();
    assert.deepEqual(now.map((c) => [c.name, c.status]).sort(), [
      ['db', 'running'],
      ['web', 'exited'],
    ]);

    runtime.containers.delete('db');
    runtime.emit('destroy', 'db');
    await settle();
    assert.deepEqual(
      (await inventory.list()).map((c) => c.name),
      ['web'],
    );
    assert.equal(listings, 1);

    runtime.handlers?.onReconnect();
    await inventory.list();
    assert.equal(listings, 2, 'after a reconnect it lists afresh');
  });

  it('cannot say what a container is while an event about it waits for its inspect (no stale instance is confirmed)', async () => {
    const runtime = new FakeRuntime();
    runtime.add('web');
    const inventory = new ContainerInventory(runtime, new RecordingLog());
    inventory.watching().watchEvents({ onEvent: () => undefined, onReconnect: () => undefined, onError: () => undefined });
    await inventory.load();
    inventory.remember('web', await runtime.inspect('web'));
    assert.equal(inventory.lookup('web')?.startedAt, 't0');
    assert.equal(inventory.lookup('ghost'), null, 'loaded: it knows there is none');

    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inspect = runtime.inspect.bind(runtime);
    runtime.inspect = async (name) => {
      await gate;
      return inspect(name);
    };
    runtime.restartedElsewhere('web');
    runtime.emit('restart', 'web');
    assert.equal(inventory.lookup('web'), undefined, 'an event said it changed');
    release();
    await settle();
    assert.notEqual(inventory.lookup('web')?.startedAt, 't0', 'the new instance, once inspected');
  });
});
