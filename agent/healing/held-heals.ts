/**
 * Heals decided but not done: under a notify policy or observe-only (told once per container and
 * action within the restart window), or held by a silence (told once per container and silence).
 * A container left down is found again every cycle; telling each once keeps the log and the
 * events readable. Each told one is a log line and a record; none spends a restart budget.
 */
import type { HealRecord } from '../container-results.js';
import type { Log } from '../ports.js';

export interface HeldHeal {
  name: string;
  action: HealRecord['action'];
  reason: string;
  trigger: string;
  at: number;
}

export class HeldHeals {
  /** When a heal not done (notify, observe-only) was last told, per container and action. */
  private readonly toldAt = new Map<string, number>();
  /** The heals a silence held that were told: per container and silence. */
  private readonly silenced = new Set<string>();

  constructor(
    private readonly log: Log,
    private readonly record: (heal: HealRecord) => void,
    private readonly windowMs: number,
  ) {}

  /** Its policy says notify, or the host observes only. */
  notDone(heal: HeldHeal, mode: 'notify' | 'dry-run'): void {
    const key = `${heal.name}\n${heal.action}`;
    if (heal.at - (this.toldAt.get(key) ?? -Infinity) < this.windowMs) return;
    this.toldAt.set(key, heal.at);
    const outcome = mode === 'notify' ? 'notified' : 'dry-run';
    const why = mode === 'notify' ? 'its policy says notify' : 'observe-only (dry run)';
    this.tell(heal, `not done: ${why}`, { outcome });
    this.record({ ...heal, outcome, durationMs: 0 });
  }

  /** A silence (maintenance window) holds it while in force. */
  bySilence(heal: HeldHeal, silence: { id: string; until: string; reason: string }): void {
    const key = `${heal.name}\n${silence.id}`;
    if (this.silenced.has(key)) return;
    this.silenced.add(key);
    this.tell(heal, `held by silence ${silence.id} until ${silence.until} (${silence.reason})`, {
      outcome: 'silenced',
      silence: silence.id,
    });
    this.record({ ...heal, outcome: 'silenced', silence: { id: silence.id, until: silence.until }, durationMs: 0 });
  }

  /** Monitored again: told afresh. */
  forget(name: string): void {
    for (const key of this.toldAt.keys()) if (key.startsWith(`${name}\n`)) this.toldAt.delete(key);
    for (const key of this.silenced) if (key.startsWith(`${name}\n`)) this.silenced.delete(key);
  }

  private tell({ name, action, reason, trigger }: HeldHeal, why: string, fields: object): void {
    this.log.warn(`${name}: would ${action} (${trigger}: ${reason}); ${why}`, {
      kind: 'action',
      container: name,
      action,
      reason,
      trigger,
      ...fields,
    });
  }
}
