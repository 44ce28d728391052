/**
 * What the agent tells the events stream: each heal and held-back heal, each verdict change
 * (ok to lossy and back), each death of a monitored container, each container's wrong labels (once),
 * the host's own path to its containers breaking and being whole again (host-network), the
 * host's budget of loss restarts spent and with room again (host-budget), a container given up on
 * (gave-up), one fine again after trouble (recovered) and a heal a silence held (silenced).
 * A heal not done (notify policy, observe-only) is a heal event with outcome notified or dry-run.
 * Commands are told by the bus side.
 */
import type { Event } from '../../bus/messages.js';
import { RECOVERED_AFTER } from '../recovery-watch.js';
import type { Watchdog } from '../watchdog.js';

export function publishWatchdogEvents(
  hostname: string,
  watchdog: Watchdog,
  publish: (event: Event) => void,
  now: () => number = Date.now,
): void {
  const base = (at: number, container: string) => ({ kind: 'event' as const, at: new Date(at).toISOString(), host: hostname, container });
  watchdog.results.onHeal((heal) => {
    if (heal.outcome === 'backoff') {
      const until = watchdog.healer.backoffUntil(heal.name);
      publish({
        ...base(heal.at, heal.name),
        type: 'backoff',
        action: heal.action,
        trigger: heal.trigger,
        reason: heal.reason,
        ...(until === null ? {} : { until: new Date(until).toISOString() }),
      });
    } else if (heal.outcome === 'silenced') {
      publish({
        ...base(heal.at, heal.name),
        type: 'silenced',
        action: heal.action,
        trigger: heal.trigger,
        reason: heal.reason,
        ...(heal.silence ? { silenceId: heal.silence.id, until: heal.silence.until } : {}),
      });
    } else if (heal.outcome === 'gave-up') {
      publish({
        ...base(heal.at, heal.name),
        type: 'gave-up',
        action: heal.action,
        trigger: heal.trigger,
        reason: heal.reason,
        to: heal.gaveUp === 'stop' ? 'stopped' : 'left as it is',
      });
    } else {
      publish({
        ...base(heal.at, heal.name),
        type: 'heal',
        action: heal.action,
        trigger: heal.trigger,
        reason: heal.reason,
        outcome: heal.outcome,
        durationMs: heal.durationMs,
      });
    }
  });
  watchdog.results.onRecovered((r) =>
    publish({
      ...base(r.at, r.name),
      type: 'recovered',
      from: r.was,
      durationMs: r.troubledForMs,
      reason: `fine for ${RECOVERED_AFTER} checks in a row`,
    }),
  );
  watchdog.results.onVerdictChange((change) =>
    publish({ ...base(change.at, change.name), type: 'verdict', from: change.from, to: change.to, reason: change.reason }),
  );
  watchdog.onLabelProblems((name, problems) => publish({ ...base(now(), name), type: 'label', problems }));
  watchdog.hostGuard.onChange(({ kind, change }, at) => {
    const when = { kind: 'event' as const, at: new Date(at).toISOString(), host: hostname };
    if (kind === 'host-network')
      publish(
        change.to === 'broken'
          ? { ...when, type: kind, to: 'broken', reason: change.reason }
          : { ...when, type: kind, to: 'ok', durationMs: change.brokenForMs },
      );
    else
      publish(
        change.to === 'paused'
          ? { ...when, type: kind, to: 'paused', reason: `${change.restarts} loss restarts within the window` }
          : { ...when, type: kind, to: 'resumed', durationMs: change.pausedForMs },
      );
  });
  watchdog.onDeath((death) =>
    publish({ ...base(now(), death.name), type: 'death', ...(death.exitCode === undefined ? {} : { exitCode: death.exitCode }) }),
  );
}
