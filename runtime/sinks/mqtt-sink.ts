/**
 * The MQTT route sink: publishes routed messages to a topic on an MQTT broker, local or remote
 * (`INTO` a sink of type mqtt). It owns one broker connection ({@link MqttConnection}) and the
 * topic template; it holds no queue of its own: the route pipeline keeps the messages and retries.
 *
 * - `deliver(items)` publishes every item in order and resolves when the broker acknowledged every
 *   one (QoS 1: its PUBACK; QoS 0: written to the socket). Not connected, a connection lost before
 *   the PUBACK, or no PUBACK within `ackTimeoutMs` reject at once with a retryable FH_SINK_FAILED;
 *   nothing is buffered while offline (mqtt.js's offline queue is never used, see
 *   mqtt-connection.ts). When a batch fails part-way, the route retries the whole batch, so the
 *   acknowledged head of it arrives twice (at-least-once).
 * - Payload: the message body bytes as they are. Application properties: with MQTT 5
 *   (`protocolVersion: 5`) as user properties (plus content type and correlation data); with
 *   MQTT 3.1.1 (the default, for the widest broker support) they are NOT sent: 3.1.1 has no
 *   place for them. Note that a 3.1.1 broker that denies a publish by ACL still acknowledges it
 *   (mosquitto does): only MQTT 5 reports such refusals.
 * - Topic: a template with `{deviceId}`, `{moduleId}`, `{outputName}` (see topic-template.ts).
 * - Reconnect: capped, jittered, after every close of the connection, until `close()`.
 */
import { randomBytes } from 'node:crypto';
import type { StoredTelemetry } from '../../hub-core/core/types.js';
import { silentLogger, type Logger } from '../../hub-core/log.js';
import { RuntimeError } from '../errors.js';
import { payloadOf, publishProperties } from '../upstream/mqtt-bridge/message-properties.js';
import { MqttConnection, PublishFailure, type ConnectionState, type MqttBrokerOptions } from '../upstream/mqtt-bridge/mqtt-connection.js';
import { TopicTemplate } from '../upstream/mqtt-bridge/topic-template.js';

export const DEFAULT_SINK_TOPIC = 'fieldhub/{deviceId}/messages';

export interface MqttSinkOptions extends MqttBrokerOptions {
  /** The sink's name in the configuration (logs and error messages). */
  name?: string;
  /** Topic template; default `fieldhub/{deviceId}/messages`. */
  topic?: string;
  /** 1 (default): deliver resolves on the PUBACK. 0: once written, no broker acknowledgement. */
  qos?: 0 | 1;
  /** Publish with the retain flag (default false). */
  retain?: boolean;
  logger?: Logger;
}

export interface MqttSinkStatus {
  state: ConnectionState;
  connected: boolean;
  retryInMs?: number;
  /** Messages the broker acknowledged since start. */
  published: number;
  /** Messages that failed (each failed attempt counts). */
  failed: number;
  lastError?: { code: string; message: string; at: string };
}

/** PUBACK reason codes that will not change on a retry: topic invalid, packet too large, payload format invalid. */
const PERMANENT_REASONS: ReadonlySet<number> = new Set([0x90, 0x95, 0x99]);

export class MqttSink {
  readonly name: string;
  private readonly conn: MqttConnection;
  private readonly topic: TopicTemplate;
  private readonly qos: 0 | 1;
  private readonly retain: boolean;
  private readonly v5: boolean;
  private published = 0;
  private failed = 0;
  private lastFailure: { code: string; message: string; at: string } | undefined;
  private started = false;

  /** Validates the options (FH_CONFIG_INVALID); does not connect before {@link start}. */
  constructor(options: MqttSinkOptions) {
    this.name = options.name ?? 'mqtt';
    const what = `sink ${this.name}`;
    if (options.qos !== undefined && options.qos !== 0 && options.qos !== 1) {
      throw new RuntimeError('FH_CONFIG_INVALID', `${what}: qos must be 0 or 1`);
    }
    this.topic = TopicTemplate.parse(options.topic ?? DEFAULT_SINK_TOPIC, `${what}: topic`);
    this.qos = options.qos ?? 1;
    this.retain = options.retain ?? false;
    this.v5 = options.protocolVersion === 5;
    this.conn = new MqttConnection({
      ...options,
      clientId: options.clientId ?? `fieldhub-sink-${randomBytes(4).toString('hex')}`,
      cleanSession: true,
      logger: (options.logger ?? silentLogger()).child({ sink: this.name }),
      what,
    });
  }

  /** Connects (and keeps reconnecting until close). */
  start(): this {
    if (!this.started) {
      this.started = true;
      this.conn.start({ onUp: () => undefined, onDown: () => undefined });
    }
    return this;
  }

  /**
   * Publishes every item, in order; resolves when the broker acknowledged all of them. Rejects with
   * FH_SINK_FAILED: retryable when offline, on a lost connection or a timeout, not retryable when
   * an MQTT 5 broker refused a message for good (topic invalid, too large, bad payload format).
   */
  async deliver(items: readonly StoredTelemetry[]): Promise<void> {
    if (items.length === 0) return;
    if (!this.conn.isUp) {
      this.failed += items.length;
      throw this.failure(new PublishFailure('offline', `not connected to the broker (${this.conn.state})`));
    }
    const results = await Promise.allSettled(items.map((item) => {
      const topic = this.topic.render({ deviceId: item.deviceId, moduleId: item.moduleId, outputName: item.message.system.outputName });
      const properties = this.v5 ? publishProperties(item.message) : undefined;
      return this.conn.publish(topic, payloadOf(item.message), { qos: this.qos, retain: this.retain, ...(properties ? { properties } : {}) });
    }));
    let first: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') this.published += 1;
      else {
        this.failed += 1;
        first ??= r.reason;
      }
    }
    if (first !== undefined) throw this.failure(first);
  }

  status(): MqttSinkStatus {
    const s: MqttSinkStatus = { state: this.conn.state, connected: this.conn.isUp, published: this.published, failed: this.failed };
    const retry = this.conn.retryInMs;
    if (retry !== undefined) s.retryInMs = retry;
    const connErr = this.conn.lastError;
    const connFailure = connErr && { code: 'FH_SINK_FAILED', message: connErr.error.message, at: connErr.at.toISOString() };
    const latest = [this.lastFailure, connFailure].filter((e) => e !== undefined).sort((a, b) => b.at.localeCompare(a.at))[0];
    if (latest !== undefined) s.lastError = latest;
    return s;
  }

  /** Disconnects; deliveries in flight reject with FH_SINK_FAILED. */
  async close(): Promise<void> {
    await this.conn.close();
  }

  private failure(err: unknown): RuntimeError {
    const f = err instanceof PublishFailure ? err : new PublishFailure('lost', String((err as Error)?.message ?? err));
    const retryable = !(f.kind === 'rejected' && f.reasonCode !== undefined && PERMANENT_REASONS.has(f.reasonCode));
    const e = new RuntimeError('FH_SINK_FAILED', `sink ${this.name}: ${f.message}`, { cause: f, retryable });
    this.lastFailure = { code: e.code, message: e.message, at: new Date().toISOString() };
    return e;
  }
}

/** Creates the sink and starts connecting. */
export function createMqttSink(options: MqttSinkOptions): MqttSink {
  return new MqttSink(options).start();
}
