/**
 * One device or module identity on one AMQP connection: its links, its core session and the
 * {@link DeviceProxy} the core answers through. The session is opened at the identity's first
 * link and ended with its last one, or when the connection goes. Many identities share one
 * connection (multiplexing), so this keeps only a few fields and one entry per link.
 */
import type { DeviceProxy, DeviceSession, HubCoreApi } from '../../core/api.js';
import type { C2dDelivery, IdentityRef, JsonObject, MethodRequest } from '../../core/types.js';
import { HubError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { C2dLink, DeviceLink } from './device-links.js';
import { amqpErrorFor, codeOf } from './error-map.js';
import type { Grant } from './grants.js';
import { AmqpEvents } from './log-events.js';
import { MethodIds, type MethodRequestLink, type TwinResponseLink } from './rpc-links.js';

export interface IdentityContext {
  core: HubCoreApi;
  log: Logger;
  /** The identity is over (no links left, connect failed, or closed by the core). */
  onEnd(identity: DeviceIdentity): void;
}

export class DeviceIdentity implements DeviceProxy {
  readonly protocol = 'amqp' as const;
  private session: DeviceSession | undefined;
  private state: 'connecting' | 'ready' | 'closed' = 'connecting';
  private readonly links = new Set<DeviceLink>();
  private c2d: C2dLink | undefined;
  private methods: MethodRequestLink | undefined;
  private twin: TwinResponseLink | undefined;
  /** Wire ids of method requests in flight, shared by the request and response links. */
  readonly methodIds = new MethodIds();

  constructor(
    readonly ref: IdentityRef,
    /** `d` or `d/m`. */
    readonly key: string,
    /** The token this identity connected with; renewed or replaced by put-token. */
    public grant: Grant,
    private readonly ctx: IdentityContext,
  ) {}

  /** Opens the core session with the grant's principal; links added meanwhile wait for it. */
  start(): void {
    this.ctx.core.connect(this.ref, this.grant.principal, this).then(
      (session) => {
        if (this.state === 'closed') {
          session.disconnect();
          return;
        }
        this.session = session;
        this.state = 'ready';
        for (const link of this.links) link.ready(session);
      },
      (err: unknown) => {
        AmqpEvents.connectFailed(this.ctx.log, this.key, codeOf(err));
        this.fail(err);
      },
    );
  }

  get active(): boolean {
    return this.state !== 'closed';
  }

  add(link: DeviceLink): void {
    this.links.add(link);
    if (link.kind === 'c2d' || link.kind === 'input') this.c2d = link as C2dLink;
    else if (link.kind === 'method-requests') this.methods = link as MethodRequestLink;
    else if (link.kind === 'twin-responses') this.twin = link as TwinResponseLink;
    if (this.state === 'ready' && this.session !== undefined) link.ready(this.session);
  }

  /** The twin response link, if attached (twin requests answer on it). */
  twinResponses(): TwinResponseLink | undefined {
    return this.twin;
  }

  /** A link ended; the last one ends the identity's session. */
  remove(link: DeviceLink): void {
    if (!this.links.delete(link)) return;
    if (this.c2d === link) this.c2d = undefined;
    if (this.methods === link) this.methods = undefined;
    if (this.twin === link) this.twin = undefined;
    link.ended();
    if (this.links.size === 0) this.end();
  }

  /** A renewed token: the core session's expiry moves with it. */
  renew(grant: Grant): void {
    this.grant = grant;
    try {
      this.session?.renew(grant.principal);
    } catch (err) {
      this.fail(err);
    }
  }

  /** Detaches every link of the identity with the error's condition and ends its session. */
  fail(err: unknown): void {
    if (this.state === 'closed') return;
    const error = amqpErrorFor(err);
    for (const link of [...this.links]) {
      this.remove(link);
      if (link.link.is_open()) link.link.close(error);
    }
    this.end();
  }

  /** The connection is gone: links end without any frame, the session ends. */
  connectionGone(): void {
    for (const link of [...this.links]) this.remove(link);
    this.end();
  }

  private end(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.session?.disconnect();
    this.session = undefined;
    this.ctx.onEnd(this);
  }

  // ---- DeviceProxy: the core calls these ----

  sendC2d(delivery: C2dDelivery): void {
    if (this.c2d === undefined) throw new HubError('FH_SESSION_CLOSED', 'no C2D link is attached');
    this.c2d.deliver(delivery);
  }

  sendMethodRequest(request: MethodRequest): void {
    if (this.methods === undefined) throw new HubError('FH_METHOD_NOT_CONNECTED', 'no method link is attached');
    this.methods.request(request);
  }

  sendDesiredPatch(patch: JsonObject): void {
    this.twin?.desired(patch);
  }

  close(reason: HubError): void {
    AmqpEvents.closedByCore(this.ctx.log, this.key, reason.code);
    this.fail(reason);
  }
}
