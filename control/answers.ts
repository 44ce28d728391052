/**
 * What an answer to the administrator says, from the agents' replies to a command: confirmed,
 * refused (and why), or not confirmed in time (and where its outcome will show). Free of I/O.
 */
import type { Ack } from '../bus/messages.js';
import { ApiError } from './api-error.js';
import type { Container, DryRunResult, PolicyView, ThresholdResult } from '../api/contract.generated.js';
import type { Gathered } from './ports.js';

/** Live hosts were asked and none answered before the deadline. */
export function nobodyConfirmed(gathered: Gathered, timeoutMs: number): ApiError {
  return new ApiError(
    504,
    'not_confirmed',
    `no host confirmed within ${timeoutMs} ms (asked: ${gathered.silent.join(', ')}). RabbitMQ confirmed the command: it waits in their queues or is being applied, and each host's outcome shows in GET /events?type=command as the command event with commandId ${gathered.commandId}`,
    gathered.commandId,
  );
}

/** The host's acknowledgement of a command about one container; a refusal or silence is an ApiError. */
export function hostAck(gathered: Gathered, hostname: string, name: string, timeoutMs: number): Ack {
  const ack = gathered.replies.find((r): r is Ack => r.kind === 'ack' && r.hostname === hostname);
  if (!ack) {
    throw new ApiError(
      504,
      'not_confirmed',
      `host ${hostname} did not confirm within ${timeoutMs} ms. RabbitMQ confirmed the command: it waits in the host's queue or is being applied, and its outcome (applied or refused) shows in GET /events?type=command&host=${hostname} as the command event with commandId ${gathered.commandId}`,
      gathered.commandId,
    );
  }
  if (!ack.ok) {
    if (ack.error === 'not_found')
      throw new ApiError(404, 'unknown_container', ack.message ?? `no container named ${name} on host ${hostname}`);
    // The agent holds rules the spec cannot say (a probe's port range, expect-* only for http): its refusal names the field.
    if (ack.error === 'invalid') throw new ApiError(400, 'invalid_request', ack.message ?? 'the agent refused the value');
    throw new ApiError(502, 'agent_failed', ack.message ?? `host ${hostname} could not apply the change`);
  }
  return ack;
}

/** Observe-only on or off: who confirmed, who did not answer yet, who refused (DRY_RUN=true on that host). */
export function dryRunResult(dryRun: boolean, gathered: Gathered, hostname: string | undefined, timeoutMs: number): DryRunResult {
  const acks = gathered.replies.filter((r): r is Ack => r.kind === 'ack' && (hostname === undefined || r.hostname === hostname));
  if (acks.length === 0) throw nobodyConfirmed(gathered, timeoutMs);
  const hostnames = (list: Ack[]): string[] => list.map((a) => a.hostname).sort();
  return {
    dryRun,
    confirmed: hostnames(acks.filter((a) => a.ok)),
    unconfirmed: [...gathered.silent].sort(),
    refused: acks
      .filter((a) => !a.ok)
      .map((a) => ({ hostname: a.hostname, message: a.message ?? 'refused' }))
      .sort((a, b) => a.hostname.localeCompare(b.hostname)),
  };
}

/** A host that read the threshold and refused it will not apply it later: that is a failure (502), not a wait. */
export function thresholdResult(threshold: number, gathered: Gathered, timeoutMs: number): ThresholdResult {
  const acks = gathered.replies.filter((r): r is Ack => r.kind === 'ack');
  if (acks.length === 0) throw nobodyConfirmed(gathered, timeoutMs);
  const confirmed = acks
    .filter((r) => r.ok)
    .map((r) => r.hostname)
    .sort();
  const refused = acks.filter((r) => !r.ok);
  if (refused.length > 0) {
    const said = refused.map((r) => `host ${r.hostname} refused it: ${r.message ?? 'no reason given'}`).join('; ');
    const others = [
      confirmed.length ? `applied by ${confirmed.join(', ')}` : 'applied by none',
      gathered.silent.length ? `not yet answered by ${gathered.silent.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    throw new ApiError(502, 'agent_failed', `${said} (${others})`);
  }
  return { threshold, confirmed, unconfirmed: [...gathered.silent].sort() };
}

/** What GET/PUT .../policy answer, from the container as its agent described it (with its policy). */
export function policyView(container: Container): PolicyView {
  return {
    hostname: container.hostname,
    name: container.name,
    monitored: container.monitored,
    effective: container.policy as PolicyView['effective'],
    api: container.apiPolicy ?? {},
    ...(container.labelProblems ? { labelProblems: container.labelProblems } : {}),
  };
}

/** A host that is not live; while the bus is down nobody could be asked, so that is the answer (503, not 404: clients retry a 503). */
export function unknownHost(hostname: string, connected: boolean, live: readonly string[]): ApiError {
  if (!connected)
    return new ApiError(
      503,
      'bus_unavailable',
      `not connected to RabbitMQ, so no agent could be asked (host ${hostname} included); nothing was sent, it reconnects by itself`,
    );
  return new ApiError(404, 'unknown_host', `no live agent on host ${hostname}; live hosts: ${live.length ? live.join(', ') : 'none'}`);
}

/** Why a command for every host cannot be sent (no live host to confirm it: 503, never a 200 nobody confirmed), or null when it can. */
export function nobodyToAsk(connected: boolean, live: readonly string[], silent: readonly string[]): ApiError | null {
  if (live.length > 0) return null;
  if (!connected)
    return new ApiError(
      503,
      'bus_unavailable',
      'not connected to RabbitMQ, so no agent could be asked; nothing was sent, it reconnects by itself',
    );
  return new ApiError(
    503,
    'no_live_agent',
    `no agent is live, so none could confirm; nothing was sent${silent.length ? ` (silent: ${silent.join(', ')})` : ''}. Send it again once an agent is live (GET /hosts)`,
  );
}
