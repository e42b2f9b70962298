/**
 * The device's request/response links (wire contract C "Links", "Message formats"): direct
 * methods (hub sends requests, device sends responses, same address) and twin (device sends
 * GET / PATCH / PUT / DELETE requests, hub sends responses and desired notifications).
 */
import { randomUUID } from 'node:crypto';
import type { EventContext, Receiver, Sender } from 'rhea';
import type { DeviceSession } from '../../core/api.js';
import type { JsonObject, MethodRequest } from '../../core/types.js';
import { HubError } from '../../errors.js';
import { codeOf, twinErrorFor } from './error-map.js';
import { OutLink, settle } from './link-kit.js';
import type { DeviceLink, LinkContext } from './device-links.js';
import { AmqpEvents } from './log-events.js';
import type { OutboundMessage } from './message-codec.js';
import {
  decodeMethodResponse, decodeTwinRequest, encodeDesiredPatch, encodeMethodRequest, encodeTwinResponse, parseJsonBody, type TwinRequest,
} from './rpc-codec.js';

/** Credit on the device's method-response and twin-request links. */
export const RPC_CREDIT = 32;
/** Requests or responses held while the device grants no credit; beyond, requests fail at once. */
export const RPC_BACKLOG = 64;
const DESIRED_RESOURCE = '/notifications/twin/properties/desired';
/** Method calls of one identity awaiting an answer whose wire id is remembered. */
const MAX_METHOD_IDS = 256;

/**
 * Wire ids of method requests. Azure sends each request with an AMQP uuid correlation id (the
 * C SDK requires one); the core's request ids are not uuids, so each request gets a fresh uuid
 * and the answer is mapped back, comparing uuids as canonical lowercase strings.
 */
export class MethodIds {
  private readonly byWire = new Map<string, string>();

  /** The uuid to send for `rid`. */
  issue(rid: string): string {
    const wire = randomUUID();
    this.byWire.set(wire, rid);
    // Calls the core timed out are never answered: the oldest ids make room.
    if (this.byWire.size > MAX_METHOD_IDS) this.byWire.delete(this.byWire.keys().next().value as string);
    return wire;
  }

  /** The core's rid for an answer's correlation id (as sent, when it was not issued here). */
  resolve(correlationId: string): string {
    const key = correlationId.toLowerCase();
    const rid = this.byWire.get(key);
    if (rid === undefined) return correlationId;
    this.byWire.delete(key);
    return rid;
  }
}
const REPORTED_RESOURCE = '/properties/reported';

/** Hub → device method requests (`…/methods/devicebound`, client receives). */
export class MethodRequestLink implements DeviceLink {
  readonly kind = 'method-requests' as const;
  private readonly out: OutLink;
  private session: DeviceSession | undefined;

  constructor(readonly link: Sender, private readonly ids: MethodIds) {
    this.out = new OutLink(link, RPC_BACKLOG);
  }

  ready(session: DeviceSession): void {
    this.session = session;
    session.setMethodsEnabled(true);
  }

  /** Throws FH_METHOD_NOT_CONNECTED when the link cannot take it; the core fails the call. */
  request(request: MethodRequest): void {
    if (!this.out.send(encodeMethodRequest({ ...request, rid: this.ids.issue(request.rid) }))) {
      throw new HubError('FH_METHOD_NOT_CONNECTED', 'the device is not taking method requests');
    }
  }

  ended(): void {
    this.out.close();
    this.session?.setMethodsEnabled(false);
    this.session = undefined;
  }
}

/** Device → hub method responses (same address, client sends). */
export class MethodResponseLink implements DeviceLink {
  readonly kind = 'method-responses' as const;
  private session: DeviceSession | undefined;

  constructor(readonly link: Receiver, private readonly ctx: LinkContext, private readonly ids: MethodIds) {
    link.on('message', (c: EventContext) => this.onMessage(c));
  }

  ready(session: DeviceSession): void {
    this.session = session;
    this.link.add_credit(RPC_CREDIT);
  }

  ended(): void {
    this.session = undefined;
  }

  private onMessage(c: EventContext): void {
    settle(c.delivery, 'accept');
    const response = c.message === undefined ? undefined : decodeMethodResponse(c.message);
    if (response === undefined) AmqpEvents.badRequest(this.ctx.log, this.ctx.identity, 'method response without correlation id');
    else this.session?.respondToMethod(this.ids.resolve(response.rid), response.status, response.payload);
    if (this.session !== undefined && this.link.is_open()) this.link.add_credit(1);
  }
}

/** Hub → device twin responses and desired notifications (`…/twin`, client receives). */
export class TwinResponseLink implements DeviceLink {
  readonly kind = 'twin-responses' as const;
  private readonly out: OutLink;
  private session: DeviceSession | undefined;

  constructor(readonly link: Sender) {
    this.out = new OutLink(link, RPC_BACKLOG);
  }

  ready(session: DeviceSession): void {
    this.session = session;
  }

  respond(message: OutboundMessage, onSent: () => void): boolean {
    return this.out.send(message, onSent);
  }

  /** Desired notifications are best effort (never queued by IoT Hub either). */
  desired(patch: JsonObject): void {
    this.out.send(encodeDesiredPatch(patch));
  }

  ended(): void {
    this.out.close();
    // Without this link notifications cannot be delivered; a new PUT re-enables them.
    this.session?.setDesiredEnabled(false);
    this.session = undefined;
  }
}

/** Device → hub twin requests (`…/twin`, client sends, pre-settled). */
export class TwinRequestLink implements DeviceLink {
  readonly kind = 'twin-requests' as const;
  private session: DeviceSession | undefined;

  constructor(readonly link: Receiver, private readonly ctx: LinkContext, private readonly responses: () => TwinResponseLink | undefined) {
    link.on('message', (c: EventContext) => this.onMessage(c));
  }

  ready(session: DeviceSession): void {
    this.session = session;
    this.link.add_credit(RPC_CREDIT);
  }

  ended(): void {
    this.session = undefined;
  }

  private onMessage(c: EventContext): void {
    settle(c.delivery, 'accept');
    const session = this.session;
    if (session === undefined || c.message === undefined) return;
    const request = decodeTwinRequest(c.message);
    // Credit comes back once the answer is on the wire, so a client that never reads its
    // responses can have at most RPC_CREDIT requests in the hub.
    const credit = (): void => {
      if (this.session !== undefined && this.link.is_open()) this.link.add_credit(1);
    };
    this.answer(session, request).then((reply) => {
      const out = this.responses();
      if (out === undefined || !out.respond(encodeTwinResponse(request.correlationId, reply.status, reply.body, reply.version), credit)) {
        AmqpEvents.badRequest(this.ctx.log, this.ctx.identity, 'twin response dropped: no response link');
        credit();
      }
    }, () => credit());
  }

  private async answer(session: DeviceSession, req: TwinRequest): Promise<{ status: number; body: string; version?: number }> {
    const resource = req.resource?.toLowerCase();
    try {
      if (req.operation === 'GET') return { status: 200, body: JSON.stringify(await session.getTwin()) };
      if (req.operation === 'PATCH' && resource === REPORTED_RESOURCE) {
        const patch = parseJsonBody(req.body);
        if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw new HubError('FH_TWIN_INVALID', 'the reported patch must be a JSON object');
        return { status: 204, body: '', version: await session.updateReported(patch) };
      }
      if ((req.operation === 'PUT' || req.operation === 'DELETE') && resource === DESIRED_RESOURCE) {
        session.setDesiredEnabled(req.operation === 'PUT');
        return { status: 200, body: '' };
      }
      throw new HubError('FH_MSG_INVALID', `unsupported twin operation ${req.operation} ${req.resource ?? ''}`);
    } catch (err) {
      AmqpEvents.twinError(this.ctx.log, this.ctx.identity, codeOf(err));
      return twinErrorFor(err);
    }
  }
}
