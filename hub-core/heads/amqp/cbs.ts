/**
 * The `$cbs` node of one connection (wire contract C "CBS"): put-token requests arrive on the
 * client's sender link, replies go out on its receiver link with `correlation_id` = request
 * message_id and an int `status-code` (200, or 401 for a token the hub does not accept). The
 * identity comes from the token's sr, never from the request's `name`.
 */
import type { EventContext, Receiver, Sender } from 'rhea';
import type { HubCoreApi } from '../../core/api.js';
import type { Principal } from '../../core/types.js';
import { FieldhubError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { cbsStatusFor, codeOf } from './error-map.js';
import { grantKey, type Grant, type GrantTable } from './grants.js';
import { OutLink, settle } from './link-kit.js';
import { AmqpEvents } from './log-events.js';
import type { OutboundMessage } from './message-codec.js';
import { encodeCbsReply, parseCbsRequest } from './rpc-codec.js';

/**
 * Put-tokens in flight per request link. The 1,000-identity gateway pattern sends them in
 * bursts; credit returns as each reply is sent, so a client that never reads its replies holds
 * at most this many in the hub.
 */
export const CBS_CREDIT = 100;

export interface CbsContext {
  core: HubCoreApi;
  log: Logger;
  conn: number;
  grants: GrantTable;
  /** A token was accepted (new, or a renewal of `grant.key`). */
  onGrant(grant: Grant, renewed: boolean): void;
}

interface Reply {
  message: OutboundMessage;
  onSent: () => void;
}

export class CbsNode {
  private readonly replyLinks = new Map<Sender, OutLink>();
  /** Replies waiting for the client's reply link to attach (bounded by CBS_CREDIT). */
  private readonly waiting: Reply[] = [];
  /** Put-tokens being verified, and the attaches that wait for them. */
  private readonly inflight = new InFlight();

  constructor(private readonly ctx: CbsContext) {}

  /** The client's sender to `$cbs`: requests come in here. */
  attachRequests(link: Receiver): void {
    link.on('message', (c: EventContext) => {
      settle(c.delivery, 'accept');
      if (c.message === undefined) return;
      const id = this.inflight.begin();
      void this.handle(c.message, link).finally(() => this.inflight.end(id));
    });
    link.add_credit(CBS_CREDIT);
  }

  /** The client's receiver from `$cbs`: replies go out here. */
  attachReplies(link: Sender): void {
    const out = new OutLink(link, CBS_CREDIT);
    this.replyLinks.set(link, out);
    for (const reply of this.waiting.splice(0)) this.reply(reply);
  }

  /**
   * Resolves once the put-tokens received so far are verified (not those that come later). A
   * client may pipeline a link attach right behind its put-token; the attach is judged after the
   * token it depends on, and a gateway bringing up identity after identity cannot hold it back.
   */
  settled(): Promise<void> {
    return this.inflight.settled();
  }

  /** True while a put-token is being verified. */
  get busy(): boolean {
    return this.inflight.busy;
  }

  /** A `$cbs` link ended. */
  detach(link: Sender | Receiver): void {
    const out = this.replyLinks.get(link as Sender);
    out?.close();
    this.replyLinks.delete(link as Sender);
  }

  private async handle(request: Parameters<typeof parseCbsRequest>[0], link: Receiver): Promise<void> {
    const parsed = parseCbsRequest(request);
    let status: number;
    let description: string;
    let identity: string | undefined;
    let code: string | undefined;
    if (!parsed.ok) {
      status = parsed.status;
      description = parsed.description;
    } else {
      try {
        const principal: Principal = await this.ctx.core.auth.verifySas(parsed.token);
        identity = grantKey(principal);
        const { grant, renewed } = this.ctx.grants.put(principal);
        this.ctx.onGrant(grant, renewed);
        status = 200;
        description = 'OK';
      } catch (err) {
        code = codeOf(err);
        status = cbsStatusFor(err);
        // Hub error texts are ours and carry no secrets; anything else stays in the log.
        description = err instanceof FieldhubError ? err.message : 'internal error';
      }
    }
    AmqpEvents.putToken(this.ctx.log, this.ctx.conn, status, identity, code);
    const onSent = (): void => {
      if (link.is_open()) link.add_credit(1);
    };
    this.reply({ message: encodeCbsReply(parsed.messageId, parsed.replyTo, status, description), onSent });
  }

  private reply(reply: Reply): void {
    for (const out of this.replyLinks.values()) {
      if (out.send(reply.message, reply.onSent)) return;
    }
    // No reply link yet (the client may attach it after sending): hold the reply until it does.
    if (this.waiting.length < CBS_CREDIT) this.waiting.push(reply);
    else reply.onSent();
  }
}

/**
 * Put-tokens in verification, numbered in arrival order: `settled()` waits for those begun
 * before it was called, whatever arrives after (they may finish in any order).
 */
export class InFlight {
  private next = 0;
  private readonly open = new Set<number>();
  private waiters: Array<{ upTo: number; wake: () => void }> = [];

  get busy(): boolean {
    return this.open.size > 0;
  }

  begin(): number {
    const id = this.next++;
    this.open.add(id);
    return id;
  }

  end(id: number): void {
    this.open.delete(id);
    if (this.waiters.length === 0) return;
    const oldest = this.oldestOpen();
    const still: Array<{ upTo: number; wake: () => void }> = [];
    for (const w of this.waiters) {
      if (oldest > w.upTo) w.wake();
      else still.push(w);
    }
    this.waiters = still;
  }

  settled(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    const upTo = this.next - 1;
    return new Promise((wake) => this.waiters.push({ upTo, wake }));
  }

  /** The smallest id still open (Infinity when none): ids are added in growing order, so the Set's first. */
  private oldestOpen(): number {
    const first = this.open.values().next();
    return first.done === true ? Number.POSITIVE_INFINITY : first.value;
  }
}
