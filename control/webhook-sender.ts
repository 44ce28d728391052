/**
 * Sends notifications to webhook targets: one request at a time per target, each with a timeout,
 * retried with backoff, from a bounded queue, so a slow or broken receiver delays only its own
 * notifications, never healing (done by the agents) nor the API. URLs are never logged whole:
 * only their origin (a Slack or Discord webhook's path is its secret).
 */
import { errorMessage } from '../shared/errors.js';
import nodemailer, { type Transporter } from 'nodemailer';
import { emailFor, requestFor, type ChannelRequest, type EmailMessage } from './channels.js';
import { describeTarget, RateLimit, rateKey, wants, type Notification, type WebhookTarget } from './notifications.js';

export interface SenderOptions {
  rateLimitMs: number;
  timeoutMs: number;
  /** Tries per notification, the first included. */
  tries: number;
  retryBaseMs: number;
  /** Notifications waiting per target; past it the oldest is dropped (and counted in the log). */
  maxQueue: number;
  /** Control's address as people reach it (PUBLIC_URL): notifications link to the dashboard's page. */
  publicUrl?: string | undefined;
}

/** One notification for one target: an HTTP request, or an email. */
type Item = { kind: string } & ({ request: ChannelRequest } | { email: EmailMessage });

interface Queue {
  target: WebhookTarget;
  index: number;
  waiting: Item[];
  /** email: the SMTP connection (made at the first message). */
  mailer?: Transporter;
  busy: boolean;
  dropped: number;
}

export class WebhookSender {
  private readonly queues: Queue[];
  private readonly limit: RateLimit;
  private closed = false;

  constructor(
    targets: readonly WebhookTarget[],
    private readonly options: SenderOptions,
    private readonly log: { warn(message: string, fields?: object): void },
    private readonly now: () => number = Date.now,
  ) {
    this.queues = targets.map((target, index) => ({ target, index, waiting: [], busy: false, dropped: 0 }));
    this.limit = new RateLimit(options.rateLimitMs);
  }

  /** Queues the notification for every target that wants it and is not rate-limited for its container; returns at once. */
  notify(n: Notification): void {
    if (this.closed) return;
    for (const queue of this.queues) {
      if (!wants(queue.target, n)) continue;
      const heldBack = this.limit.admit(`${queue.index}|${rateKey(n)}`, this.now());
      if (heldBack === null) continue;
      if (queue.waiting.length >= this.options.maxQueue) {
        queue.waiting.shift();
        queue.dropped += 1;
      }
      const { format } = queue.target;
      const { publicUrl } = this.options;
      queue.waiting.push(
        format === 'email'
          ? { kind: n.kind, email: emailFor(n, heldBack, publicUrl) }
          : { kind: n.kind, request: requestFor(queue.target, n, heldBack, publicUrl) },
      );
      void this.pump(queue);
    }
  }

  close(): void {
    this.closed = true;
    for (const queue of this.queues) queue.mailer?.close();
  }

  private async pump(queue: Queue): Promise<void> {
    if (queue.busy) return;
    queue.busy = true;
    try {
      for (let next = queue.waiting.shift(); next && !this.closed; next = queue.waiting.shift()) await this.deliver(queue, next);
    } finally {
      queue.busy = false;
    }
  }

  private async deliver(queue: Queue, item: Item): Promise<void> {
    const where = `webhook ${queue.index + 1} (${describeTarget(queue.target.url)})`;
    if (queue.dropped > 0) {
      this.log.warn(`${where}: ${queue.dropped} notification(s) dropped, the receiver is too slow (queue of ${this.options.maxQueue})`, {
        kind: 'webhook',
      });
      queue.dropped = 0;
    }
    let problem = '';
    for (let attempt = 1; attempt <= this.options.tries && !this.closed; attempt++) {
      try {
        problem = 'email' in item ? await this.mail(queue, item.email) : await this.post(queue.target.url, item.request);
        if (problem === '') return;
        if (problem.startsWith('refused:')) break; // the receiver refuses it: trying again will not help
      } catch (error) {
        problem = (error as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : errorMessage(error);
      }
      if (attempt < this.options.tries) await new Promise((resolve) => setTimeout(resolve, this.options.retryBaseMs * 2 ** (attempt - 1)));
    }
    this.log.warn(`${where}: a ${item.kind} notification was not delivered: ${problem}`, {
      kind: 'webhook',
      notification: item.kind,
      problem,
    });
  }

  /** '' when the receiver took it; 'refused: ...' when it said no for good (a 4xx but 429); else what went wrong. */
  private async post(url: string, request: ChannelRequest): Promise<string> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': request.contentType, ...request.headers },
      body: request.body,
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return '';
    return response.status >= 400 && response.status < 500 && response.status !== 429
      ? `refused: HTTP ${response.status}`
      : `HTTP ${response.status}`;
  }

  /** Over SMTP (smtps://: TLS from the start; smtp://: STARTTLS when the server offers it), with the user and password of the URL. */
  private async mail(queue: Queue, email: EmailMessage): Promise<string> {
    const { target } = queue;
    const timeout = this.options.timeoutMs;
    if (!queue.mailer) {
      const url = new URL(target.url);
      const user = decodeURIComponent(url.username);
      queue.mailer = nodemailer.createTransport({
        host: url.hostname,
        port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
        secure: url.protocol === 'smtps:',
        ...(user ? { auth: { user, pass: decodeURIComponent(url.password) } } : {}),
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      });
    }
    await queue.mailer.sendMail({ from: target.from, to: target.to, subject: email.subject, text: email.text });
    return '';
  }
}
