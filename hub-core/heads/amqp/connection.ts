/**
 * One AMQP connection: the rhea connection over a guarded socket, its tokens (CBS and SASL
 * PLAIN), the device identities it carries and the service links. Links are routed by address
 * and authorised from the identity in the address against the tokens of this connection
 * (wire contract C "Multiplexing"). Everything a connection holds is released when its socket
 * closes, whatever the reason.
 */
import type { Duplex } from 'node:stream';
import type { AmqpError, Connection, ConnectionOptions, Container, EventContext, Receiver, Sender } from 'rhea';
import type { FileNotification, HubCoreApi } from '../../core/api.js';
import type { FeedbackRecord, IdentityRef } from '../../core/types.js';
import { identityKey } from '../../core/index.js';
import type { Logger } from '../../log.js';
import { parseLinkAddress, type LinkAddress } from './addresses.js';
import { CbsNode } from './cbs.js';
import { amqpErrorFor, codeOf, Condition, headError } from './error-map.js';
import { FrameGuard, type GuardViolation } from './frame-guard.js';
import { GrantTable, type Grant } from './grants.js';
import { GuardedSocket } from './guarded-socket.js';
import { IdentityTable } from './identity-table.js';
import { tuneSession } from './session-tuning.js';
import { mirrorAttach, peerAddress, refuseLink, settle, type Link } from './link-kit.js';
import { deviceLinkFactory } from './link-routes.js';
import { AmqpEvents } from './log-events.js';
import { connectionMechanisms, verifyPlain } from './sasl.js';
import type { ServiceBoundQueue } from './service-bound.js';
import { ServiceLinks } from './service-links.js';

/** Settings and shared parts every connection of a head uses. */
export interface ConnectionContext {
  core: HubCoreApi;
  log: Logger;
  /** The head's rhea container (it has the `error` handler of last resort). */
  container: Container;
  maxFrameBytes: number;
  maxIncompleteBytes: number;
  idleTimeoutMs: number;
  openTimeoutMs: number;
  authTimeoutMs: number;
  maxGrants: number;
  feedback: ServiceBoundQueue<FeedbackRecord>;
  fileNotifications: ServiceBoundQueue<FileNotification>;
  onClosed(conn: AmqpConnection): void;
}

/** A device or CBS link: what to release when it ends (service links live in ServiceLinks). */
interface Binding {
  end(): void;
}

let nextConnectionId = 1;

export class AmqpConnection {
  readonly id = nextConnectionId++;
  private readonly socket: GuardedSocket;
  private readonly rhea: Connection;
  private readonly grants: GrantTable;
  private readonly cbs: CbsNode;
  private readonly services: ServiceLinks;
  private readonly identities: IdentityTable;
  private readonly bindings = new Map<Link, Binding>();
  private openTimer: NodeJS.Timeout | undefined;
  private authTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(raw: Duplex, private readonly ctx: ConnectionContext) {
    const guard = new FrameGuard({ maxFrameBytes: ctx.maxFrameBytes, maxIncompleteBytes: ctx.maxIncompleteBytes });
    this.socket = new GuardedSocket(raw, guard, (v) => this.violation(v));
    raw.on('close', () => this.teardown('socket closed'));
    this.grants = new GrantTable({
      maxGrants: ctx.maxGrants,
      authorize: (p, permission, resource) => ctx.core.auth.authorize(p, permission, resource),
      parentOf: (deviceId) => ctx.core.registry.parentOf(deviceId),
      onExpired: (grant) => this.grantExpired(grant),
      now: () => Date.now(),
    });
    this.identities = new IdentityTable({ core: ctx.core, log: ctx.log, grants: this.grants });
    this.services = new ServiceLinks({
      core: ctx.core, log: ctx.log, conn: this.id, grants: this.grants, feedback: ctx.feedback, fileNotifications: ctx.fileNotifications,
    });
    this.cbs = new CbsNode({ core: ctx.core, log: ctx.log, conn: this.id, grants: this.grants, onGrant: (g, r) => this.granted(g, r) });
    // rhea hands SASL callbacks no connection, and takes server mechanisms from the container:
    // a per-connection object inheriting the head's container (its options and listeners)
    // carries this connection's mechanisms.
    const container = Object.create(ctx.container) as Container;
    container.sasl_server_mechanisms = connectionMechanisms((user, password) => this.plain(user, password));
    this.rhea = container.create_connection({
      container_id: ctx.core.hostName,
      max_frame_size: ctx.maxFrameBytes,
      idle_time_out: ctx.idleTimeoutMs,
      // The head grants credit and settles deliveries itself (durable accept, bounded windows).
      credit_window: 0,
      autoaccept: false,
    } as unknown as ConnectionOptions);
    this.listen();
    this.openTimer = setTimeout(() => this.timeout('open'), ctx.openTimeoutMs);
    this.rhea.accept(this.socket);
  }

  /** Identities with a live entry on this connection. */
  get identityCount(): number {
    return this.identities.size;
  }

  /** Closes the connection with `amqp:connection:forced` (head closing). */
  end(description: string): void {
    if (this.closed) return;
    this.rhea.close(headError(Condition.connectionForced, description));
    this.socket.cutAfterGrace();
  }

  private listen(): void {
    const c = this.rhea;
    c.on('connection_open', () => {
      clearTimeout(this.openTimer);
      AmqpEvents.connectionOpened(this.ctx.log, this.id, remoteOf(this.socket.raw));
      if (this.grants.size() === 0) this.authTimer = setTimeout(() => this.timeout('auth'), this.ctx.authTimeoutMs);
    });
    c.on('connection_close', () => this.teardown('closed by peer'));
    c.on('disconnected', () => this.teardown('disconnected'));
    c.on('error', (err: Error) => this.failed(err));
    c.on('protocol_error', (err: Error) => this.failed(err));
    c.on('receiver_open', (e: EventContext) => this.opened(e.receiver));
    c.on('sender_open', (e: EventContext) => this.opened(e.sender));
    c.on('receiver_close', (e: EventContext) => this.linkEnded(e.receiver));
    c.on('sender_close', (e: EventContext) => this.linkEnded(e.sender));
    // A gateway puts thousands of links on one session: each pass visits only the links that owe a frame.
    c.on('session_open', (e: EventContext) => { if (e.session !== undefined) tuneSession(e.session); });
    c.on('session_close', (e: EventContext) => {
      for (const link of this.linksOf(e.session)) this.linkEnded(link);
    });
    // Transfers on a link the hub refused (sent before the detach arrived): settle them.
    c.on('message', (e: EventContext) => settle(e.delivery, headError(Condition.notAllowed, 'link refused')));
  }

  // ---- links ----

  private opened(link: Link | undefined): void {
    if (link === undefined || this.closed) return;
    mirrorAttach(link);
    // rhea has queued the attach reply; the decision (serve or detach) may wait for put-tokens
    // the client sent just before this attach.
    if (this.cbs.busy) void this.cbs.settled().then(() => this.route(link));
    else this.route(link);
  }

  private route(link: Link): void {
    if (this.closed || !link.is_open()) return;
    const address = peerAddress(link);
    const parsed = parseLinkAddress(address);
    // The client sends on a link the hub receives on, and the other way round.
    const clientSends = link.is_receiver();
    try {
      switch (parsed.kind) {
        case 'cbs':
          if (clientSends) this.cbs.attachRequests(link as Receiver);
          else this.cbs.attachReplies(link as Sender);
          this.bindings.set(link, { end: () => this.cbs.detach(link) });
          return;
        case 'events': case 'c2d': case 'methods': case 'twin':
          this.deviceLink(link, parsed, clientSends);
          return;
        case 'service-c2d': case 'feedback': case 'file-notifications': {
          const refusal = this.services.attach(link, parsed.kind, clientSends);
          if (refusal !== undefined) this.refuse(link, refusal);
          return;
        }
        default:
          this.refuse(link, headError(Condition.notFound, `no node at ${String(address)}`));
      }
    } catch (err) {
      AmqpEvents.internalError(this.ctx.log, this.id, err);
      this.refuse(link, amqpErrorFor(err));
    }
  }

  private deviceLink(link: Link, parsed: Extract<LinkAddress, { ref: IdentityRef }>, clientSends: boolean): void {
    const { ref } = parsed;
    const make = deviceLinkFactory(parsed.kind, clientSends, ref.moduleId !== undefined);
    if (make === undefined) {
      this.refuse(link, wrongDirection());
      return;
    }
    const grant = this.grants.forIdentity(ref);
    if (grant === undefined) {
      this.refuse(link, headError(Condition.unauthorized, `no valid token on this connection covers ${identityKey(ref)}`));
      return;
    }
    const identity = this.identities.open(ref, grant);
    const deviceLink = make(link, identity, { log: this.ctx.log, identity: identity.key });
    identity.add(deviceLink);
    this.bindings.set(link, { end: () => identity.remove(deviceLink) });
  }

  /** Every link of `session` the connection tracks (a session end ends its links silently). */
  private linksOf(session: unknown): Link[] {
    const links: Link[] = [];
    this.rhea.each_link((l: Link) => {
      if (l.session === session) links.push(l);
    });
    return links;
  }

  private refuse(link: Link, error: AmqpError): void {
    AmqpEvents.linkRefused(this.ctx.log, this.id, peerAddress(link), error.condition ?? '');
    refuseLink(link, error);
  }

  private linkEnded(link: Link | undefined): void {
    if (link === undefined) return;
    this.services.ended(link);
    const binding = this.bindings.get(link);
    if (binding === undefined) return;
    this.bindings.delete(link);
    binding.end();
  }

  // ---- tokens ----

  /** SASL PLAIN: the user name must name the token's identity (one identity per connection). */
  private async plain(user: string, password: string): Promise<boolean> {
    try {
      const { grant, renewed } = this.grants.put(await verifyPlain(this.ctx.core, user, password));
      this.granted(grant, renewed);
      return true;
    } catch (err) {
      AmqpEvents.saslRefused(this.ctx.log, this.id, codeOf(err));
      // rhea writes the outcome (auth failed) once this resolves, then leaves the socket open;
      // nothing else can happen on it, so it ends right after.
      setImmediate(() => this.socket.end());
      this.socket.cutAfterGrace();
      return false;
    }
  }

  private granted(grant: Grant, renewed: boolean): void {
    clearTimeout(this.authTimer);
    if (renewed) this.identities.renewed(grant);
  }

  /** A token ran out: what it authorised moves to another live token, or is detached. */
  private grantExpired(grant: Grant): void {
    AmqpEvents.tokenExpired(this.ctx.log, this.id, grant.key);
    this.identities.expired(grant);
    this.services.expired(grant);
  }

  // ---- connection lifecycle ----

  private timeout(phase: 'open' | 'auth'): void {
    if (this.closed) return;
    AmqpEvents.connectionTimeout(this.ctx.log, this.id, phase);
    if (phase === 'open') {
      this.socket.destroy();
      return;
    }
    this.rhea.close(headError(Condition.unauthorized, 'no token was presented in time'));
    this.socket.cutAfterGrace();
  }

  private violation(v: { kind: GuardViolation; detail: string }): void {
    AmqpEvents.frameViolation(this.ctx.log, this.id, v.kind, v.detail);
    if (v.kind === 'protocol-header') {
      this.socket.refuseProtocol();
      return;
    }
    this.rhea.close(headError(Condition.framing, v.detail));
    // rhea writes the close on its next tick; then the socket ends whatever the peer does.
    setImmediate(() => this.socket.end());
    this.socket.cutAfterGrace();
  }

  private failed(err: Error): void {
    AmqpEvents.protocolError(this.ctx.log, this.id, err.message);
    this.socket.end();
    this.socket.cutAfterGrace();
  }

  private teardown(why: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.openTimer);
    clearTimeout(this.authTimer);
    const count = this.identities.size;
    this.identities.closeAll();
    for (const binding of this.bindings.values()) binding.end();
    this.bindings.clear();
    this.services.endAll();
    this.grants.clear();
    AmqpEvents.connectionClosed(this.ctx.log, this.id, why, count);
    this.ctx.onClosed(this);
  }
}

function wrongDirection(): AmqpError {
  return headError(Condition.notAllowed, 'the address does not take this direction');
}

function remoteOf(raw: Duplex): string {
  const s = raw as Duplex & { remoteAddress?: string; remotePort?: number };
  return s.remoteAddress === undefined ? 'stream' : `${s.remoteAddress}:${s.remotePort ?? 0}`;
}
