import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Reply } from '../../bus/messages.js';
import { ReplyGatherer } from '../../control/gather.js';
import { HostRegistry } from '../../control/host-registry.js';
import { FakeClock } from '../support/fakes.js';

const list = (hostname: string, name = 'c'): Reply => ({
  kind: 'list_response',
  hostname,
  containers: [{ hostname, name, status: 'running', monitored: false }],
});

describe('ReplyGatherer', () => {
  it('finishes as soon as every expected host answered', async () => {
    const clock = new FakeClock();
    const gatherer = new ReplyGatherer(clock);
    const result = gatherer.gather('r1', ['h1', 'h2'], 4000);
    gatherer.deliver('r1', list('h2'));
    gatherer.deliver('r1', list('h1'));
    const gathered = await result;
    assert.deepEqual(gathered.answered, ['h1', 'h2']);
    assert.deepEqual(gathered.silent, []);
  });

  it('keeps what the digest makes of each reply, made as the reply arrives', async () => {
    const clock = new FakeClock();
    const gatherer = new ReplyGatherer(clock);
    const digested: string[] = [];
    const result = gatherer.gather('r1', ['h1', 'h2'], 4000, (reply) => {
      digested.push(reply.hostname);
      return `${reply.hostname}:${reply.kind}`;
    });
    gatherer.deliver('r1', list('h2'));
    assert.deepEqual(digested, ['h2'], 'digested on arrival, before the gather ends');
    gatherer.deliver('r1', list('h1'));
    assert.deepEqual((await result).replies, ['h1:list_response', 'h2:list_response'], 'in the order of the answered hosts');
  });

  it('finishes at the deadline and names the silent hosts', async () => {
    const clock = new FakeClock();
    const gatherer = new ReplyGatherer(clock);
    const result = gatherer.gather('r1', ['h1', 'h2'], 4000);
    gatherer.deliver('r1', list('h1'));
    clock.advance(3999);
    let done = false;
    void result.then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(done, false, 'still waiting before the deadline');
    clock.advance(1);
    const gathered = await result;
    assert.deepEqual(gathered.answered, ['h1']);
    assert.deepEqual(gathered.silent, ['h2']);
  });

  it('drops a reply that arrives after its request ended', async () => {
    const clock = new FakeClock();
    const gatherer = new ReplyGatherer(clock);
    const result = gatherer.gather('r1', ['h1'], 100);
    clock.advance(100);
    await result;
    assert.equal(gatherer.deliver('r1', list('h1')), false);
  });

  it('never mixes the replies of concurrent requests', async () => {
    const clock = new FakeClock();
    const gatherer = new ReplyGatherer(clock);
    const first = gatherer.gather('r1', ['h1'], 4000);
    const second = gatherer.gather('r2', ['h1'], 4000);
    gatherer.deliver('r2', list('h1', 'for-r2'));
    gatherer.deliver('r1', list('h1', 'for-r1'));
    const names = async (p: Promise<{ replies: Reply[] }>) =>
      (await p).replies.flatMap((r) => (r.kind === 'list_response' ? r.containers.map((c) => c.name) : []));
    assert.deepEqual(await names(first), ['for-r1']);
    assert.deepEqual(await names(second), ['for-r2']);
  });

  it('answers at once when no host is expected', async () => {
    const gatherer = new ReplyGatherer(new FakeClock());
    assert.deepEqual(await gatherer.gather('r1', [], 4000), { replies: [], answered: [], silent: [] });
  });
});

describe('HostRegistry', () => {
  const beat = (hostname: string, leaving = false) => ({
    kind: 'heartbeat' as const,
    hostname,
    sentAt: new Date().toISOString(),
    threshold: 60,
    monitored: 1,
    ...(leaving ? { leaving } : {}),
  });

  it('a host is live until its heartbeats stop for the live window', () => {
    const clock = new FakeClock();
    const registry = new HostRegistry(clock, 6000, 2000);
    registry.record(beat('h1'));
    clock.advance(5999);
    assert.deepEqual(registry.live(), ['h1']);
    clock.advance(1);
    assert.deepEqual(registry.live(), []);
    assert.equal(registry.list()[0]?.live, false, 'still listed, as not live');
  });

  it('right after the bus connects, answers wait one heartbeat period so every live host is known', async () => {
    const clock = new FakeClock();
    const registry = new HostRegistry(clock, 6000, 2000);
    await registry.settled(); // not listening yet: nothing to wait for
    registry.listening();
    let settled = false;
    void registry.settled().then(() => (settled = true));
    clock.advance(2249);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false);
    clock.advance(1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, true);
  });

  it('a host that says goodbye is not live at once', () => {
    const registry = new HostRegistry(new FakeClock(), 6000, 2000);
    registry.record(beat('h1'));
    registry.record(beat('h1', true));
    assert.equal(registry.isLive('h1'), false);
  });
});
