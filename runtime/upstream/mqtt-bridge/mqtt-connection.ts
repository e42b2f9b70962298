/**
 * One MQTT client connection to a plain broker (mosquitto, a broker cluster), shared by the plain
 * MQTT bridge link and the MQTT route sink. It owns the mqtt.js client, the reconnect loop and the
 * in-flight publishes; it owns no queue.
 *
 * - Reconnect: mqtt.js's own timer is off (`reconnectPeriod: 0`: a fixed period, no jitter, no
 *   cap). Each `close` event of the client (a dropped connection or a failed attempt) schedules the
 *   next attempt after a capped, jittered delay ({@link Backoff}); a successful CONNACK resets it.
 * - No offline buffering: mqtt.js keeps QoS 1/2 publishes made while offline in its in-memory
 *   outgoing store, without bound, and sends them after the reconnect (QoS 0 ones too unless
 *   `queueQoSZero: false`). We never hand it a publish while offline (it fails at once with kind
 *   `offline`), and on every close we reject the publishes still waiting for their PUBACK (kind
 *   `lost`) and drop them from mqtt.js (`removeOutgoingMessage`; `reconnect()` also starts with
 *   fresh stores), so nothing is re-sent behind the caller's back: the caller (route, outbox)
 *   owns every retry, and a message may arrive twice (at-least-once), never silently held.
 * - Publishes resolve on the PUBACK (QoS 1) or once written (QoS 0), or reject after `ackTimeoutMs`.
 */
import mqtt, { type IClientOptions, type IClientPublishOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from '../../../hub-core/log.js';
import { Backoff } from './backoff.js';
import { brokerClientOptions, redactUrl, type MqttBrokerOptions } from './broker-options.js';

export { isAuthRefusal, type MqttBrokerOptions } from './broker-options.js';

export interface MqttConnectionOptions extends MqttBrokerOptions {
  clientId: string;
  cleanSession: boolean;
  logger: Logger;
  /** Used in error messages: the config path of these options (`sinks.archive`, `upstream`). */
  what: string;
}

export type ConnectionState = 'stopped' | 'connecting' | 'connected' | 'backoff';

/** Why a publish failed. `rejected` carries the MQTT 5 PUBACK reason code. */
export type PublishFailureKind = 'offline' | 'lost' | 'timeout' | 'rejected' | 'closed';

/** Internal: each user maps it to its own coded error (FH_SINK_FAILED, FH_UPSTREAM_*). */
export class PublishFailure extends Error {
  constructor(readonly kind: PublishFailureKind, message: string, readonly reasonCode?: number) {
    super(message);
    this.name = 'PublishFailure';
  }
}

export interface ConnectionEvents {
  /** CONNACK accepted; `sessionPresent` tells whether the broker kept the session's subscriptions. */
  onUp(sessionPresent: boolean): void;
  /** The connection that was up is gone (not called for failed attempts). */
  onDown(reason: Error): void;
  onMessage?(packet: IPublishPacket): void;
}

export interface PublishOptions {
  qos: 0 | 1;
  retain?: boolean;
  properties?: IClientPublishOptions['properties'];
}

interface InFlight {
  fail(err: PublishFailure): void;
}


export class MqttConnection {
  private client: MqttClient | undefined;
  /** The broker URL without credentials: the only form that goes into logs and errors. */
  private readonly where: string;
  private events: ConnectionEvents | undefined;
  private readonly clientOptions: IClientOptions;
  private readonly backoff: Backoff;
  private readonly ackTimeoutMs: number;
  private readonly inFlight = new Set<InFlight>();
  private up = false;
  private closing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryAt = 0;
  private state_: ConnectionState = 'stopped';
  private lastError_: { error: Error; at: Date } | undefined;

  constructor(private readonly options: MqttConnectionOptions) {
    this.clientOptions = {
      ...brokerClientOptions(options, options.what),
      clientId: options.clientId,
      clean: options.cleanSession,
      reconnectPeriod: 0,
      manualConnect: true,
      queueQoSZero: false,
      resubscribe: false,
    };
    this.backoff = new Backoff({ minMs: options.reconnect?.minMs ?? 100, maxMs: options.reconnect?.maxMs ?? 1000 });
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.where = redactUrl(options.url);
  }

  get state(): ConnectionState {
    return this.state_;
  }

  /** True when a CONNACK was accepted and the connection has not closed since. */
  get isUp(): boolean {
    return this.up && this.client?.connected === true;
  }

  /** ms until the next attempt when in backoff. */
  get retryInMs(): number | undefined {
    return this.state_ === 'backoff' ? Math.max(0, this.retryAt - Date.now()) : undefined;
  }

  get lastError(): { error: Error; at: Date } | undefined {
    return this.lastError_;
  }

  /** Starts connecting; reconnects after every close until {@link close}. */
  start(events: ConnectionEvents): void {
    if (this.client !== undefined || this.closing) throw new Error('MqttConnection.start called twice');
    this.events = events;
    const client = mqtt.connect(this.options.url, this.clientOptions);
    this.client = client;
    client.on('connect', (connack) => this.onConnect(connack.sessionPresent === true));
    client.on('close', () => this.onClose());
    client.on('error', (err) => this.onError(err));
    client.on('message', (_topic, _payload, packet) => this.events?.onMessage?.(packet));
    this.state_ = 'connecting';
    client.connect();
  }

  /**
   * Publishes; resolves on the PUBACK (QoS 1) or once written (QoS 0). Rejects with a
   * {@link PublishFailure}: `offline` at once when not connected, `lost` when the connection closes
   * first, `timeout` after ackTimeoutMs, `rejected` on an MQTT 5 PUBACK error reason code.
   */
  publish(topic: string, payload: Buffer, opts: PublishOptions): Promise<void> {
    const client = this.client;
    if (this.closing) return Promise.reject(new PublishFailure('closed', 'the MQTT connection is closed'));
    if (client === undefined || !this.isUp) {
      return Promise.reject(new PublishFailure('offline', `not connected to ${this.where} (${this.state_})`));
    }
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const entry: InFlight = {
        fail: (err) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          this.inFlight.delete(entry);
          reject(err);
        },
      };
      const timer = setTimeout(() => entry.fail(new PublishFailure('timeout', `no PUBACK from ${this.where} within ${this.ackTimeoutMs} ms`)), this.ackTimeoutMs);
      this.inFlight.add(entry);
      const publishOpts: IClientPublishOptions = { qos: opts.qos, retain: opts.retain ?? false };
      if (opts.properties !== undefined) publishOpts.properties = opts.properties;
      client.publish(topic, payload, publishOpts, (err) => {
        if (err === undefined || err === null) {
          if (done) return;
          done = true;
          clearTimeout(timer);
          this.inFlight.delete(entry);
          resolve();
          return;
        }
        const code = (err as { code?: unknown }).code;
        entry.fail(typeof code === 'number'
          ? new PublishFailure('rejected', `the broker refused the publish to ${topic}: ${err.message}`, code)
          : new PublishFailure('lost', `publish to ${topic} failed: ${err.message}`));
      });
    });
  }

  /** Subscribes (QoS 1) while connected; rejects when offline or when the broker refuses. */
  subscribe(filter: string): Promise<void> {
    const client = this.client;
    if (client === undefined || !this.isUp) return Promise.reject(new PublishFailure('offline', 'not connected'));
    return new Promise((resolve, reject) => {
      client.subscribe(filter, { qos: 1 }, (err, granted) => {
        if (err) return reject(err);
        const refused = granted?.find((g) => g.qos > 2);
        if (refused !== undefined) return reject(new Error(`the broker refused the subscription to ${filter} (code ${refused.qos})`));
        resolve();
      });
    });
  }

  /** Stops reconnecting, fails what is in flight, and disconnects (DISCONNECT when connected). */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.failInFlight(new PublishFailure('closed', 'the MQTT connection was closed'));
    const client = this.client;
    const wasUp = this.isUp;
    this.up = false;
    this.state_ = 'stopped';
    if (client === undefined) return;
    await new Promise<void>((resolve) => {
      // A graceful end waits for the broker to close the socket; cut it if that takes long.
      const cut = setTimeout(() => client.stream?.destroy(), 2000);
      client.end(!wasUp, {}, () => {
        clearTimeout(cut);
        resolve();
      });
    });
  }

  private onConnect(sessionPresent: boolean): void {
    if (this.closing) return;
    this.up = true;
    this.state_ = 'connected';
    this.backoff.reset();
    this.options.logger.info({ url: this.where, clientId: this.options.clientId, sessionPresent }, 'connected to the MQTT broker');
    this.events?.onUp(sessionPresent);
  }

  private onError(err: Error): void {
    this.lastError_ = { error: err, at: new Date() };
    this.options.logger.debug({ url: this.where, err: err.message }, 'MQTT connection error');
  }

  private onClose(): void {
    const wasUp = this.up;
    this.up = false;
    this.failInFlight(new PublishFailure('lost', `the connection to ${this.where} closed before the PUBACK`));
    if (this.closing) return;
    if (wasUp) {
      const reason = this.lastError_?.error ?? new Error(`the connection to ${this.where} closed`);
      this.options.logger.warn({ url: this.where, err: reason.message }, 'lost the MQTT broker');
      this.events?.onDown(reason);
    }
    if (this.retryTimer !== undefined) return;
    const delay = this.backoff.next();
    this.state_ = 'backoff';
    this.retryAt = Date.now() + delay;
    this.options.logger.debug({ url: this.where, delayMs: delay, err: this.lastError_?.error.message }, 'MQTT reconnect scheduled');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.closing || this.client === undefined) return;
      this.state_ = 'connecting';
      this.client.reconnect();
    }, delay);
  }

  /** Rejects every publish waiting for its PUBACK and drops it from mqtt.js (no resend later). */
  private failInFlight(err: PublishFailure): void {
    for (const entry of [...this.inFlight]) entry.fail(err);
    const client = this.client;
    if (client === undefined) return;
    for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
  }
}
