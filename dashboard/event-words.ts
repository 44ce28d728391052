/** Each event in a few words, as the container view's list and the timeline say it. No I/O. */
import { formatDuration, type Event } from './model.js';

export function describe(e: Event): string {
  switch (e.type) {
    case 'heal':
      if (e.outcome === 'notified' || e.outcome === 'dry-run')
        return `would ${e.action ?? 'heal'}, not done (${e.outcome === 'notified' ? 'notify policy' : 'observe only'}; ${e.trigger ?? ''}: ${e.reason ?? ''})`;
      return `${e.action ?? 'heal'} ${e.outcome ?? ''} in ${formatDuration(e.durationMs ?? 0)} (${e.trigger ?? ''}: ${e.reason ?? ''})`;
    case 'fault':
      return `fault injected: ${e.fault ?? ''}${e.lossPercent === undefined ? '' : ` ${e.lossPercent} %`}`;
    case 'death':
      return `died (exit code ${e.exitCode ?? '?'})`;
    case 'verdict':
      return `verdict ${e.from ?? ''} → ${e.to ?? ''} (${e.reason ?? ''})`;
    case 'backoff':
      return `restart held back until ${e.until ? new Date(e.until).toLocaleTimeString() : '?'}: ${e.reason ?? ''}`;
    case 'command':
      return `command applied: ${e.detail ?? e.command ?? ''}${e.by === undefined ? '' : ` (by ${e.by})`}`;
    case 'label':
      return `wrong watchdog labels, ignored: ${(e.problems ?? []).join('; ')}`;
    case 'host-budget':
      return e.to === 'paused'
        ? `the host's restart budget is spent: ${e.reason ?? ''}; loss restarts paused`
        : `the host's restart budget has room again after ${formatDuration(e.durationMs ?? 0)}`;
    case 'host-network':
      return e.to === 'broken'
        ? `the host's network path looks broken: ${e.reason ?? ''}; loss restarts held`
        : `the host's network path is whole again after ${formatDuration(e.durationMs ?? 0)}`;
    case 'gave-up':
      return `gave up (${e.to ?? ''}): ${e.reason ?? ''}`;
    case 'recovered':
      return `recovered: fine again after ${formatDuration(e.durationMs ?? 0)} ${e.from ?? 'in trouble'}`;
    case 'silenced':
      return `would ${e.action ?? 'heal'}, held by silence ${e.silenceId ?? '?'} until ${e.until ? new Date(e.until).toLocaleTimeString() : '?'} (${e.trigger ?? ''}: ${e.reason ?? ''})`;
    case 'silence':
      return `silence ${e.silence?.id ?? '?'} ${e.to ?? ''} by ${e.by ?? '?'}: ${e.silence?.containers ?? ''} until ${e.silence ? new Date(e.silence.until).toLocaleTimeString() : '?'} (${e.silence?.reason ?? ''})`;
  }
}
