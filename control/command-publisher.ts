/**
 * How control puts a command on the bus: published on a confirm channel and known to be queued
 * only when RabbitMQ confirms it; a nack is "nothing was queued", a closed channel or no confirm
 * in time is "it may or may not have been queued" (with the command's id to look for its outcome).
 */
import type { ConfirmChannel } from 'amqplib';
import { encode, type Command, type Event } from '../bus/messages.js';
import { COMMANDS_EXCHANGE, EVENTS_EXCHANGE } from '../bus/topology.js';
import type { Clock } from '../shared/clock.js';
import { BusUnavailableError, type SendOptions } from './ports.js';

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function publishConfirmed(
  channel: ConfirmChannel,
  clock: Clock,
  { routingKey, command, id, replyTo, user }: { routingKey: string; command: Command; id: string; replyTo: string; user: string },
  options: Pick<SendOptions, 'timeoutMs' | 'persistent'>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const maybe =
      command.kind === 'list_request'
        ? 'ask again'
        : `it may or may not have been queued (and applied): GET /events?type=command shows a command event with commandId ${id} once an agent applied or refused it; sending it again is safe (applying it twice changes nothing)`;
    const idOf = command.kind === 'list_request' ? undefined : id;
    const cancel = clock.setTimeout(
      () =>
        reject(
          new BusUnavailableError(`RabbitMQ did not confirm the ${command.kind} command within ${options.timeoutMs} ms: ${maybe}`, idOf),
        ),
      options.timeoutMs,
    );
    const confirmed = (error: unknown): void => {
      cancel();
      // amqplib: 'message nacked' is the broker's refusal (nothing routed); anything else is the channel closing before the confirm came.
      if (error && describe(error) === 'message nacked')
        reject(new BusUnavailableError(`RabbitMQ refused the ${command.kind} command; nothing was queued`));
      else if (error)
        reject(
          new BusUnavailableError(`the connection to RabbitMQ closed before it confirmed the ${command.kind} command: ${maybe}`, idOf),
        );
      else resolve();
    };
    try {
      channel.publish(
        COMMANDS_EXCHANGE,
        routingKey,
        encode(command),
        {
          messageId: id,
          correlationId: id,
          replyTo,
          userId: user,
          contentType: 'application/json',
          type: command.kind,
          persistent: options.persistent,
          ...(options.persistent ? {} : { expiration: String(options.timeoutMs) }),
        },
        confirmed,
      );
    } catch {
      cancel();
      reject(new BusUnavailableError());
    }
  });
}

/** An event control records on the stream (a silence made or removed): resolved once RabbitMQ confirms it is kept; else nothing was recorded, or (closed, no confirm) it may have been. */
export function recordConfirmed(channel: ConfirmChannel, clock: Clock, event: Event, user: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancel = clock.setTimeout(
      () =>
        reject(
          new BusUnavailableError(`RabbitMQ did not confirm the ${event.type} event within ${timeoutMs} ms: it may or may not be kept`),
        ),
      timeoutMs,
    );
    try {
      channel.publish(EVENTS_EXCHANGE, '', encode(event), { userId: user, contentType: 'application/json', persistent: true }, (error) => {
        cancel();
        if (error) reject(new BusUnavailableError(`RabbitMQ did not keep the ${event.type} event (${describe(error)}); nothing changed`));
        else resolve();
      });
    } catch {
      cancel();
      reject(new BusUnavailableError());
    }
  });
}

/** An empty message to a routing key no queue binds, which RabbitMQ confirms without delivering: true when it did within the time. */
export function roundTrip(channel: ConfirmChannel, clock: Clock, user: string, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const cancel = clock.setTimeout(() => resolve(false), timeoutMs);
    try {
      channel.publish(COMMANDS_EXCHANGE, 'control.ping', Buffer.alloc(0), { userId: user, expiration: '1' }, (error) => {
        cancel();
        resolve(!error);
      });
    } catch {
      cancel();
      resolve(false);
    }
  });
}
