/**
 * Direct methods: a request goes to the identity's live session (waiting up to
 * connectTimeoutInSeconds for one that accepts methods), and the call resolves with the device's
 * answer or fails after responseTimeoutInSeconds. Nothing is persisted: a method call does not
 * outlive the process, as in IoT Hub.
 */
import { HubError } from '../errors.js';
import type { Clock, HubLimits, MethodService } from './api.js';
import type { TimerHandle } from './clock.js';
import { describe, identityKey } from './ids.js';
import type { Presence } from './presence.js';
import type { Registry } from './registry.js';
import type { Session } from './session.js';
import type { IdentityRef, JsonValue, MethodResult } from './types.js';

/** Default and range of responseTimeoutInSeconds (IoT Hub documents 5..300; 1 is accepted for tests and fast local calls). */
export const METHOD_RESPONSE_TIMEOUT = { defaultS: 30, minS: 1, maxS: 300 } as const;
/** Default and range of connectTimeoutInSeconds. */
export const METHOD_CONNECT_TIMEOUT = { defaultS: 0, minS: 0, maxS: 300 } as const;

export interface MethodsDeps {
  clock: Clock;
  limits: HubLimits;
  registry: Registry;
  presence: Presence;
  /** The live session of an identity. */
  session(ref: IdentityRef): Session | undefined;
  /** Whether `ref` accepts methods changed (the hub emits `methodsEnabledChanged`). */
  enabledChanged?(ref: IdentityRef, enabled: boolean): void;
}

interface Pending {
  session: Session;
  timer: TimerHandle;
  resolve(result: MethodResult): void;
  reject(err: HubError): void;
}

/** Implements {@link MethodService}. */
export class Methods implements MethodService {
  private readonly pending = new Map<string, Pending>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private ridCounter = 0;
  private closed = false;
  /** Answers with an unknown or stale rid, or from another session: dropped and counted. */
  unmatchedResponses = 0;

  constructor(private readonly deps: MethodsDeps) {}

  async invoke(
    ref: IdentityRef,
    request: { methodName: string; payload: JsonValue; responseTimeoutInSeconds?: number; connectTimeoutInSeconds?: number },
  ): Promise<MethodResult> {
    if (this.closed) throw new HubError('FH_HUB_CLOSED', 'the hub core is closed');
    const name = request?.methodName;
    if (typeof name !== 'string' || name.length === 0 || name.length > 1024) {
      throw new HubError('FH_METHOD_INVALID', 'methodName must be a non-empty string');
    }
    const responseS = seconds(request.responseTimeoutInSeconds, METHOD_RESPONSE_TIMEOUT, 'responseTimeoutInSeconds');
    const connectS = seconds(request.connectTimeoutInSeconds, METHOD_CONNECT_TIMEOUT, 'connectTimeoutInSeconds');
    const payload = request.payload === undefined ? null : request.payload;
    const payloadBytes = Buffer.byteLength(JSON.stringify(payload) ?? 'null', 'utf8');
    if (payloadBytes > this.deps.limits.maxMethodPayloadBytes) {
      throw new HubError('FH_METHOD_INVALID', `payload of ${payloadBytes} bytes exceeds ${this.deps.limits.maxMethodPayloadBytes}`);
    }
    this.deps.registry.require(ref);
    const session = this.ready(ref) ?? (await this.waitForSession(ref, connectS * 1000));
    const rid = (++this.ridCounter).toString(16);
    return new Promise<MethodResult>((resolve, reject) => {
      const timer = this.deps.clock.setTimeout(() => {
        if (this.pending.delete(rid)) reject(new HubError('FH_METHOD_TIMEOUT', `${describe(ref)} did not answer ${name} in ${responseS} s`));
      }, responseS * 1000);
      this.pending.set(rid, { session, timer, resolve, reject });
      try {
        session.proxy.sendMethodRequest({ rid, name, payload });
      } catch (cause) {
        this.settle(rid)?.reject(new HubError('FH_METHOD_NOT_CONNECTED', `could not send to ${describe(ref)}`, { cause }));
      }
    });
  }

  /** The device's answer (through its session). Unknown rids and answers from another session are counted and dropped. */
  respond(session: Session, rid: string, status: number, payload: JsonValue): void {
    const entry = this.pending.get(rid);
    if (entry === undefined || entry.session !== session) {
      this.unmatchedResponses++;
      return;
    }
    this.settle(rid);
    this.deps.presence.touch(session.identity, this.deps.clock.now());
    entry.resolve({ status, payload: payload === undefined ? null : payload });
  }

  /** True when `ref` has a live session that accepts methods (an invoke would reach it now). */
  isEnabled(ref: IdentityRef): boolean {
    return this.ready(ref) !== undefined;
  }

  /**
   * A session's methods flag changed: report it, and when it started accepting methods wake
   * callers waiting for it to connect.
   */
  methodsEnabled(session: Session): void {
    if (session.active && this.deps.session(session.identity) === session) this.deps.enabledChanged?.(session.identity, session.methodsEnabled);
    if (!session.methodsEnabled) return;
    for (const wake of [...(this.waiters.get(session.key) ?? [])]) wake();
  }

  /**
   * The session ended: its calls fail at once with FH_METHOD_NOT_CONNECTED (404103, not retried by
   * the SDKs) rather than waiting out their timeout; the device can no longer answer them. When it
   * accepted methods (and no other session of the identity does), that is reported as a change.
   */
  sessionEnded(session: Session): void {
    for (const [rid, entry] of this.pending) {
      if (entry.session !== session) continue;
      this.settle(rid);
      entry.reject(new HubError('FH_METHOD_NOT_CONNECTED', `${describe(session.identity)} disconnected during the call`));
    }
    if (session.methodsEnabled && !this.isEnabled(session.identity)) this.deps.enabledChanged?.(session.identity, false);
  }

  /** Fails every pending call and waiter with FH_HUB_CLOSED. */
  close(): void {
    this.closed = true;
    for (const [rid, entry] of this.pending) {
      this.settle(rid);
      entry.reject(new HubError('FH_HUB_CLOSED', 'the hub core is closing'));
    }
    for (const set of this.waiters.values()) for (const wake of [...set]) wake();
  }

  /** Calls awaiting an answer. */
  pendingCount(): number {
    return this.pending.size;
  }

  private ready(ref: IdentityRef): Session | undefined {
    const session = this.deps.session(ref);
    return session?.active === true && session.methodsEnabled ? session : undefined;
  }

  private settle(rid: string): Pending | undefined {
    const entry = this.pending.get(rid);
    if (entry === undefined) return undefined;
    this.pending.delete(rid);
    entry.timer.cancel();
    return entry;
  }

  /** Waits until `ref` has a session with methods enabled, at most `ms`. */
  private waitForSession(ref: IdentityRef, ms: number): Promise<Session> {
    const notConnected = (): HubError =>
      new HubError('FH_METHOD_NOT_CONNECTED', `${describe(ref)} is not connected or has not subscribed to methods`);
    if (ms <= 0) return Promise.reject(notConnected());
    const key = identityKey(ref);
    return new Promise<Session>((resolve, reject) => {
      let set = this.waiters.get(key);
      if (set === undefined) this.waiters.set(key, (set = new Set()));
      const done = (): void => {
        timer.cancel();
        set.delete(wake);
        if (set.size === 0) this.waiters.delete(key);
      };
      const wake = (): void => {
        if (this.closed) {
          done();
          reject(new HubError('FH_HUB_CLOSED', 'the hub core is closing'));
          return;
        }
        const session = this.ready(ref);
        if (session === undefined) return;
        done();
        resolve(session);
      };
      const timer = this.deps.clock.setTimeout(() => {
        done();
        reject(notConnected());
      }, ms);
      set.add(wake);
    });
  }
}

function seconds(value: number | undefined, range: { defaultS: number; minS: number; maxS: number }, what: string): number {
  if (value === undefined || value === null) return range.defaultS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < range.minS || value > range.maxS) {
    throw new HubError('FH_METHOD_INVALID', `${what} must be ${range.minS}..${range.maxS}`);
  }
  return value;
}
