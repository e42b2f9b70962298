/**
 * The contract between the gateway (outbox drain, twin sync, method and C2D dispatch) and an
 * upstream link: AMQP (identities multiplexed, up to identitiesPerConnection per connection), MQTT (one connection per identity) or
 * a plain MQTT bridge (topics on any broker). The gateway owns what is durable (the outbox, the
 * local twins); a link only moves things over the wire and reports what the upstream settled.
 */
import type { IdentityRef, JsonObject, JsonValue, Message, MethodResult } from '../../hub-core/core/types.js';

/** A method call from the upstream for one mirrored identity. */
export interface UpstreamMethodCall {
  methodName: string;
  payload: JsonValue;
  /** Seconds the upstream caller waits; answer before this. */
  responseTimeoutS: number;
}

/**
 * A cloud-to-device message from the upstream for one mirrored identity. The link keeps it
 * unsettled upstream until one of the three is called (once); if the link drops first, the
 * upstream redelivers it (the gateway may see it twice: it deduplicates by messageId).
 */
export interface UpstreamC2d {
  message: Message;
  /** Delivered: upstream feedback Success. */
  complete(): void;
  /** Refused by the device: upstream dead-letters it (feedback Rejected). */
  reject(): void;
  /** Not now: upstream re-queues it (one more delivery counted). */
  abandon(): void;
}

/** What the gateway plugs into a link. Every callback may be called for any mirrored identity. */
export interface UpstreamHandlers {
  /** A direct method for `ref`; the link sends the result (or a 504 after the timeout). */
  onMethod(ref: IdentityRef, call: UpstreamMethodCall): Promise<MethodResult>;
  onC2d(ref: IdentityRef, c2d: UpstreamC2d): void;
  /** A desired-properties patch from the upstream (with `$version`). */
  onDesired(ref: IdentityRef, patch: JsonObject): void;
  /**
   * The identity's links are up (first time or after a reconnect): the gateway pulls the twin,
   * pushes pending reported properties and starts draining that identity's outbox.
   */
  onIdentityOnline(ref: IdentityRef): void;
  /** The identity's links went down (connection lost, token refused). */
  onIdentityOffline(ref: IdentityRef, reason: Error): void;
}

/** Link capabilities: the plain MQTT bridge has telemetry (and optionally commands) only. */
export interface UpstreamCapabilities {
  twins: boolean;
  methods: boolean;
  c2d: boolean;
}

export interface UpstreamLinkStatus {
  /** `connected` once the transport is up; identities come online one by one after it. */
  state: 'stopped' | 'connecting' | 'connected' | 'backoff';
  /** When state is backoff: ms until the next attempt. */
  retryInMs?: number;
  identitiesOnline: number;
  identitiesTotal: number;
  /** Transport connections open now (AMQP: one per `identitiesPerConnection` identities; MQTT: one per identity). */
  connections: number;
  lastError?: { code: string; message: string; at: string };
}

export interface UpstreamLink {
  readonly kind: 'amqp' | 'mqtt' | 'mqtt-bridge';
  readonly capabilities: UpstreamCapabilities;
  /** Connects (and keeps reconnecting with capped, jittered backoff) until close(). */
  start(handlers: UpstreamHandlers): void;
  /** Mirrors an identity upstream (idempotent). Links come up rate-limited across identities. */
  addIdentity(ref: IdentityRef): void;
  removeIdentity(ref: IdentityRef): void;
  /** True when `ref`'s links are up now. */
  isOnline(ref: IdentityRef): boolean;
  /**
   * Whether the upstream may invoke direct methods on `ref` (default: not wanted). Only while
   * wanted and the identity is online does the link take method requests for it (AMQP: the two
   * method links attached; MQTT: `$iothub/methods/POST/#` subscribed); otherwise the upstream
   * answers a caller itself with 404 DeviceNotOnline (404103), as IoT Hub does for a device that
   * is not connected. The gateway wants it exactly while the local identity accepts methods (IoT
   * Edge does the same). Kept across reconnects and for identities not (yet) mirrored; a no-op
   * for links without methods.
   */
  setMethodsWanted(ref: IdentityRef, wanted: boolean): void;
  /**
   * Sends telemetry for `ref`. Resolves when the upstream accepted (settled) it; rejects with a
   * retryable FH_UPSTREAM_* error (offline, timeout, link lost) or a non-retryable
   * FH_UPSTREAM_REJECTED. Messages of one identity are put on the wire in call order.
   */
  sendTelemetry(ref: IdentityRef, message: Message): Promise<void>;
  /** The identity's twin as the upstream has it (`{desired, reported}`). FH_UPSTREAM_OFFLINE. */
  getTwin(ref: IdentityRef): Promise<{ desired: JsonObject; reported: JsonObject }>;
  /** Sends a reported-properties patch (null deletes); resolves to the upstream's new version. */
  updateReported(ref: IdentityRef, patch: JsonObject): Promise<number>;
  status(): UpstreamLinkStatus;
  close(): Promise<void>;
}
