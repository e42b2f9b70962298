/**
 * The plain MQTT bridge upstream link (`kind: 'mqtt-bridge'`), for users who are not on an IoT
 * hub: every identity's telemetry is published to a topic on any MQTT broker, and, when
 * configured, commands published to a topic per device come back as cloud-to-device messages.
 * One connection for all identities ({@link MqttConnection}); no twins, no direct methods.
 *
 * - Session: a fixed clientId (default `fieldhub-bridge-<hostname>`) with cleanSession false, so
 *   the broker keeps the command subscription and queues QoS 1 commands while the gateway is away
 *   (within the broker's own bound: mosquitto's max_queued_messages). The link subscribes once per
 *   process even when the broker kept the session, and again whenever the broker lost it.
 * - Telemetry: QoS 1; `sendTelemetry` resolves on the PUBACK. Offline it rejects at once with a
 *   retryable FH_UPSTREAM_OFFLINE: the gateway's outbox keeps the message; this link holds no
 *   queue. A connection lost before the PUBACK rejects (retryable FH_UPSTREAM_UNREACHABLE) and
 *   the message is not re-sent by the client: the outbox retries it (at-least-once).
 * - Topics: `topics.telemetry` for a device's messages (default `fieldhub/{deviceId}/messages`),
 *   `topics.moduleTelemetry` for a module's (default `fieldhub/{deviceId}/{moduleId}/{outputName}`).
 * - Commands (`topics.commands`: `true` for `fieldhub/{deviceId}/commands`, or a template using
 *   `{deviceId}` and optionally `{moduleId}` as whole levels): subscribed with `+` for each
 *   placeholder, QoS 1. A command for an identity the link mirrors goes to `onC2d`; others are
 *   dropped with a warning. mqtt.js sends the PUBACK right after `onC2d` returns, so a command is
 *   at-least-once to the gateway's handler (the broker redelivers it when the connection drops
 *   first), but not durable beyond it: the handler must store it before it returns if a crash
 *   must not lose it. `complete`/`reject`/`abandon` are no-ops (logged): plain MQTT has no
 *   settlement to send. (Holding the PUBACK until complete() is not possible with mqtt.js without
 *   stalling every other incoming packet, PUBACKs of our telemetry included.)
 * - Identities: `onIdentityOnline` for every added identity when the connection comes up (and
 *   for an identity added while up), `onIdentityOffline` for each when it goes down.
 * - Reconnect: capped, jittered delays started by the connection's close event, until close().
 */
import { identityKey } from '../../../hub-core/core/ids.js';
import { hostname } from 'node:os';
import type { IdentityRef, JsonObject, Message } from '../../../hub-core/core/types.js';
import { silentLogger, type Logger } from '../../../hub-core/log.js';
import { RuntimeError } from '../../errors.js';
import type { UpstreamCapabilities, UpstreamHandlers, UpstreamLink, UpstreamLinkStatus } from '../link.js';
import { messageOf, payloadOf, publishProperties } from './message-properties.js';
import { isAuthRefusal, MqttConnection, PublishFailure, type MqttBrokerOptions } from './mqtt-connection.js';
import { TopicTemplate } from './topic-template.js';

export const DEFAULT_TELEMETRY_TOPIC = 'fieldhub/{deviceId}/messages';
export const DEFAULT_MODULE_TELEMETRY_TOPIC = 'fieldhub/{deviceId}/{moduleId}/{outputName}';
export const DEFAULT_COMMANDS_TOPIC = 'fieldhub/{deviceId}/commands';

export interface MqttBridgeOptions extends MqttBrokerOptions {
  /** Fixed across restarts so the broker session survives; default `fieldhub-bridge-<hostname>`. */
  clientId?: string;
  topics?: {
    telemetry?: string;
    moduleTelemetry?: string;
    /** `true`: the default template; a string: that template; absent or false: no commands. */
    commands?: string | boolean;
  };
  logger?: Logger;
}

/** PUBACK reason code 0x97 (quota exceeded) may clear; every other refusal is for good. */
const QUOTA_EXCEEDED = 0x97;


class MqttBridgeLink implements UpstreamLink {
  readonly kind = 'mqtt-bridge' as const;
  readonly capabilities: UpstreamCapabilities;
  private readonly conn: MqttConnection;
  private readonly log: Logger;
  private readonly telemetry: TopicTemplate;
  private readonly moduleTelemetry: TopicTemplate;
  private readonly commands: { template: TopicTemplate; filter: string } | undefined;
  private readonly v5: boolean;
  private readonly identities = new Map<string, IdentityRef>();
  private handlers: UpstreamHandlers | undefined;
  private closed = false;
  private subscribed = false;
  private lastSendError: { code: string; message: string; at: string } | undefined;

  constructor(options: MqttBridgeOptions) {
    const what = 'upstream (mqtt-bridge)';
    this.telemetry = TopicTemplate.parse(options.topics?.telemetry ?? DEFAULT_TELEMETRY_TOPIC, `${what}: topics.telemetry`);
    this.moduleTelemetry = TopicTemplate.parse(options.topics?.moduleTelemetry ?? DEFAULT_MODULE_TELEMETRY_TOPIC, `${what}: topics.moduleTelemetry`);
    const cmd = options.topics?.commands;
    if (cmd !== undefined && cmd !== false) {
      const source = cmd === true ? DEFAULT_COMMANDS_TOPIC : cmd;
      const template = TopicTemplate.parse(source, `${what}: topics.commands`, ['deviceId', 'moduleId']);
      if (!template.placeholders.includes('deviceId')) {
        throw new RuntimeError('FH_CONFIG_INVALID', `${what}: topics.commands must contain {deviceId} (got ${JSON.stringify(source)})`);
      }
      this.commands = { template, filter: template.filter(`${what}: topics.commands`) };
    }
    this.capabilities = { twins: false, methods: false, c2d: this.commands !== undefined };
    this.v5 = options.protocolVersion === 5;
    this.log = (options.logger ?? silentLogger()).child({ upstream: 'mqtt-bridge' });
    this.conn = new MqttConnection({
      ...options,
      clientId: options.clientId ?? `fieldhub-bridge-${hostname()}`,
      cleanSession: false,
      logger: this.log,
      what,
    });
  }

  start(handlers: UpstreamHandlers): void {
    if (this.handlers !== undefined) throw new Error('mqtt-bridge link started twice');
    this.handlers = handlers;
    this.conn.start({
      onUp: (sessionPresent) => this.onUp(sessionPresent),
      onDown: (reason) => this.onDown(reason),
      onMessage: (packet) => this.onCommand(packet.topic, packet),
    });
  }

  addIdentity(ref: IdentityRef): void {
    const key = identityKey(ref);
    if (this.identities.has(key)) return;
    const copy: IdentityRef = ref.moduleId === undefined ? { deviceId: ref.deviceId } : { deviceId: ref.deviceId, moduleId: ref.moduleId };
    this.identities.set(key, copy);
    if (this.conn.isUp) {
      // Not from inside the caller's addIdentity: the gateway may still be setting the identity up.
      queueMicrotask(() => {
        if (this.conn.isUp && this.identities.get(key) === copy) this.notify('onIdentityOnline', copy);
      });
    }
  }

  removeIdentity(ref: IdentityRef): void {
    this.identities.delete(identityKey(ref));
  }

  isOnline(ref: IdentityRef): boolean {
    return this.conn.isUp && this.identities.has(identityKey(ref));
  }

  /** A plain broker has no direct methods: nothing to attach. */
  setMethodsWanted(): void {}

  async sendTelemetry(ref: IdentityRef, message: Message): Promise<void> {
    if (this.closed) throw new RuntimeError('FH_UPSTREAM_OFFLINE', 'the mqtt-bridge link is closed', { retryable: true });
    const values = { deviceId: ref.deviceId, moduleId: ref.moduleId, outputName: message.system.outputName };
    const topic = ref.moduleId === undefined ? this.telemetry.render(values) : this.moduleTelemetry.render(values);
    const properties = this.v5 ? publishProperties(message) : undefined;
    try {
      await this.conn.publish(topic, payloadOf(message), { qos: 1, ...(properties ? { properties } : {}) });
    } catch (err) {
      throw this.sendFailure(ref, err);
    }
  }

  getTwin(ref: IdentityRef): Promise<{ desired: JsonObject; reported: JsonObject }> {
    return Promise.reject(this.unsupported(ref, 'read the twin'));
  }

  updateReported(ref: IdentityRef, _patch: JsonObject): Promise<number> {
    return Promise.reject(this.unsupported(ref, 'update reported properties'));
  }

  status(): UpstreamLinkStatus {
    const up = this.conn.isUp;
    const s: UpstreamLinkStatus = {
      state: this.handlers === undefined || this.closed ? 'stopped' : this.conn.state,
      identitiesOnline: up ? this.identities.size : 0,
      identitiesTotal: this.identities.size,
      connections: up ? 1 : 0,
    };
    const retry = this.conn.retryInMs;
    if (s.state === 'backoff' && retry !== undefined) s.retryInMs = retry;
    const connErr = this.conn.lastError;
    const connFailure = connErr && {
      code: isAuthRefusal(connErr.error) ? 'FH_UPSTREAM_AUTH' : 'FH_UPSTREAM_UNREACHABLE',
      message: connErr.error.message,
      at: connErr.at.toISOString(),
    };
    const latest = [this.lastSendError, connFailure].filter((e) => e !== undefined).sort((a, b) => b.at.localeCompare(a.at))[0];
    if (latest !== undefined) s.lastError = latest;
    return s;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.conn.close();
  }

  private onUp(sessionPresent: boolean): void {
    // Once per process even when the broker kept the session (it may predate the commands
    // option or another template); after that only when the broker lost the session.
    if (this.commands !== undefined && (!sessionPresent || !this.subscribed)) {
      const { filter } = this.commands;
      this.conn.subscribe(filter).then(
        () => {
          this.subscribed = true;
          this.log.info({ filter }, 'subscribed to commands');
        },
        (err: Error) => this.log.error({ filter, err: err.message }, 'subscribing to commands failed; commands will not arrive until the next connect'),
      );
    }
    for (const ref of [...this.identities.values()]) this.notify('onIdentityOnline', ref);
  }

  private onDown(reason: Error): void {
    const code = isAuthRefusal(reason) ? 'FH_UPSTREAM_AUTH' : 'FH_UPSTREAM_UNREACHABLE';
    const err = new RuntimeError(code, `lost the MQTT broker: ${reason.message}`, { cause: reason, retryable: true });
    for (const ref of [...this.identities.values()]) this.notify('onIdentityOffline', ref, err);
  }

  private onCommand(topic: string, packet: Parameters<typeof messageOf>[0]): void {
    const values = this.commands?.template.match(topic);
    if (values?.deviceId === undefined) {
      this.log.warn({ topic }, 'message on a topic that is not a command topic; dropped');
      return;
    }
    const ref = this.identities.get(identityKey({ deviceId: values.deviceId, moduleId: values.moduleId }));
    if (ref === undefined) {
      this.log.warn({ topic, deviceId: values.deviceId, moduleId: values.moduleId }, 'command for an identity this gateway does not mirror; dropped');
      return;
    }
    const settle = (how: string) => () => this.log.debug({ deviceId: ref.deviceId, moduleId: ref.moduleId, how }, 'command settled (no-op over plain MQTT)');
    this.notify('onC2d', ref, { message: messageOf(packet), complete: settle('complete'), reject: settle('reject'), abandon: settle('abandon') });
  }

  /** Calls a gateway handler; a throwing handler is logged, never allowed to break the link. */
  private notify<K extends 'onIdentityOnline' | 'onIdentityOffline' | 'onC2d'>(name: K, ...args: Parameters<UpstreamHandlers[K]>): void {
    const handlers = this.handlers;
    if (handlers === undefined || this.closed) return;
    try {
      (handlers[name] as (...a: Parameters<UpstreamHandlers[K]>) => void)(...args);
    } catch (err) {
      this.log.error({ handler: name, err: (err as Error).message }, 'upstream handler threw');
    }
  }

  private sendFailure(ref: IdentityRef, err: unknown): RuntimeError {
    const f = err instanceof PublishFailure ? err : new PublishFailure('lost', String((err as Error)?.message ?? err));
    const who = identityKey(ref);
    let e: RuntimeError;
    switch (f.kind) {
      case 'offline':
      case 'closed':
        e = new RuntimeError('FH_UPSTREAM_OFFLINE', `${who}: ${f.message}`, { cause: f, retryable: true });
        break;
      case 'lost':
        e = new RuntimeError('FH_UPSTREAM_UNREACHABLE', `${who}: ${f.message}`, { cause: f, retryable: true });
        break;
      case 'timeout':
        e = new RuntimeError('FH_UPSTREAM_TIMEOUT', `${who}: ${f.message}`, { cause: f, retryable: true });
        break;
      case 'rejected':
        e = new RuntimeError('FH_UPSTREAM_REJECTED', `${who}: ${f.message}`, { cause: f, retryable: f.reasonCode === QUOTA_EXCEEDED });
        break;
    }
    this.lastSendError = { code: e.code, message: e.message, at: new Date().toISOString() };
    return e;
  }

  private unsupported(ref: IdentityRef, what: string): RuntimeError {
    return new RuntimeError('FH_UPSTREAM_UNSUPPORTED',
      `${identityKey(ref)}: cannot ${what}: the plain MQTT bridge has no device twins (use an amqp or mqtt upstream for twins)`);
  }
}

/** A plain MQTT bridge link; validates the options (FH_CONFIG_INVALID), connects on start(). */
export function createMqttBridgeLink(options: MqttBridgeOptions): UpstreamLink {
  return new MqttBridgeLink(options);
}
