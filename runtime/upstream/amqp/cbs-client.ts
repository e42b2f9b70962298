/**
 * The client side of `$cbs` on one connection (wire contract C "CBS"): a sender to `$cbs` for
 * put-token requests and a receiver from `$cbs` for the replies, matched by
 * `correlation_id` = request `message_id` (a uuid string, as the SDK sends it). One pair serves
 * every identity of the connection; requests beyond the hub's credit wait in order.
 */
import { randomUUID } from 'node:crypto';
import type { EventContext, Receiver, Session } from 'rhea';
import { CreditSender } from './credit-sender.js';
import { cbsError, detachError, offlineError, timeoutError } from './error-map.js';
import { idText } from './codec.js';
import { attachLink } from './link-attach.js';

/** Requests that may wait for credit (the attach gate bounds this in practice). */
const MAX_QUEUED = 10_000;

interface Pending {
  resolve(): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  audience: string;
}

export class CbsClient {
  private readonly pending = new Map<string, Pending>();
  private sender: CreditSender | undefined;
  private receiver: Receiver | undefined;
  private failed: Error | undefined;

  /** @param onLost called once when the upstream detaches a `$cbs` link after it was up. */
  constructor(private readonly timeoutMs: number, private readonly userAgent: string, private readonly onLost: (err: Error) => void) {}

  /** Attaches both links on `session`; rejects when either is refused, `attachTimeoutMs` passes or `signal` aborts. */
  async open(session: Session, attachTimeoutMs: number, signal: AbortSignal): Promise<void> {
    const properties = { 'com.microsoft:client-version': this.userAgent };
    const receiver = session.open_receiver({ source: { address: '$cbs' }, target: { address: 'cbs' }, credit_window: 100, autoaccept: true, properties });
    receiver.on('message', (c: EventContext) => this.reply(c));
    const sender = session.open_sender({ target: { address: '$cbs' }, source: { address: 'cbs' }, properties });
    this.receiver = receiver;
    this.sender = new CreditSender(sender, MAX_QUEUED);
    const lost = (what: string) => (c: EventContext): void => {
      if (this.failed !== undefined) return;
      const err = detachError((c.sender ?? c.receiver)?.error, what);
      this.fail(err);
      this.onLost(err);
    };
    await Promise.all([attachLink(receiver, attachTimeoutMs, '$cbs receiver', signal), attachLink(sender, attachTimeoutMs, '$cbs sender', signal)]);
    receiver.on('receiver_close', lost('$cbs receiver'));
    sender.on('sender_close', lost('$cbs sender'));
  }

  /** Puts `token` for `audience` (encoded sr); resolves on status 200. */
  putToken(audience: string, token: string): Promise<void> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    const sender = this.sender;
    if (sender === undefined) return Promise.reject(offlineError('the $cbs link is not open'));
    const id = randomUUID();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        sender.cancel(entry);
        reject(timeoutError(`put-token for ${decodeURIComponent(audience)} got no answer in ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer, audience });
      const entry = {
        message: {
          message_id: id, to: '$cbs', reply_to: 'cbs', body: token,
          application_properties: { operation: 'put-token', type: 'servicebus.windows.net:sastoken', name: audience },
        },
        onSent: () => undefined,
      };
      if (!sender.send(entry)) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(offlineError('too many put-token requests are waiting'));
      }
    });
  }

  /** Fails every pending request (the connection or a $cbs link is gone). */
  fail(err: Error): void {
    this.failed ??= err;
    this.sender?.close();
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }

  /** Detaches both links (the connection stays). */
  close(): void {
    this.fail(offlineError('the upstream link is closing'));
    this.sender?.link.close();
    this.receiver?.close();
  }

  private reply(c: EventContext): void {
    const m = c.message;
    if (m === undefined) return;
    const id = idText(m.correlation_id);
    const p = id === undefined ? undefined : this.pending.get(id);
    if (p === undefined || id === undefined) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    const props = (m.application_properties ?? {}) as Record<string, unknown>;
    const status = Number(props['status-code']);
    if (status === 200) p.resolve();
    else p.reject(cbsError(status, typeof props['status-description'] === 'string' ? props['status-description'] : '', p.audience));
  }
}
