/**
 * One connection of the AMQP upstream link (issue 4, "Upstream link", the default): the mirrored
 * identities it was given (connection-pool.ts spreads them over connections) over ONE TLS
 * connection to an Azure IoT Hub or a `fieldhub hub`, each with its own CBS token. This file owns
 * the connection's life: connect, and after a loss (signalled by the connection's
 * close/error event, never by a polling timer) reconnect with capped exponential backoff and
 * full jitter; the identities come back through the rate gate (identity-manager.ts).
 */
import { randomUUID } from 'node:crypto';
import rhea, { type Container } from 'rhea';
import type { IdentityRef, JsonObject, Message } from '../../../hub-core/core/types.js';
import { childLogger, type Logger } from '../../../hub-core/log.js';
import { RuntimeError } from '../../errors.js';
import type { UpstreamCapabilities, UpstreamHandlers, UpstreamLink, UpstreamLinkStatus } from '../link.js';
import { TWIN_REPORTED } from './codec.js';
import { offlineError } from './error-map.js';
import { IdentityManager } from './identity-manager.js';
import { AmqpLinkEvents } from './log-events.js';
import type { IdentityStatus, MirroredIdentity } from './mirrored-identity.js';
import type { ResolvedAmqpOptions } from './options.js';
import { FullJitterBackoff, type RateGate } from './pacing.js';
import { SendBudget } from './telemetry-link.js';
import type { TwinAnswer } from './twin-link.js';
import { UpstreamConnection } from './upstream-connection.js';

/** The AMQP link, plus what it can tell about a single identity. */
export interface AmqpUpstreamLink extends UpstreamLink {
  readonly kind: 'amqp';
  /** Where one identity stands (undefined when it is not mirrored). */
  identityStatus(ref: IdentityRef): IdentityStatus | undefined;
}

type LinkState = UpstreamLinkStatus['state'];

/** One connection and its identities; created by the pool. */
export class AmqpConnectionLink implements AmqpUpstreamLink {
  readonly kind = 'amqp' as const;
  readonly capabilities: UpstreamCapabilities = { twins: true, methods: true, c2d: true };
  private readonly log: Logger;
  private readonly container: Container;
  private readonly identities: IdentityManager;
  private readonly backoff: FullJitterBackoff;
  private handlers: UpstreamHandlers | undefined;
  private conn: UpstreamConnection | undefined;
  private state: LinkState = 'stopped';
  private reconnectTimer: NodeJS.Timeout | undefined;
  private retryAt: number | undefined;
  private openedAt: number | undefined;
  private attempts = 0;
  /** Connections lost since the last one that stayed up `stableAfterMs` (logging: one warning per outage). */
  private failuresInRow = 0;
  private lastError: UpstreamLinkStatus['lastError'];
  private closing: Promise<void> | undefined;

  /** `gate`: the attach rate gate shared by the pool's connections (default one of its own). */
  constructor(private readonly o: ResolvedAmqpOptions, gate?: RateGate<string>) {
    this.log = childLogger(o.logger, 'upstream:amqp');
    this.container = rhea.create_container({ id: `fieldhub-gateway-${randomUUID()}` });
    // Errors no link or connection handled end here; without a listener rhea would throw them.
    this.container.on('error', (err: Error) => this.log.debug({ event: 'amqp-unhandled', reason: err?.message }, 'unhandled AMQP error'));
    this.backoff = new FullJitterBackoff(o.reconnect.minDelayMs, o.reconnect.maxDelayMs);
    this.identities = new IdentityManager({
      options: o, log: this.log, budget: new SendBudget(o.maxPendingSends),
      handlers: () => (this.closing === undefined ? this.handlers : undefined),
      connection: () => (this.conn?.isOpen === true ? this.conn : undefined),
      ...(gate !== undefined ? { gate } : {}),
    });
  }

  start(handlers: UpstreamHandlers): void {
    if (this.handlers !== undefined || this.closing !== undefined) return;
    this.handlers = handlers;
    if (this.identities.size > 0) this.connect();
  }

  addIdentity(ref: IdentityRef): void {
    if (this.closing !== undefined) return;
    this.identities.add(ref);
    // With nothing to mirror there is no connection (a hub closes one that presents no token).
    if (this.handlers !== undefined && this.state === 'stopped') this.connect();
  }

  removeIdentity(ref: IdentityRef): void {
    this.identities.remove(ref);
  }

  isOnline(ref: IdentityRef): boolean {
    return this.identities.get(ref)?.online === true;
  }

  setMethodsWanted(ref: IdentityRef, wanted: boolean): void {
    if (this.closing !== undefined) return;
    this.identities.setMethodsWanted(ref, wanted);
  }

  identityStatus(ref: IdentityRef): IdentityStatus | undefined {
    return this.identities.get(ref)?.status(Date.now());
  }

  sendTelemetry(ref: IdentityRef, message: Message): Promise<void> {
    try {
      return this.online(ref).links!.sendTelemetry(message);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async getTwin(ref: IdentityRef): Promise<{ desired: JsonObject; reported: JsonObject }> {
    const answer = await this.twinRequest(ref, 'GET');
    const body = (answer.body ?? {}) as { desired?: JsonObject; reported?: JsonObject };
    return { desired: body.desired ?? {}, reported: body.reported ?? {} };
  }

  async updateReported(ref: IdentityRef, patch: JsonObject): Promise<number> {
    const answer = await this.twinRequest(ref, 'PATCH', JSON.stringify(patch));
    if (answer.version !== undefined) return answer.version;
    // An upstream that does not say the new version: read it back.
    const twin = await this.getTwin(ref);
    return Number(twin.reported.$version ?? NaN);
  }

  status(): UpstreamLinkStatus {
    let online = 0;
    let total = 0;
    for (const entry of this.identities.all()) {
      total++;
      if (entry.online) online++;
    }
    const out: UpstreamLinkStatus = {
      state: this.state, identitiesOnline: online, identitiesTotal: total, connections: this.conn?.isOpen === true ? 1 : 0,
    };
    if (this.state === 'backoff' && this.retryAt !== undefined) out.retryInMs = Math.max(0, this.retryAt - Date.now());
    if (this.lastError !== undefined) out.lastError = { ...this.lastError };
    return out;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.state = 'stopped';
    this.identities.close();
    const conn = this.conn;
    this.conn = undefined;
    await conn?.close();
    AmqpLinkEvents.closed(this.log);
  }

  /** The identity's entry when it is online; throws the error a caller should see otherwise. */
  private online(ref: IdentityRef): MirroredIdentity {
    const entry = this.identities.get(ref);
    if (entry === undefined) throw offlineError(`${ref.deviceId}${ref.moduleId ? `/${ref.moduleId}` : ''} is not mirrored upstream`);
    if (entry.online && entry.links !== undefined) return entry;
    const last = entry.lastError;
    // Until an attach succeeds, an identity whose token was refused says so.
    if (last?.code === 'FH_UPSTREAM_AUTH') {
      throw new RuntimeError('FH_UPSTREAM_AUTH', `${entry.key} is not accepted upstream: ${last.message}`, { retryable: true, cause: last.error });
    }
    throw offlineError(`${entry.key} is not online upstream (${entry.state})`);
  }

  private twinRequest(ref: IdentityRef, op: 'GET' | 'PATCH', body?: string): Promise<TwinAnswer> {
    try {
      const links = this.online(ref).links!;
      return op === 'GET' ? links.twin.request('GET') : links.twin.request('PATCH', TWIN_REPORTED, body);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private connect(): void {
    this.reconnectTimer = undefined;
    this.retryAt = undefined;
    this.state = 'connecting';
    AmqpLinkEvents.connecting(this.log, this.o.connectHost, this.o.port, this.attempts);
    const conn: UpstreamConnection = new UpstreamConnection(this.container, this.o, {
      onOpen: () => this.opened(conn),
      onLost: (err) => this.lost(conn, err),
    });
    this.conn = conn;
  }

  private opened(conn: UpstreamConnection): void {
    if (conn !== this.conn || this.closing !== undefined) return;
    this.state = 'connected';
    this.openedAt = Date.now();
    AmqpLinkEvents.connected(this.log, this.o.connectHost, this.o.port, this.identities.size, this.failuresInRow);
    this.identities.connected();
  }

  private lost(conn: UpstreamConnection, err: RuntimeError): void {
    if (conn !== this.conn || this.closing !== undefined) return;
    this.conn = undefined;
    // A connection that stayed up a while ended the outage: this failure starts a new one.
    if (this.openedAt !== undefined && Date.now() - this.openedAt >= this.o.stableAfterMs) this.failuresInRow = 0;
    this.failuresInRow++;
    this.lastError = { code: err.code, message: err.message, at: new Date().toISOString() };
    this.identities.connectionLost(err.code === 'FH_UPSTREAM_OFFLINE' ? err : offlineError(err.message, err), true);
    // A connection that stayed up a while was a success: the next failure starts from the bottom.
    if (this.openedAt !== undefined && Date.now() - this.openedAt >= this.o.stableAfterMs) this.backoff.reset();
    this.openedAt = undefined;
    if (this.identities.size === 0) {
      // Nothing to mirror: the next addIdentity connects.
      this.state = 'stopped';
      AmqpLinkEvents.connectionLost(this.log, err, -1, this.failuresInRow);
      return;
    }
    const delay = this.backoff.next();
    this.attempts++;
    this.state = 'backoff';
    this.retryAt = Date.now() + delay;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
    AmqpLinkEvents.connectionLost(this.log, err, delay, this.failuresInRow);
  }
}
