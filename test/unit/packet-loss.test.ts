import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setPacketLoss } from '../../chaos/packet-loss.js';

/** Records commands; the ones named in `failing` fail, as on a kernel without netem. */
function recorder(failing: RegExp | null) {
  const commands: string[] = [];
  const run = async (command: string, args: string[]): Promise<void> => {
    const line = `${command} ${args.join(' ')}`;
    commands.push(line);
    if (failing?.test(line)) throw new Error(`${line}: failed`);
  };
  return { commands, run };
}

describe('setPacketLoss', () => {
  it('uses netem where the kernel has it', async () => {
    const { commands, run } = recorder(null);
    assert.equal(await setPacketLoss(run, 35), 'netem');
    assert.deepEqual(commands, ['tc qdisc replace dev eth0 root netem loss 35%']);
  });

  it('falls back to iptables statistic in its own chain, adding the first rate', async () => {
    const { commands, run } = recorder(/^tc |-C OUTPUT|-R WATCHDOG_LOSS/);
    assert.equal(await setPacketLoss(run, 40), 'iptables');
    assert.deepEqual(commands.slice(1), [
      'iptables -N WATCHDOG_LOSS',
      'iptables -C OUTPUT -j WATCHDOG_LOSS',
      'iptables -A OUTPUT -j WATCHDOG_LOSS',
      'iptables -R WATCHDOG_LOSS 1 -m statistic --mode random --probability 0.4000 -j DROP',
      'iptables -A WATCHDOG_LOSS -m statistic --mode random --probability 0.4000 -j DROP',
    ]);
  });

  it('replaces the previous rate in place, never flushing first (no moment without loss), and flushes for 0 %', async () => {
    const { commands, run } = recorder(/^tc /);
    await setPacketLoss(run, 100);
    assert.deepEqual(commands.slice(-1), ['iptables -R WATCHDOG_LOSS 1 -m statistic --mode random --probability 1.0000 -j DROP']);
    assert.ok(!commands.some((c) => c.includes('-F')));
    await setPacketLoss(run, 0);
    assert.deepEqual(commands.slice(-1), ['iptables -F WATCHDOG_LOSS']);
  });

  it('says both failed and that it needs NET_ADMIN', async () => {
    const { run } = recorder(/^(tc|iptables -C|iptables -A)/);
    await assert.rejects(setPacketLoss(run, 40), /netem failed .*iptables failed .*NET_ADMIN/);
  });

  it('refuses a rate outside 0-100', async () => {
    await assert.rejects(setPacketLoss(recorder(null).run, 140), /from 0 to 100/);
  });
});
