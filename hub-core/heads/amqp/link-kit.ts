/**
 * Small helpers around rhea links for a server: mirroring a peer's attach, refusing a link,
 * reading its address, and an outgoing queue that respects credit and never writes a transfer
 * before the attach reply (rhea 3 writes queued transfers before a just-opened link's attach in
 * the same tick; test-peers.md 5b gotcha 2).
 */
import type { AmqpError, Delivery, Message as AmqpMessage, Receiver, Sender, Source, TerminusOptions } from 'rhea';
import type { OutboundMessage } from './message-codec.js';

export type Link = Sender | Receiver;

/** The parts of a rhea link's state the head reads or sets; rhea keeps them untyped. */
interface LinkInternals {
  local: { attach: { snd_settle_mode?: number; rcv_settle_mode?: number } };
  remote: { attach?: { snd_settle_mode?: number; rcv_settle_mode?: number; source?: { address?: string }; target?: { address?: string } } };
}

function internals(link: Link): LinkInternals {
  return link as unknown as LinkInternals;
}

/** The address the peer attached to: the target when it sends, the source when it receives. */
export function peerAddress(link: Link): string | undefined {
  const attach = internals(link).remote.attach;
  return link.is_receiver() ? attach?.target?.address : attach?.source?.address;
}

/**
 * Echoes the peer's attach [contract C: "echo attaches"]: same source and target addresses and
 * settle modes. rhea has already queued the attach reply (it opens links on attach); it is
 * written from these fields on the next tick.
 */
export function mirrorAttach(link: Link): void {
  const remote = internals(link).remote.attach;
  const source = remote?.source?.address;
  const target = remote?.target?.address;
  // rhea's types demand an address; a terminus without one (null address) is valid AMQP.
  link.set_source((source === undefined ? {} : { address: source }) as Source);
  link.set_target((target === undefined ? {} : { address: target }) as TerminusOptions);
  const local = internals(link).local.attach;
  // A receiver asking for settled transfers (twin links, snd-settle-mode 1) gets pre-settled ones.
  if (remote?.snd_settle_mode !== undefined) local.snd_settle_mode = remote.snd_settle_mode;
  if (remote?.rcv_settle_mode !== undefined) local.rcv_settle_mode = remote.rcv_settle_mode;
}

/** Refuses a link: the attach reply goes out, then a detach with `error` [contract C]. */
export function refuseLink(link: Link, error: AmqpError): void {
  link.close(error);
}

/** Every incoming delivery must be settled locally, or rhea never frees its session slot. */
export function settle(delivery: Delivery | undefined, outcome: 'accept' | AmqpError): void {
  if (delivery === undefined) return;
  if (outcome === 'accept') delivery.accept();
  else delivery.reject(outcome);
}

interface Queued {
  message: OutboundMessage;
  onSent?: (delivery: Delivery) => void;
}

/**
 * An outgoing link: messages wait for the link to be ready (one turn of the event loop after
 * the attach) and for credit. The queue is bounded; `send` returns false when it is full or the
 * link is gone, and the caller decides what that means (refuse, drop, throw to the core).
 */
export class OutLink {
  private readonly queue: Queued[] = [];
  private ready = false;
  private gone = false;

  /**
   * @param maxQueued messages held while there is no credit (0: callers use {@link trySend}).
   * @param onSendable called whenever the link may take more: once ready, and on new credit.
   */
  constructor(readonly sender: Sender, private readonly maxQueued: number, private readonly onSendable?: () => void) {
    sender.on('sendable', () => this.pump());
    // A peer may drain credit; with nothing queued the hub gives the credit back at once.
    sender.on('sender_draining', () => {
      if (this.queue.length === 0) sender.set_drained(true);
    });
    setImmediate(() => {
      this.ready = true;
      this.pump();
    });
  }

  /** Queues `message`; `onSent` runs when it is handed to rhea (credit was there). */
  send(message: OutboundMessage, onSent?: (delivery: Delivery) => void): boolean {
    if (this.gone || this.queue.length >= this.maxQueued) return false;
    this.queue.push(onSent === undefined ? { message } : { message, onSent });
    this.pump();
    return true;
  }

  /** Sends now if the link can take it, else returns undefined and queues nothing. */
  trySend(message: OutboundMessage): Delivery | undefined {
    if (!this.canSend() || this.queue.length > 0) return undefined;
    return this.sender.send(message as AmqpMessage);
  }

  /** True when a message would go on the wire at once. */
  canSend(): boolean {
    return this.ready && !this.gone && this.sender.is_open() && this.sender.sendable();
  }

  /** Messages waiting for credit. */
  get backlog(): number {
    return this.queue.length;
  }

  /** The link is closed: queued messages are dropped (their owners re-queue them). */
  close(): void {
    this.gone = true;
    this.queue.length = 0;
  }

  pump(): void {
    while (this.queue.length > 0 && this.canSend()) {
      const next = this.queue.shift();
      if (next === undefined) break;
      const delivery = this.sender.send(next.message as AmqpMessage);
      next.onSent?.(delivery);
    }
    if (this.queue.length === 0 && this.canSend()) this.onSendable?.();
  }
}
