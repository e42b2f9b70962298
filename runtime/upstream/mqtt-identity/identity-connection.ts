/**
 * One MQTT connection of one mirrored identity, speaking the IoT Hub device protocol as
 * azure-iot-device-mqtt does: TLS, clientId `{d}[/{m}]`, CleanSession 0 (the upstream keeps the
 * subscriptions and the unacknowledged C2D messages across reconnects), the SAS token as the
 * password. One mqtt.js client per attempt, with mqtt.js's own reconnect off: a new attempt (the
 * link's backoff, a token renewal) is a new client with a fresh token and empty stores, so
 * nothing is re-sent behind the caller's back.
 *
 * - Telemetry: QoS 1 on `devices/{d}[/modules/{m}]/messages/events/{bag}`, resolved on the PUBACK.
 * - C2D: QoS 1 on `devices/{d}/messages/devicebound/{bag}`. Over MQTT the PUBACK *is* the
 *   completion (wire contract B), so it is held until the gateway settles: mqtt.js's
 *   `handleMessage` gets an error back, which makes mqtt.js skip its own PUBACK and go on with the
 *   next packet (no stall); `complete()` then writes the PUBACK itself, on this connection only
 *   (a packet id means nothing on another one). MQTT has no reject or abandon: `reject()` acks
 *   (the upstream counts it delivered), `abandon()` leaves it unacknowledged, and the upstream
 *   redelivers it on the identity's next connection.
 * - Methods and twin traffic: QoS 0, as the SDK. The methods subscription is held only while the
 *   gateway wants methods for the identity (methods-subscription.ts).
 */
import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import mqtt, { type IClientOptions, type IPublishPacket, type ISubscriptionMap, type MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import type { IdentityRef, JsonObject, Message, MethodResult } from '../../../hub-core/core/types.js';
import type { Logger } from '../../../hub-core/log.js';
import { RuntimeError } from '../../errors.js';
import type { UpstreamC2d, UpstreamMethodCall } from '../link.js';
import {
  c2dFilter, clientIdOf, decodeC2d, decodeDesired, decodeMethodRequest, decodeTwinResponse, DESIRED_FILTER, MAX_TELEMETRY_BYTES,
  METHODS_FILTER, methodResponseTopic, payloadOf, telemetryTopic, TWIN_RESPONSE_FILTER, usernameOf, type MethodRequest,
} from './codec.js';
import { connectError, offlineError, timeoutError } from './error-map.js';
import { MqttIdentityEvents } from './log-events.js';
import { runMethod } from './method-call.js';
import { MethodsSubscription } from './methods-subscription.js';
import type { ResolvedMqttIdentityOptions } from './options.js';
import { TwinRequests } from './twin-requests.js';

/** Telemetry in flight across every identity of a link; bounds memory. */
export interface SendBudget {
  take(): boolean;
  give(): void;
}

export interface IdentityConnectionEvents {
  /** CONNACK accepted and the subscriptions in place: the identity is online. */
  up(sessionPresent: boolean): void;
  /** Exactly once, when the attempt failed or the connection that was up is gone (also after close()). */
  closed(err: RuntimeError, wasUp: boolean): void;
  c2d(c2d: UpstreamC2d): void;
  method(call: UpstreamMethodCall): Promise<MethodResult>;
  desired(patch: JsonObject): void;
}

export interface IdentityConnectionEnv {
  ref: IdentityRef;
  key: string;
  token: string;
  options: ResolvedMqttIdentityOptions;
  log: Logger;
  budget: SendBudget;
  /** SUBSCRIBE even when the upstream kept the session (the first connection of this process). */
  subscribeAlways: boolean;
  /** Direct methods: wanted or not, and the upstream session's subscription across connections. */
  methods: {
    wanted(): boolean;
    /** What the upstream session holds as far as known (undefined = unknown). */
    initial: boolean | undefined;
    changed(state: boolean | undefined): void;
  };
  events: IdentityConnectionEvents;
}

/**
 * Returned to mqtt.js's handleMessage callback: mqtt.js 5 (lib/handlers/publish.js, QoS 1) then
 * calls its packet loop's `done` without writing the PUBACK, so the next packet is handled at once.
 * Relies on that behaviour; the integration test (C2D held while other traffic flows, queue depth
 * unchanged until complete()) fails if an mqtt.js upgrade changes it.
 */
const HOLD_PUBACK = new Error('PUBACK held until the gateway settles the C2D message');
const MAX_TOPIC_BYTES = 65_535;

export class IdentityConnection {
  private readonly client: MqttClient;
  private readonly twin: TwinRequests;
  private readonly methods: MethodsSubscription;
  private readonly sends = new Set<(err: RuntimeError) => void>();
  private up = false;
  /** `up` was reported on this connection (its loss is an identity going offline). */
  private reportedUp = false;
  private ended = false;
  private closing: Promise<void> | undefined;
  private transportError: Error | undefined;
  /** Set when we end the connection ourselves: what the `closed` event reports. */
  private reason: RuntimeError | undefined;

  constructor(private readonly env: IdentityConnectionEnv) {
    const o = env.options;
    const servername = o.servername ?? (isIP(o.hostName) === 0 ? o.hostName : undefined);
    const options: IClientOptions = {
      protocol: 'mqtts', host: o.connectHost, port: o.port, protocolVersion: 4,
      clientId: clientIdOf(env.ref), username: usernameOf(o.hostName, env.ref, o.userAgent), password: env.token,
      clean: false, keepalive: o.keepaliveS, connectTimeout: o.connectTimeoutMs,
      reconnectPeriod: 0, resubscribe: false, queueQoSZero: false, rejectUnauthorized: true,
      ...(servername === undefined ? {} : { servername }),
      ...(o.ca === undefined ? {} : { ca: o.ca }),
    };
    // The certificate names the hub even when we dial another address (connectHost).
    const tls = { checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(o.hostName, cert) };
    this.twin = new TwinRequests((topic, body) => this.publishQos0(topic, body), o.twinTimeoutMs, env.key);
    MqttIdentityEvents.connecting(env.log, env.key, o.connectHost, o.port);
    this.client = mqtt.connect({ ...options, ...tls } as IClientOptions);
    this.client.handleMessage = (packet, done) => done(this.safeInbound(packet));
    this.client.on('connect', (connack) => this.connected(connack.sessionPresent === true));
    this.client.on('error', (err) => {
      this.transportError = err;
    });
    this.client.on('close', () => this.lost());
    this.methods = new MethodsSubscription({
      client: this.client, key: env.key, timeoutMs: o.connectTimeoutMs, initial: env.methods.initial,
      wanted: () => env.methods.wanted(), changed: (state) => env.methods.changed(state), live: () => this.isUp,
      failed: (err) => {
        MqttIdentityEvents.subscribeFailed(env.log, env.key, err);
        void this.close(err);
      },
    });
  }

  /** The upstream holds the methods subscription: it may invoke methods on the identity now. */
  get methodsUp(): boolean {
    return this.isUp && this.methods.subscribed;
  }

  /** The gateway's wish changed: subscribe or unsubscribe (now when up, else once up). */
  methodsWantedChanged(): void {
    this.methods.sync();
  }

  /** CONNACK accepted, subscribed, and not ending. */
  get isUp(): boolean {
    return this.up && !this.ended && this.client.connected;
  }

  /** The transport is connected (CONNACK accepted), subscribed or not. */
  get isConnected(): boolean {
    return !this.ended && this.client.connected;
  }

  /** Resolves on the PUBACK; FH_UPSTREAM_OFFLINE / _TIMEOUT (retryable) or _REJECTED (too large). */
  sendTelemetry(message: Message): Promise<void> {
    if (!this.isUp) return Promise.reject(offlineError(`${this.env.key} is not connected upstream`));
    const payload = payloadOf(message);
    const topic = telemetryTopic(this.env.ref, message);
    if (payload.length > MAX_TELEMETRY_BYTES || Buffer.byteLength(topic) > MAX_TOPIC_BYTES) {
      return Promise.reject(new RuntimeError('FH_UPSTREAM_REJECTED',
        `telemetry of ${this.env.key} too large for IoT Hub MQTT (body ${payload.length} bytes, max ${MAX_TELEMETRY_BYTES}; or properties too long)`, { retryable: false }));
    }
    if (!this.env.budget.take()) {
      return Promise.reject(new RuntimeError('FH_UPSTREAM_OFFLINE', `too many telemetry messages in flight upstream; ${this.env.key} retries later`, { retryable: true }));
    }
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (err?: RuntimeError): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.sends.delete(finish);
        this.env.budget.give();
        if (err === undefined) resolve();
        else reject(err);
      };
      const timer = setTimeout(() => finish(timeoutError(`telemetry of ${this.env.key}: no PUBACK within ${this.env.options.sendTimeoutMs} ms`)), this.env.options.sendTimeoutMs);
      this.sends.add(finish);
      this.client.publish(topic, payload, { qos: 1 }, (err) => {
        finish(err ? offlineError(`telemetry of ${this.env.key} not acknowledged: ${err.message}`, err) : undefined);
      });
    });
  }

  twinRequest(op: 'GET' | 'PATCH', body?: string): ReturnType<TwinRequests['request']> {
    if (!this.isUp) return Promise.reject(offlineError(`${this.env.key} is not connected upstream`));
    return this.twin.request(op, body);
  }

  /**
   * Token renewal, as the SDK does it: no new sends, wait (bounded) for the PUBACKs of what is in
   * flight, then DISCONNECT. The link reconnects with a fresh token; the session stays upstream.
   */
  async renew(): Promise<void> {
    if (this.ended || this.closing !== undefined) return;
    this.up = false;
    const until = Date.now() + this.env.options.renewDrainMs;
    while (this.sends.size > 0 && Date.now() < until && !this.ended) await new Promise((r) => setTimeout(r, 20));
    await this.close(offlineError(`${this.env.key} reconnects to renew its token`));
  }

  /** Ends the connection (DISCONNECT when connected); `closed` follows. Idempotent. */
  close(reason: RuntimeError = offlineError(`${this.env.key}: the upstream link is closing`)): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.reason ??= reason;
      this.up = false;
      this.failPending(this.reason);
      const client = this.client;
      // No resend later: what is still waiting for a PUBACK was failed above.
      for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
      if (!client.connected) {
        client.end(true, {}, () => resolve());
        return;
      }
      // A graceful end waits for the upstream to close the socket; cut it if that takes long.
      const cut = setTimeout(() => client.stream?.destroy(), 2000);
      client.end(false, {}, () => {
        clearTimeout(cut);
        resolve();
      });
    });
    return this.closing;
  }

  private connected(sessionPresent: boolean): void {
    if (this.ended || this.closing !== undefined) return;
    if (!sessionPresent) this.methods.sessionStarted();
    if (sessionPresent && !this.env.subscribeAlways) return this.online(sessionPresent);
    const withMethods = this.env.methods.wanted();
    const subs: ISubscriptionMap = { [TWIN_RESPONSE_FILTER]: { qos: 0 }, [DESIRED_FILTER]: { qos: 0 } };
    if (withMethods) subs[METHODS_FILTER] = { qos: 0 };
    if (this.env.ref.moduleId === undefined) subs[c2dFilter(this.env.ref.deviceId)] = { qos: 1 };
    // An upstream that never answers the SUBSCRIBE must not hold the identity (and a gate slot) forever.
    const ms = this.env.options.connectTimeoutMs;
    const timer = setTimeout(() => void this.close(offlineError(`${this.env.key}: no SUBACK from the upstream within ${ms} ms`)), ms);
    this.client.subscribe(subs, (err, granted) => {
      clearTimeout(timer);
      if (this.ended || this.closing !== undefined) return;
      const refused = granted?.filter((g) => g.qos === 128).map((g) => g.topic) ?? [];
      if (err || refused.length > 0) {
        const failure = offlineError(`${this.env.key}: the upstream refused the subscription${refused.length ? ` to ${refused.join(', ')}` : ''}${err ? `: ${err.message}` : ''}`, err ?? undefined);
        MqttIdentityEvents.subscribeFailed(this.env.log, this.env.key, failure);
        void this.close(failure);
        return;
      }
      if (withMethods) this.methods.includedInSubscribe();
      this.online(sessionPresent);
    });
  }

  private online(sessionPresent: boolean): void {
    this.up = true;
    this.reportedUp = true;
    this.env.events.up(sessionPresent);
    // The wish may have changed meanwhile, or a kept session may hold what is no longer wanted.
    this.methods.sync();
  }

  private lost(): void {
    if (this.ended) return;
    this.ended = true;
    this.up = false;
    const err = this.reason ?? (this.reportedUp
      ? offlineError(`the connection of ${this.env.key} to the upstream was lost${this.transportError ? `: ${this.transportError.message}` : ''}`, this.transportError)
      : connectError(this.transportError, this.env.key));
    this.failPending(err);
    // Stops mqtt.js's timers; this client is never used again.
    if (this.closing === undefined) this.client.end(true);
    this.env.events.closed(err, this.reportedUp);
  }

  private failPending(err: RuntimeError): void {
    for (const fail of [...this.sends]) fail(err);
    this.twin.failAll(err);
  }

  private publishQos0(topic: string, body: string): boolean {
    if (this.ended || !this.client.connected) return false;
    this.client.publish(topic, body, { qos: 0 });
    return true;
  }

  /** A failure here must not reach mqtt.js's packet loop; the packet is then acknowledged and dropped. */
  private safeInbound(packet: IPublishPacket): Error | undefined {
    try {
      return this.inbound(packet);
    } catch (err) {
      MqttIdentityEvents.handlerFailed(this.env.log, this.env.key, `inbound ${packet.topic}`, err);
      return undefined;
    }
  }

  /** One incoming PUBLISH; returns what mqtt.js's handleMessage callback gets. */
  private inbound(packet: IPublishPacket): Error | undefined {
    const { topic } = packet;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const key = this.env.key;
    if (topic.startsWith('$iothub/twin/res/')) {
      const response = decodeTwinResponse(topic, payload);
      if (response !== undefined) this.twin.answer(response);
      return undefined;
    }
    if (topic.startsWith('$iothub/twin/PATCH/properties/desired/')) {
      const patch = decodeDesired(topic, payload);
      if (patch !== undefined) this.env.events.desired(patch);
      else MqttIdentityEvents.unexpectedTopic(this.env.log, key, topic);
      return undefined;
    }
    if (topic.startsWith('$iothub/methods/POST/')) {
      const request = decodeMethodRequest(topic, payload);
      if (request === undefined) MqttIdentityEvents.badMethodRequest(this.env.log, key, topic);
      else void this.method(request);
      return undefined;
    }
    const message = this.env.ref.moduleId === undefined ? decodeC2d(this.env.ref.deviceId, topic, payload) : undefined;
    if (message === undefined) {
      MqttIdentityEvents.unexpectedTopic(this.env.log, key, topic);
      return undefined;
    }
    const id = packet.qos === 1 ? packet.messageId : undefined;
    this.env.events.c2d(this.settlement(message, id));
    return id === undefined ? undefined : HOLD_PUBACK;
  }

  /** The C2D handed to the gateway; the first of complete/reject/abandon counts. */
  private settlement(message: Message, packetId: number | undefined): UpstreamC2d {
    let settled = false;
    const settle = (how: 'complete' | 'reject' | 'abandon') => (): void => {
      if (settled) return;
      settled = true;
      if (how === 'abandon') return MqttIdentityEvents.c2dAbandoned(this.env.log, this.env.key, message.system.messageId);
      if (how === 'reject') MqttIdentityEvents.c2dRejectedAsCompleted(this.env.log, this.env.key, message.system.messageId);
      // On this connection only; after a reconnect the upstream redelivers it (DUP) anyway.
      if (packetId !== undefined && !this.ended && this.client.connected) this.client.stream.write(mqttPacket.generate({ cmd: 'puback', messageId: packetId }));
    };
    return { message, complete: settle('complete'), reject: settle('reject'), abandon: settle('abandon') };
  }

  private async method(request: MethodRequest): Promise<void> {
    const result = await runMethod(request, {
      identity: this.env.key, log: this.env.log, responseTimeoutS: this.env.options.methodResponseTimeoutS, handler: this.env.events.method,
    });
    if (!this.publishQos0(methodResponseTopic(result.status, request.rid), JSON.stringify(result.payload ?? null))) {
      MqttIdentityEvents.methodAnswerDropped(this.env.log, this.env.key, request.methodName);
    }
  }
}
