/**
 * One AMQP connection and channel that come back by themselves. The topology and the consumers
 * are declared in `setup`, which runs again on every reconnect, so nothing stays closed after an
 * outage; it may open more channels on the same connection (a channel that closes takes the
 * connection, and so all of them, into the reconnect). Every connection and channel has an error
 * listener: an unhandled one would kill the process.
 * Several brokers (the nodes of a cluster) may be given as a comma-separated list: each attempt
 * after a failure or a lost connection goes to the next one, so losing a node means reconnecting
 * to another within the first retry.
 */
import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { Clock } from '../shared/clock.js';
import { userOf } from './identity.js';

export interface BusLog {
  info(message: string, fields?: object): void;
  warn(message: string, fields?: object): void;
}

/** How a connection is opened: amqplib's connect, or a fake in unit tests. */
export type Dial = (url: string, options: { noDelay: boolean; clientProperties: { connection_name: string } }) => Promise<ChannelModel>;

/** How long closing waits for the broker: a broker that hangs must not keep a stopping process alive (seen: control never exited on SIGTERM). */
const CLOSE_DEADLINE_MS = 2000;

export class BusConnection {
  private connection: ChannelModel | null = null;
  private current: ConfirmChannel | null = null;
  private closing = false;
  private failures = 0;
  private cancelRetry: (() => void) | null = null;
  private readonly urls: string[];
  /** Which of the urls the next attempt dials. */
  private next = 0;
  /** The broker user this side speaks as: every message it publishes carries it as `user_id`, which RabbitMQ checks. */
  readonly user: string;

  constructor(
    private readonly url: string,
    private readonly name: string,
    private readonly setup: (channel: Channel, openChannel: () => Promise<Channel>) => Promise<void>,
    private readonly log: BusLog,
    private readonly clock: Clock,
    private readonly dial: Dial = (url, options) => amqp.connect(url, options),
  ) {
    this.urls = brokerUrls(url);
    this.user = userOf(this.urls[0] ?? url);
  }

  /**
   * The channel while connected, else null: callers decide whether to wait, skip or fail. A confirm
   * channel, so a last message can be known to have reached the broker before closing.
   */
  get channel(): ConfirmChannel | null {
    return this.current;
  }

  start(): void {
    void this.connect();
  }

  /** Closes the connection; a broker that does not answer within CLOSE_DEADLINE_MS gets the socket dropped instead. */
  async close(): Promise<void> {
    this.closing = true;
    this.cancelRetry?.();
    const connection = this.connection;
    this.connection = null;
    this.current = null;
    if (!connection) return;
    let cancel = (): void => undefined;
    const answered = connection.close().then(
      () => true,
      () => true,
    );
    const late = new Promise<boolean>((resolve) => (cancel = this.clock.setTimeout(() => resolve(false), CLOSE_DEADLINE_MS)));
    const closed = await Promise.race([answered, late]);
    cancel();
    if (closed) return;
    this.log.warn(`the broker did not answer the close within ${CLOSE_DEADLINE_MS} ms: dropped the connection`, { kind: 'bus' });
    // amqplib has no abort: its connection's socket (`stream`, untyped) is destroyed, which ends the connection at once.
    (connection.connection as unknown as { stream?: { destroy(): void } }).stream?.destroy();
  }

  private async connect(): Promise<void> {
    let connection: ChannelModel | null = null;
    const url = this.urls[this.next % this.urls.length] ?? this.url;
    try {
      // noDelay: without it Nagle's algorithm holds small replies back ~40 ms.
      connection = await this.dial(url, { noDelay: true, clientProperties: { connection_name: this.name } });
      connection.on('error', (error: Error) => this.log.warn(`bus connection error: ${error.message}`, { kind: 'bus' }));
      connection.on('close', () => this.lost(connection, 'connection closed'));
      const opened = connection;
      // A channel the server closed (a protocol error) is not reusable: start over with a new connection.
      const watch = <C extends Channel>(channel: C): C => {
        channel.on('error', (error: Error) => this.log.warn(`bus channel error: ${error.message}`, { kind: 'bus' }));
        channel.on('close', () => void opened.close().catch(() => undefined));
        return channel;
      };
      const channel = watch(await connection.createConfirmChannel());
      await this.setup(channel, async () => watch(await opened.createChannel()));
      if (this.closing) {
        await connection.close();
        return;
      }
      this.connection = connection;
      this.current = channel;
      this.failures = 0;
      this.log.info(`bus connected to ${redact(url)}`, { kind: 'bus', broker: redact(url) });
    } catch (error) {
      this.log.warn(`bus connect to ${redact(url)} failed: ${explainTlsError((error as Error).message)}`, { kind: 'bus' });
      await connection?.close().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private lost(connection: ChannelModel | null, why: string): void {
    if (this.connection !== connection) return; // an attempt that never came up; its own catch retries
    this.connection = null;
    this.current = null;
    if (this.closing) return;
    this.log.warn(`bus ${why}; reconnecting`, { kind: 'bus' });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closing) return;
    this.next += 1; // the next broker of the list (the same one when there is one)
    // A whole round of the list at the first delay, then backing off.
    const delayMs = Math.min(250 * 2 ** Math.floor(this.failures / this.urls.length), 5_000);
    this.failures += 1;
    this.cancelRetry = this.clock.setTimeout(() => void this.connect(), delayMs);
  }
}

/** The URLs of a comma-separated list (one broker, or the nodes of a cluster). */
export function brokerUrls(text: string): string[] {
  return text
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
}

/** The URL (or list) without passwords, for logs. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@,]+):[^@/,]*@/g, '//$1:***@');
}

/** Node's TLS failures, said in the operator's terms. */
function explainTlsError(message: string): string {
  if (/self[- ]signed certificate|unable to (verify|get local issuer)|certificate signature failure/i.test(message)) {
    return `${message} (the broker's certificate is not signed by a CA this side trusts: set AMQP_CA_FILE to the CA that signed it)`;
  }
  if (/Hostname\/IP does not match|ERR_TLS_CERT_ALTNAME_INVALID/i.test(message))
    return `${message} (connect with the host name the broker's certificate names)`;
  if (/wrong version number|packet length too long/i.test(message))
    return `${message} (is that port TLS? amqps:// usually listens on 5671)`;
  return message;
}
