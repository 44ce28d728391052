/**
 * What the control service needs from the outside world, in the domain's terms. The AMQP adapter
 * (control-bus.ts) implements CommandBus; unit tests pass a fake. Routing keys, queues and
 * correlation ids stay behind it.
 */
import type { Command, Event, Reply } from '../bus/messages.js';
import type { EventLog } from './event-log.js';
import type { Matrix } from './history.js';

/** The replies to one request (or what was kept of each): who answered, and the live hosts that did not before the deadline. */
export interface Gathered<T = Reply> {
  /** In the order of `answered`. */
  replies: T[];
  answered: string[];
  /** Expected hosts that did not answer before the deadline. */
  silent: string[];
  /** The command's id (its message id): agents apply it at most once and name it in its `command` event. */
  commandId: string;
}

export interface SendOptions<T = Reply> {
  timeoutMs: number;
  /** Persistent commands wait in durable agent queues; others expire at the deadline. */
  persistent: boolean;
  /**
   * What is kept of each reply, made as it arrives (default: the reply itself): a big reply can be
   * reduced while the slower hosts are still awaited, and is not held whole until the last one.
   */
  digest?: (reply: Reply) => T;
}

export interface CommandBus {
  readonly connected: boolean;
  /** True when the broker answers a round trip (a publish it confirms) within `timeoutMs`: a frozen broker keeps the connection but answers nothing. */
  responsive(timeoutMs: number): Promise<boolean>;
  /** Sends to every agent and gathers the replies of `expected` hosts. Throws BusUnavailableError when it cannot send. */
  toAll<T = Reply>(command: Command, expected: readonly string[], options: SendOptions<T>): Promise<Gathered<T>>;
  /** Sends to one host's agent and gathers its reply. Throws BusUnavailableError when it cannot send. */
  toHost<T = Reply>(hostname: string, command: Command, options: SendOptions<T>): Promise<Gathered<T>>;
}

/** Where control records what it keeps on the events stream (the silences): resolved once RabbitMQ confirmed it. Throws BusUnavailableError. */
export interface EventRecorder {
  record(event: Event, timeoutMs: number): Promise<void>;
}

export class BusUnavailableError extends Error {
  constructor(
    message = 'not connected to RabbitMQ right now; it reconnects by itself',
    /** Set when the command was handed to the broker and may have been queued (and applied): its id. */
    readonly commandId?: string,
  ) {
    super(message);
  }
}

/** A time-series store that answers PromQL range queries (Prometheus); errors are ApiErrors. */
export interface MetricsStore {
  queryRange(query: string, fromMs: number, toMs: number, stepSeconds: number): Promise<Matrix[]>;
}

/** The events stream as control reads it. */
export interface EventSource {
  readonly connected: boolean;
  readonly events: EventLog;
  /** Resolves true once the stream has been read to its end; false after the timeout. */
  caughtUp(timeoutMs: number): Promise<boolean>;
}
