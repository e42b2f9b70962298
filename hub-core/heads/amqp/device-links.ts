/**
 * The device's message links (wire contract C "Links"): telemetry in (accepted only once the
 * core has stored the message durably), and cloud-to-device out (the client's outcome settles
 * the core's lock: accepted = complete, rejected = reject, released/modified = abandon).
 */
import type { Delivery, EventContext, Receiver, Sender } from 'rhea';
import type { DeviceSession } from '../../core/api.js';
import type { C2dDelivery } from '../../core/types.js';
import { HubError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { amqpErrorFor, codeOf, Condition, headError } from './error-map.js';
import { OutLink, settle, type Link } from './link-kit.js';
import { AmqpEvents } from './log-events.js';
import { decodeInbound, encodeC2d } from './message-codec.js';

/** Credit the hub keeps open on a device's telemetry link (the SDK waits for credit). */
export const TELEMETRY_CREDIT = 100;
/**
 * C2D messages held for a link without credit. The core pushes at most PUSH_WINDOW (10)
 * unsettled messages per session, so this is a safety bound, not the working limit.
 */
export const C2D_BACKLOG = 64;

/** One link of a device identity on a connection. */
export interface DeviceLink {
  readonly link: Link;
  readonly kind: 'telemetry' | 'c2d' | 'input' | 'method-requests' | 'method-responses' | 'twin-requests' | 'twin-responses';
  /** The identity's core session exists: start serving (grant credit, enable flags). */
  ready(session: DeviceSession): void;
  /** The link is over (peer detach, session end, connection gone, or the hub detached it). */
  ended(): void;
}

/** What a link needs from its identity. */
export interface LinkContext {
  log: Logger;
  /** `d` or `d/m`, for log lines. */
  identity: string;
}

/** Device → hub telemetry (`/devices/{d}[/modules/{m}]/messages/events`, client sends). */
export class TelemetryLink implements DeviceLink {
  readonly kind = 'telemetry' as const;
  private session: DeviceSession | undefined;

  constructor(readonly link: Receiver, private readonly ctx: LinkContext) {
    link.on('message', (c: EventContext) => this.onMessage(c));
  }

  ready(session: DeviceSession): void {
    this.session = session;
    this.link.add_credit(TELEMETRY_CREDIT);
  }

  ended(): void {
    this.session = undefined;
  }

  private onMessage(c: EventContext): void {
    const session = this.session;
    if (session === undefined || c.message === undefined) {
      // Only possible when the client sends without credit: a protocol error on its part.
      settle(c.delivery, headError(Condition.notAllowed, 'no credit was granted'));
      return;
    }
    let message;
    try {
      message = decodeInbound(c.message, 'telemetry');
    } catch (err) {
      this.done(c.delivery, new HubError('FH_MSG_INVALID', 'the message could not be read', { cause: err }));
      return;
    }
    // Durable first, then accepted: an accepted message survives a crash [contract C].
    session.sendTelemetry(message).then(
      () => this.done(c.delivery, undefined),
      (err: unknown) => this.done(c.delivery, err),
    );
  }

  private done(delivery: Delivery | undefined, err: unknown): void {
    if (err === undefined) {
      settle(delivery, 'accept');
    } else {
      AmqpEvents.telemetryRejected(this.ctx.log, this.ctx.identity, codeOf(err));
      settle(delivery, amqpErrorFor(err));
    }
    // One settled, one more may come: the window stays at TELEMETRY_CREDIT.
    if (this.session !== undefined && this.link.is_open()) this.link.add_credit(1);
  }
}

/**
 * Hub → device C2D (`/devices/{d}/messages/devicebound`), or module input messages
 * (`/devices/{d}/modules/{m}/messages/events` with the client receiving).
 */
export class C2dLink implements DeviceLink {
  private readonly out: OutLink;
  private readonly tokens = new WeakMap<Delivery, string>();
  private session: DeviceSession | undefined;

  constructor(readonly link: Sender, readonly kind: 'c2d' | 'input', private readonly ctx: LinkContext) {
    this.out = new OutLink(link, C2D_BACKLOG);
    link.on('accepted', (c: EventContext) => this.outcome(c.delivery, 'complete'));
    link.on('rejected', (c: EventContext) => this.outcome(c.delivery, 'reject'));
    // rhea reports `modified` as `released` (treat_modified_as_released): both abandon.
    link.on('released', (c: EventContext) => this.outcome(c.delivery, 'abandon'));
    // Settled with no outcome: the default outcome of a source is accepted [AMQP 3.5.3].
    link.on('settled', (c: EventContext) => this.outcome(c.delivery, 'complete'));
  }

  ready(session: DeviceSession): void {
    this.session = session;
    // The core starts pushing (at most PUSH_WINDOW unsettled); the link sends as credit allows.
    session.setC2dEnabled(true);
  }

  /** A delivery from the core; throws when the link cannot hold it (the core keeps it queued). */
  deliver(delivery: C2dDelivery): void {
    const ok = this.out.send(encodeC2d(delivery), (d) => this.tokens.set(d, delivery.lockToken));
    if (!ok) throw new HubError('FH_SESSION_CLOSED', 'the C2D link cannot take more messages');
  }

  ended(): void {
    this.out.close();
    // Disabling releases every unsettled message of this session back to the queue (core).
    this.session?.setC2dEnabled(false);
    this.session = undefined;
  }

  private outcome(delivery: Delivery | undefined, outcome: 'complete' | 'reject' | 'abandon'): void {
    if (delivery === undefined) return;
    const token = this.tokens.get(delivery);
    if (token === undefined) return;
    this.tokens.delete(delivery);
    // A receiver in rcv-settle-mode second leaves settling to us; settle so rhea frees the slot.
    if (!delivery.remote_settled) delivery.update(true);
    const session = this.session;
    if (session === undefined) return;
    const settled = outcome === 'complete' ? session.completeC2d(token) : outcome === 'reject' ? session.rejectC2d(token) : session.abandonC2d(token);
    settled.catch((err: unknown) => AmqpEvents.c2dSettleFailed(this.ctx.log, this.ctx.identity, outcome, codeOf(err)));
  }
}
