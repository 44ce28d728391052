/**
 * What the agent says of each kind of command, in one place: its lane (the commands that must keep
 * their order among themselves: one container's, the threshold's, the mode's; none for a query),
 * its fields in the log, and the few words of its event. No I/O.
 */
import type { Command } from '../../bus/messages.js';

export interface CommandFacts {
  /** null: a query (it reads what the agent holds and runs at once). */
  lane: string | null;
  /** For the command's log line. */
  fields: object;
  /** The applied command in a few words, for its event. */
  detail: string;
  /** The container it is about, if any. */
  container?: string;
}

export function factsOf(command: Command): CommandFacts {
  switch (command.kind) {
    case 'list_request':
      return { lane: null, fields: {}, detail: 'list' };
    case 'threshold':
      return { lane: 'threshold', fields: { threshold: command.threshold }, detail: `threshold ${command.threshold}%` };
    case 'actives':
      return {
        lane: `container ${command.name}`,
        fields: { container: command.name, monitored: command.monitored },
        detail: `${command.monitored ? 'monitor' : 'unmonitor'} ${command.name}`,
        container: command.name,
      };
    case 'policy': {
      const set = Object.entries(command.policy).map(([k, v]) => `${k} ${String(v)}`);
      return {
        lane: `container ${command.name}`,
        fields: { container: command.name, policy: command.policy },
        detail: set.length === 0 ? `policy of ${command.name} removed` : `policy of ${command.name}: ${set.join(', ')}`,
        container: command.name,
      };
    }
    case 'mode':
      return { lane: 'mode', fields: { dryRun: command.dryRun }, detail: command.dryRun ? 'observe only (dry run)' : 'heal (dry run off)' };
    case 'silences':
      return {
        lane: 'silences',
        fields: { silences: command.silences.map((s) => s.id) },
        detail: `silences: ${command.silences.length === 0 ? 'none' : command.silences.map((s) => `${s.id} (${s.containers})`).join(', ')}`,
      };
  }
}
