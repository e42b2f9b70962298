/**
 * One live connection of an identity: the {@link DeviceSession} a head drives. It keeps the
 * head's flags (C2D, methods, desired) and the token-expiry timer, and forwards every operation to
 * the services, which find the session again through the connection table.
 */
import { HubError } from '../errors.js';
import type { Clock, DeviceProxy, DeviceSession } from './api.js';
import type { TimerHandle } from './clock.js';
import type { IdentityRef, JsonObject, JsonValue, Message, Principal, StoredTelemetry } from './types.js';

/** How a C2D delivery was settled. */
export type C2dOutcome = 'complete' | 'reject' | 'abandon';

/** What a session delegates to; implemented by the hub facade over the services. */
export interface SessionServices {
  sendTelemetry(session: Session, message: Message): Promise<StoredTelemetry>;
  getTwin(session: Session): Promise<{ desired: JsonObject; reported: JsonObject }>;
  updateReported(session: Session, patch: unknown): Promise<number>;
  respondToMethod(session: Session, rid: string, status: number, payload: JsonValue): void;
  /** A flag changed (C2D starts pushing; method waiters wake up). */
  flagsChanged(session: Session, flag: 'c2d' | 'methods' | 'desired'): void;
  settleC2d(session: Session, lockToken: string, outcome: C2dOutcome): Promise<void>;
  /** The session ended (disconnect, replaced, disabled, expired, hub closing). */
  sessionEnded(session: Session): void;
}

export interface SessionInit {
  identity: IdentityRef;
  key: string;
  proxy: DeviceProxy;
  persistent: boolean;
  clock: Clock;
  services: SessionServices;
  /** Throws when a renewal principal does not cover this identity. */
  checkRenewal(principal: Principal): void;
  onEnd(session: Session): void;
}

let nextSessionId = 1;

/** Implements {@link DeviceSession}. */
export class Session implements DeviceSession {
  readonly identity: IdentityRef;
  /** Identity key (`d` or `d/m`). */
  readonly key: string;
  readonly proxy: DeviceProxy;
  /** Keep in-flight C2D for the next session of this identity (MQTT CleanSession=0). */
  readonly persistent: boolean;
  /** Unique per process; tells sessions of one identity apart. */
  readonly id = nextSessionId++;
  c2dEnabled = false;
  methodsEnabled = false;
  desiredEnabled = false;
  private isActive = true;
  private expiry: TimerHandle | undefined;

  constructor(private readonly init: SessionInit) {
    this.identity = init.identity;
    this.key = init.key;
    this.proxy = init.proxy;
    this.persistent = init.persistent;
  }

  get active(): boolean {
    return this.isActive;
  }

  sendTelemetry(message: Message): Promise<StoredTelemetry> {
    return this.guard(() => this.init.services.sendTelemetry(this, message));
  }

  getTwin(): Promise<{ desired: JsonObject; reported: JsonObject }> {
    return this.guard(() => this.init.services.getTwin(this));
  }

  updateReported(patch: unknown): Promise<number> {
    return this.guard(() => this.init.services.updateReported(this, patch));
  }

  respondToMethod(rid: string, status: number, payload: JsonValue): void {
    // Forwarded even after the session ended: its calls already failed, so the answer is
    // dropped and counted like any unknown rid.
    this.init.services.respondToMethod(this, rid, status, payload);
  }

  setC2dEnabled(on: boolean): void {
    this.setFlag('c2d', on);
  }

  setMethodsEnabled(on: boolean): void {
    this.setFlag('methods', on);
  }

  setDesiredEnabled(on: boolean): void {
    this.setFlag('desired', on);
  }

  completeC2d(lockToken: string): Promise<void> {
    return this.guard(() => this.init.services.settleC2d(this, lockToken, 'complete'));
  }

  rejectC2d(lockToken: string): Promise<void> {
    return this.guard(() => this.init.services.settleC2d(this, lockToken, 'reject'));
  }

  abandonC2d(lockToken: string): Promise<void> {
    return this.guard(() => this.init.services.settleC2d(this, lockToken, 'abandon'));
  }

  /** Throws FH_SESSION_CLOSED, FH_AUTH_SCOPE or FH_AUTH_EXPIRED (the old expiry then stays). */
  renew(principal: Principal): void {
    if (!this.isActive) throw new HubError('FH_SESSION_CLOSED', 'the session has ended');
    this.init.checkRenewal(principal);
    this.armExpiry(principal.expiresAt);
  }

  disconnect(): void {
    if (!this.end()) return;
    this.init.onEnd(this);
  }

  /** The core ends the session: tells the head why, then cleans up. Idempotent. */
  close(reason: HubError): void {
    if (!this.end()) return;
    try {
      this.proxy.close(reason);
    } catch {
      // A head failing to close its socket must not stop the core's cleanup.
    }
    this.init.onEnd(this);
  }

  /** Schedules closing with FH_AUTH_EXPIRED at `expiresAt` (ms since the epoch); undefined = never. */
  armExpiry(expiresAt: number | undefined): void {
    this.expiry?.cancel();
    this.expiry = undefined;
    if (expiresAt === undefined || !this.isActive) return;
    const delay = expiresAt - this.init.clock.now();
    this.expiry = this.init.clock.setTimeout(
      () => this.close(new HubError('FH_AUTH_EXPIRED', 'the session token expired')),
      Math.max(0, delay),
    );
  }

  private end(): boolean {
    if (!this.isActive) return false;
    this.isActive = false;
    this.expiry?.cancel();
    this.expiry = undefined;
    return true;
  }

  private setFlag(flag: 'c2d' | 'methods' | 'desired', on: boolean): void {
    if (!this.isActive) return;
    const was = flag === 'c2d' ? this.c2dEnabled : flag === 'methods' ? this.methodsEnabled : this.desiredEnabled;
    if (was === on) return;
    if (flag === 'c2d') this.c2dEnabled = on;
    else if (flag === 'methods') this.methodsEnabled = on;
    else this.desiredEnabled = on;
    this.init.services.flagsChanged(this, flag);
  }

  /**
   * Runs `fn` while the session is active. Not `async`: that would wrap every call (each telemetry
   * message) in one more promise and microtask hop; a synchronous throw still becomes a rejection.
   */
  private guard<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.isActive) return Promise.reject(new HubError('FH_SESSION_CLOSED', 'the session has ended'));
    try {
      return fn();
    } catch (err) {
      return Promise.reject(err);
    }
  }
}
