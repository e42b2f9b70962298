/**
 * A connected identity in the hub core's public API (re-exported by api.ts): the DeviceProxy a
 * head implements per connection, and the DeviceSession the core gives back.
 */
import type { HubError } from '../errors.js';
import type { C2dDelivery, IdentityRef, JsonObject, JsonValue, Message, MethodRequest, Principal, StoredTelemetry } from './types.js';

/**
 * Implemented by a head, one per connected identity. The core calls it; every method returns at
 * once (the head writes to its socket). Settlement and answers come back through the session.
 */
export interface DeviceProxy {
  /** Which protocol; shown in logs and connection state. */
  readonly protocol: 'mqtt' | 'amqp' | 'https' | 'module';
  /** A C2D message (or, with `message.system.inputName`, a module input message). */
  sendC2d(delivery: C2dDelivery): void;
  /** A direct method request. The head answers with {@link DeviceSession.respondToMethod}. */
  sendMethodRequest(request: MethodRequest): void;
  /** A desired-properties change: the applied patch plus `$version`. */
  sendDesiredPatch(patch: JsonObject): void;
  /** The core ends this connection: disabled or deleted identity, a newer connection, token expiry. */
  close(reason: HubError): void;
}

/** What a connected identity may do; returned by {@link HubCore.connect}. */
export interface DeviceSession {
  readonly identity: IdentityRef;
  /**
   * Resolves once the message is durably stored (only then may the head acknowledge it). The core
   * takes `system` and `properties` without a copy (hot path): it stamps `system` in place and hands
   * both to telemetry listeners, so pass objects made for this message and leave them alone after.
   */
  sendTelemetry(message: Message): Promise<StoredTelemetry>;
  /** The device view of its twin: `{desired, reported}`, each with `$version`. */
  getTwin(): Promise<{ desired: JsonObject; reported: JsonObject }>;
  /** Applies a reported-properties patch (null deletes); resolves to the new reported `$version`. */
  updateReported(patch: unknown): Promise<number>;
  /** The device's answer to a method request it received through the proxy. */
  respondToMethod(rid: string, status: number, payload: JsonValue): void;
  /** Start/stop pushing C2D messages to the proxy (MQTT subscription, AMQP receiver link). */
  setC2dEnabled(on: boolean): void;
  /** Start/stop accepting direct methods for this identity. */
  setMethodsEnabled(on: boolean): void;
  /** Start/stop desired-property notifications. */
  setDesiredEnabled(on: boolean): void;
  /** Settle a C2D delivery: complete (success), reject (dead-letter) or abandon (re-queue). */
  completeC2d(lockToken: string): Promise<void>;
  rejectC2d(lockToken: string): Promise<void>;
  abandonC2d(lockToken: string): Promise<void>;
  /** A renewed token on the same connection; the new expiry replaces the old. */
  renew(principal: Principal): void;
  /** The head calls this when the connection ends, for whatever reason. Idempotent. */
  disconnect(): void;
  /** True until disconnect() or the core closed it. */
  readonly active: boolean;
}

export interface ConnectOptions {
  /**
   * Keep C2D messages locked on this session when it ends so they are redelivered on the next
   * session (MQTT persistent sessions). When false, locked messages are abandoned at disconnect.
   */
  persistentSession?: boolean;
}
