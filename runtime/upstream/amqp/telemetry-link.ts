/**
 * One identity's telemetry sender (`/devices/{d}[/modules/{m}]/messages/events`): messages go on
 * the wire in call order, unsettled; each send resolves on the upstream's `accepted` and fails
 * on `rejected` (see error-map), `released`/`modified`, a lost link or its timeout. Messages the
 * credit does not cover wait in order; a budget shared by all identities bounds what waits.
 *
 * A message already on the wire that is not settled in time calls `onStuck`: the owner takes the
 * identity's links down (and this link fails everything pending with that error), so the retry
 * goes on a new link after everything sent before it, not beside later messages that might be
 * accepted first.
 */
import type { Delivery, EventContext, Sender } from 'rhea';
import type { Message } from '../../../hub-core/core/types.js';
import type { RuntimeError } from '../../errors.js';
import { encodeTelemetry } from './codec.js';
import { CreditSender, type QueuedSend } from './credit-sender.js';
import { offlineError, rejectedError, timeoutError } from './error-map.js';

/** Sends waiting or in flight across every identity of a link; bounds memory. */
export class SendBudget {
  private used = 0;
  constructor(readonly max: number) {}
  take(): boolean {
    if (this.used >= this.max) return false;
    this.used++;
    return true;
  }
  give(): void {
    this.used = Math.max(0, this.used - 1);
  }
  get inUse(): number {
    return this.used;
  }
}

interface PendingSend {
  resolve(): void;
  reject(err: RuntimeError): void;
  timer: NodeJS.Timeout;
  entry: QueuedSend;
  delivery?: Delivery;
}

export class TelemetryLink {
  private readonly out: CreditSender;
  private readonly pending = new Set<PendingSend>();
  private readonly byDelivery = new Map<Delivery, PendingSend>();
  private failure: RuntimeError | undefined;

  constructor(
    readonly link: Sender,
    private readonly address: string,
    private readonly budget: SendBudget,
    private readonly sendTimeoutMs: number,
    private readonly onStuck?: (err: RuntimeError) => void,
  ) {
    this.out = new CreditSender(link, budget.max);
    link.on('accepted', (c: EventContext) => this.settle(c.delivery, undefined));
    link.on('rejected', (c: EventContext) => {
      const state = c.delivery?.remote_state as { error?: Parameters<typeof rejectedError>[0] } | undefined;
      this.settle(c.delivery, rejectedError(state?.error, 'telemetry'));
    });
    // rhea reports `modified` as `released` (treat_modified_as_released).
    link.on('released', (c: EventContext) => this.settle(c.delivery, offlineError('telemetry released by the upstream')));
    // rhea emits `settled` after `accepted`/`rejected`/`released` too: only a delivery still pending
    // here was settled without an outcome (no error object built for the others: this runs per message).
    link.on('settled', (c: EventContext) => {
      if (c.delivery !== undefined && this.byDelivery.has(c.delivery)) this.settle(c.delivery, offlineError('telemetry settled upstream without an outcome'));
    });
  }

  /** Resolves when the upstream accepted `message`. */
  send(message: Message): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (!this.budget.take()) {
      return Promise.reject(offlineError(`more than ${this.budget.max} upstream sends are waiting; retry later`));
    }
    return new Promise<void>((resolve, reject) => {
      const p: PendingSend = {
        resolve, reject,
        timer: setTimeout(() => this.timedOut(p), this.sendTimeoutMs),
        entry: { message: encodeTelemetry(message, this.address), onSent: (d) => this.sent(p, d) },
      };
      this.pending.add(p);
      if (!this.out.send(p.entry)) this.finish(p, offlineError('the telemetry link cannot take more'));
    });
  }

  /** Sends in flight or waiting for credit. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** The link is gone: every pending send fails with `err` (retryable), later sends too. */
  fail(err: RuntimeError): void {
    this.failure ??= err;
    this.out.close();
    for (const p of [...this.pending]) this.finish(p, err);
  }

  private sent(p: PendingSend, delivery: Delivery): void {
    p.delivery = delivery;
    this.byDelivery.set(delivery, p);
  }

  private settle(delivery: Delivery | undefined, err: RuntimeError | undefined): void {
    if (delivery === undefined) return;
    const p = this.byDelivery.get(delivery);
    if (p !== undefined) this.finish(p, err);
  }

  private timedOut(p: PendingSend): void {
    const err = timeoutError(`telemetry not settled upstream within ${this.sendTimeoutMs} ms`);
    if (p.delivery === undefined) this.out.cancel(p.entry);
    this.finish(p, err);
    if (p.delivery !== undefined) this.onStuck?.(err);
  }

  private finish(p: PendingSend, err: RuntimeError | undefined): void {
    if (!this.pending.delete(p)) return;
    clearTimeout(p.timer);
    if (p.delivery !== undefined) this.byDelivery.delete(p.delivery);
    this.budget.give();
    if (err === undefined) p.resolve();
    else p.reject(err);
  }
}
