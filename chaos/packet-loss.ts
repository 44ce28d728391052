/**
 * Packet loss on a network namespace's outgoing traffic: netem where the kernel has it (real
 * users' kernels), else iptables' statistic match. `run` executes a command in the namespace
 * (directly inside a container, or through nsenter from outside); it says which method it used.
 */
export type Run = (command: string, args: string[]) => Promise<void>;
export type LossMethod = 'netem' | 'iptables';

/** Our own chain, so a new rate replaces the old one and nothing else in OUTPUT is touched. */
const CHAIN = 'WATCHDOG_LOSS';

export async function setPacketLoss(run: Run, lossPercent: number, device = 'eth0'): Promise<LossMethod> {
  if (!(lossPercent >= 0 && lossPercent <= 100)) throw new Error(`loss must be from 0 to 100, got ${lossPercent}`);
  let netemError: Error;
  try {
    await run('tc', ['qdisc', 'replace', 'dev', device, 'root', 'netem', 'loss', `${lossPercent}%`]);
    return 'netem';
  } catch (error) {
    netemError = error as Error;
  }
  try {
    await run('iptables', ['-N', CHAIN]).catch(() => undefined); // exists already
    await run('iptables', ['-C', 'OUTPUT', '-j', CHAIN]).catch(() => run('iptables', ['-A', 'OUTPUT', '-j', CHAIN]));
    if (lossPercent > 0) {
      // Replaced in place, never flushed first: no moment without a rule, when every packet would pass.
      const rule = ['-m', 'statistic', '--mode', 'random', '--probability', (lossPercent / 100).toFixed(4), '-j', 'DROP'];
      await run('iptables', ['-R', CHAIN, '1', ...rule]).catch(() => run('iptables', ['-A', CHAIN, ...rule]));
    } else {
      await run('iptables', ['-F', CHAIN]);
    }
    return 'iptables';
  } catch (error) {
    throw new Error(
      `cannot set packet loss: netem failed (${firstLine(netemError)}), iptables failed (${firstLine(error as Error)}); it needs NET_ADMIN`,
      { cause: error },
    );
  }
}

function firstLine(error: Error): string {
  return error.message.trim().split('\n')[0] ?? '';
}
