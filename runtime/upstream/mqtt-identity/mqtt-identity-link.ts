/**
 * The MQTT upstream link (issue 4, "Upstream link", for upstreams without AMQP): one TLS MQTT
 * connection per mirrored identity to an Azure IoT Hub or a `fieldhub hub`, each speaking the
 * device protocol exactly as azure-iot-device-mqtt does (identity-connection.ts). This file owns
 * the identities' lives:
 *
 * - Connections are opened through a rate gate (`identitiesPerSecond`, default 20, and at most
 *   `maxConcurrentConnects` handshakes at once), on start, after a loss and at token renewal, so
 *   a restart of the gateway or of the upstream is not a connection storm.
 * - A loss (the client's `close` event, never a polling timer) takes only that identity down:
 *   `onIdentityOffline`, then its own capped exponential backoff with full jitter, then the gate.
 *   A connection that stayed up `stableAfterMs` resets that backoff.
 * - Refused credentials (CONNACK 4/5/2) are FH_UPSTREAM_AUTH for that identity only: reported to
 *   `onIdentityOffline`, kept as its last error, retried on its backoff; the others go on.
 * - Token renewal at 80 % of `tokenTtlS`: DISCONNECT and CONNECT with a new token (the SDK's way);
 *   the upstream keeps the session (subscriptions, unacknowledged C2D). The identity goes offline
 *   and online again, so the gateway re-reads the twin (desired patches are not queued upstream).
 * - Direct methods: `$iothub/methods/POST/#` is subscribed only while the gateway wants methods
 *   for the identity (setMethodsWanted); the wish is kept for identities not mirrored yet.
 */
import { identityKey } from '../../../hub-core/core/ids.js';
import type { IdentityRef, JsonObject, Message } from '../../../hub-core/core/types.js';
import { childLogger, type Logger } from '../../../hub-core/log.js';
import { RuntimeError } from '../../errors.js';
import { RateGate } from '../amqp/pacing.js';
import { identityToken } from '../amqp/tokens.js';
import type { UpstreamCapabilities, UpstreamHandlers, UpstreamLink, UpstreamLinkStatus } from '../link.js';
import { offlineError } from './error-map.js';
import { IdentityConnection, type SendBudget } from './identity-connection.js';
import { MqttIdentityEvents } from './log-events.js';
import { MirroredIdentity, type MqttIdentityStatus } from './mirrored-identity.js';
import { resolveMqttIdentityOptions, type MqttIdentityUpstreamOptions, type ResolvedMqttIdentityOptions } from './options.js';

/** The MQTT link, plus what it can tell about a single identity. */
export interface MqttIdentityUpstreamLink extends UpstreamLink {
  readonly kind: 'mqtt';
  /** Where one identity stands (undefined when it is not mirrored). */
  identityStatus(ref: IdentityRef): MqttIdentityStatus | undefined;
}

/** Creates the link; nothing connects until `start(handlers)`. RangeError/TypeError on bad options. */
export function createMqttUpstreamLink(options: MqttIdentityUpstreamOptions): MqttIdentityUpstreamLink {
  return new MqttIdentityLink(resolveMqttIdentityOptions(options));
}

const asError = (err: unknown): RuntimeError =>
  err instanceof RuntimeError ? err : offlineError(String((err as Error)?.message ?? err), err);

class MqttIdentityLink implements MqttIdentityUpstreamLink {
  readonly kind = 'mqtt' as const;
  readonly capabilities: UpstreamCapabilities = { twins: true, methods: true, c2d: true };
  private readonly log: Logger;
  private readonly entries = new Map<string, MirroredIdentity>();
  private readonly gate: RateGate<string>;
  private readonly budget: SendBudget;
  /** Keys of the identities the gateway wants methods for. */
  private readonly methodsWanted = new Set<string>();
  private handlers: UpstreamHandlers | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly o: ResolvedMqttIdentityOptions) {
    this.log = childLogger(o.logger, 'upstream:mqtt');
    this.gate = new RateGate(o.identitiesPerSecond, o.maxConcurrentConnects);
    let inFlight = 0;
    this.budget = {
      take: () => (inFlight < o.maxPendingSends ? (inFlight++, true) : false),
      give: () => void (inFlight = Math.max(0, inFlight - 1)),
    };
  }

  start(handlers: UpstreamHandlers): void {
    if (this.handlers !== undefined || this.closing !== undefined) return;
    this.handlers = handlers;
    for (const entry of this.entries.values()) this.enqueue(entry);
  }

  addIdentity(ref: IdentityRef): void {
    if (this.closing !== undefined) return;
    const key = identityKey(ref);
    if (this.entries.has(key)) return;
    const copy: IdentityRef = ref.moduleId === undefined ? { deviceId: ref.deviceId } : { deviceId: ref.deviceId, moduleId: ref.moduleId };
    const entry = new MirroredIdentity(copy, key, this.o.reconnect);
    entry.methodsWanted = this.methodsWanted.has(key);
    this.entries.set(key, entry);
    if (this.handlers !== undefined) this.enqueue(entry);
  }

  removeIdentity(ref: IdentityRef): void {
    const entry = this.entries.get(identityKey(ref));
    if (entry === undefined) return;
    this.entries.delete(entry.key);
    this.gate.cancel(entry.key);
    entry.state = 'removed';
    entry.generation++;
    entry.clearTimers();
    void entry.conn?.close(offlineError(`${entry.key} is no longer mirrored upstream`));
    entry.conn = undefined;
  }

  isOnline(ref: IdentityRef): boolean {
    return this.entries.get(identityKey(ref))?.online === true;
  }

  setMethodsWanted(ref: IdentityRef, wanted: boolean): void {
    if (this.closing !== undefined) return;
    const key = identityKey(ref);
    if (wanted) this.methodsWanted.add(key);
    else this.methodsWanted.delete(key);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.methodsWanted === wanted) return;
    entry.methodsWanted = wanted;
    entry.conn?.methodsWantedChanged();
  }

  identityStatus(ref: IdentityRef): MqttIdentityStatus | undefined {
    return this.entries.get(identityKey(ref))?.status(Date.now());
  }

  sendTelemetry(ref: IdentityRef, message: Message): Promise<void> {
    try {
      return this.connectionOf(ref).sendTelemetry(message);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async getTwin(ref: IdentityRef): Promise<{ desired: JsonObject; reported: JsonObject }> {
    const answer = await this.connectionOf(ref).twinRequest('GET');
    const body = (answer.body ?? {}) as { desired?: JsonObject; reported?: JsonObject };
    return { desired: body.desired ?? {}, reported: body.reported ?? {} };
  }

  async updateReported(ref: IdentityRef, patch: JsonObject): Promise<number> {
    const answer = await this.connectionOf(ref).twinRequest('PATCH', JSON.stringify(patch));
    if (answer.version !== undefined) return answer.version;
    // An upstream that does not say the new version: read it back.
    const twin = await this.getTwin(ref);
    return Number(twin.reported.$version ?? NaN);
  }

  status(): UpstreamLinkStatus {
    let online = 0;
    let connections = 0;
    let pending = false;
    let retryInMs: number | undefined;
    let lastError: UpstreamLinkStatus['lastError'];
    const now = Date.now();
    for (const e of this.entries.values()) {
      if (e.online) online++;
      if (e.conn?.isConnected === true) connections++;
      if (e.state === 'queued' || e.state === 'connecting') pending = true;
      if (e.state === 'backoff' && e.retryAt !== undefined) retryInMs = Math.min(retryInMs ?? Infinity, Math.max(0, e.retryAt - now));
      if (e.lastError !== undefined && (lastError === undefined || e.lastError.at > lastError.at)) {
        lastError = { code: e.lastError.code, message: e.lastError.message, at: e.lastError.at };
      }
    }
    let state: UpstreamLinkStatus['state'];
    if (this.handlers === undefined || this.closing !== undefined) state = 'stopped';
    // With nothing to mirror, nothing waits for the upstream.
    else if (connections > 0 || this.entries.size === 0) state = 'connected';
    else if (!pending && retryInMs !== undefined) state = 'backoff';
    else state = 'connecting';
    const out: UpstreamLinkStatus = { state, identitiesOnline: online, identitiesTotal: this.entries.size, connections };
    if (state === 'backoff' && retryInMs !== undefined) out.retryInMs = retryInMs;
    if (lastError !== undefined) out.lastError = lastError;
    return out;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.gate.close();
    const closing: Promise<void>[] = [];
    for (const entry of this.entries.values()) {
      entry.generation++;
      entry.clearTimers();
      if (entry.conn !== undefined) closing.push(entry.conn.close());
      entry.conn = undefined;
      entry.state = 'idle';
    }
    await Promise.all(closing);
    MqttIdentityEvents.closed(this.log, this.entries.size);
  }

  /** The identity's connection when it is online; throws the error a caller should see otherwise. */
  private connectionOf(ref: IdentityRef): IdentityConnection {
    const entry = this.entries.get(identityKey(ref));
    if (entry === undefined) throw offlineError(`${identityKey(ref)} is not mirrored upstream`);
    if (entry.online && entry.conn !== undefined) return entry.conn;
    const last = entry.lastError;
    // Until a connection succeeds, an identity whose credentials were refused says so.
    if (last?.code === 'FH_UPSTREAM_AUTH') {
      throw new RuntimeError('FH_UPSTREAM_AUTH', `${entry.key} is not accepted upstream: ${last.message}`, { retryable: true, cause: last.error });
    }
    throw offlineError(`${entry.key} is not online upstream (${entry.state})`);
  }

  private enqueue(entry: MirroredIdentity): void {
    if (this.closing !== undefined || entry.state === 'removed') return;
    entry.state = 'queued';
    this.gate.enqueue(entry.key, () => this.connect(entry));
  }

  /** One connection attempt; resolves when it is online or failed (the gate counts it until then). */
  private async connect(entry: MirroredIdentity): Promise<void> {
    if (entry.state !== 'queued' || this.closing !== undefined) return;
    entry.state = 'connecting';
    const gen = ++entry.generation;
    const o = this.o;
    let token: Awaited<ReturnType<typeof identityToken>>;
    try {
      token = await identityToken(o.credentials, o.hostName, entry.ref, o.tokenTtlS);
    } catch (err) {
      if (entry.generation === gen && entry.state === 'connecting') this.retryLater(entry, asError(err), false);
      return;
    }
    if (entry.generation !== gen || entry.state !== 'connecting' || this.closing !== undefined) return;
    await new Promise<void>((settled) => {
      const conn: IdentityConnection = new IdentityConnection({
        ref: entry.ref, key: entry.key, token: token.token, options: o, log: this.log, budget: this.budget,
        subscribeAlways: !entry.subscribed,
        methods: {
          wanted: () => entry.methodsWanted,
          initial: entry.methodsUpstream,
          changed: (state) => {
            if (entry.conn === conn) entry.methodsUpstream = state;
          },
        },
        events: {
          up: (sessionPresent) => {
            settled();
            if (entry.conn === conn) this.up(entry, sessionPresent);
          },
          closed: (err, wasUp) => {
            settled();
            if (entry.conn === conn) this.down(entry, err, wasUp);
          },
          c2d: (c2d) => this.guard(entry, 'onC2d', (h) => h.onC2d(entry.ref, c2d)),
          method: (call) => {
            const h = this.liveHandlers();
            return h === undefined ? Promise.resolve({ status: 503, payload: null }) : h.onMethod(entry.ref, call);
          },
          desired: (patch) => this.guard(entry, 'onDesired', (h) => h.onDesired(entry.ref, patch)),
        },
      });
      entry.conn = conn;
    });
  }

  private up(entry: MirroredIdentity, sessionPresent: boolean): void {
    entry.state = 'online';
    entry.onlineAt = Date.now();
    entry.subscribed = true;
    entry.renewing = false;
    entry.lastError = undefined;
    clearTimeout(entry.renewTimer);
    // Renew at 80 % of the token's life, as AMQP does (the SDK: 45 of 60 minutes).
    const renewInMs = Math.min(Math.max(1000, this.o.tokenTtlS * 800), 2 ** 31 - 1);
    const conn = entry.conn;
    entry.renewTimer = setTimeout(() => {
      entry.renewTimer = undefined;
      if (entry.conn !== conn || entry.state !== 'online' || conn === undefined) return;
      entry.renewing = true;
      MqttIdentityEvents.tokenRenewal(this.log, entry.key);
      void conn.renew();
    }, renewInMs);
    entry.renewTimer.unref();
    MqttIdentityEvents.identityOnline(this.log, entry.key, sessionPresent);
    this.guard(entry, 'onIdentityOnline', (h) => h.onIdentityOnline(entry.ref));
  }

  private down(entry: MirroredIdentity, err: RuntimeError, wasUp: boolean): void {
    clearTimeout(entry.renewTimer);
    entry.renewTimer = undefined;
    entry.conn = undefined;
    if (entry.state === 'removed' || this.closing !== undefined) return;
    const renewing = entry.renewing;
    entry.renewing = false;
    if (wasUp) this.guard(entry, 'onIdentityOffline', (h) => h.onIdentityOffline(entry.ref, err));
    if (renewing) {
      this.enqueue(entry);
      return;
    }
    if (wasUp && entry.onlineAt !== undefined && Date.now() - entry.onlineAt >= this.o.stableAfterMs) entry.backoff.reset();
    this.retryLater(entry, err, wasUp);
  }

  private retryLater(entry: MirroredIdentity, err: RuntimeError, reported: boolean): void {
    entry.noteError(err);
    entry.state = 'backoff';
    const delay = entry.backoff.next();
    entry.retryAt = Date.now() + delay;
    clearTimeout(entry.retryTimer);
    entry.retryTimer = setTimeout(() => {
      entry.retryTimer = undefined;
      entry.retryAt = undefined;
      if (entry.state === 'backoff') this.enqueue(entry);
    }, delay);
    entry.retryTimer.unref();
    MqttIdentityEvents.identityDown(this.log, entry.key, err, delay);
    // The gateway hears of an identity that was up, and of one whose credentials are refused.
    if (!reported && err.code === 'FH_UPSTREAM_AUTH') this.guard(entry, 'onIdentityOffline', (h) => h.onIdentityOffline(entry.ref, err));
  }

  private liveHandlers(): UpstreamHandlers | undefined {
    return this.closing === undefined ? this.handlers : undefined;
  }

  /** Calls a gateway handler; a handler that throws is logged, never breaks the link. */
  private guard(entry: MirroredIdentity, name: string, fn: (h: UpstreamHandlers) => void): void {
    const h = this.liveHandlers();
    if (h === undefined) return;
    try {
      fn(h);
    } catch (err) {
      MqttIdentityEvents.handlerFailed(this.log, entry.key, name, err);
    }
  }
}
