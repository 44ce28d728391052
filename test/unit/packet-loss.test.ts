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

  it('falls back to iptables statistic in its own chain, replacing the previous rate', async () => {
    const { commands, run } = recorder(/^tc |-C OUTPUT/);
    assert.equal(await setPacketLoss(run, 40), 'iptables');
    assert.deepEqual(commands.slice(1), [
      'iptables -N WATCHDOG_LOSS',
      'iptables -C OUTPUT -j WATCHDOG_LOSS',
      'iptables -A OUTPUT -j WATCHDOG_LOSS',
      'iptables -F WATCHDOG_LOSS',
      'iptables -A WATCHDOG_LOSS -m statistic --mode random --probability 0.4000 -j DROP',
    ]);
  });

  it('says both failed and that it needs NET_ADMIN', async () => {
    const { run } = recorder(/^(tc|iptables -F)/);
    await assert.rejects(setPacketLoss(run, 40), /netem failed .*iptables failed .*NET_ADMIN/);
  });

  it('refuses a rate outside 0-100', async () => {
    await assert.rejects(setPacketLoss(recorder(null).run, 140), /from 0 to 100/);
  });
});
