/**
 * Cloud-to-device messaging: one durable, ordered queue per device (at most maxC2dQueueDepth),
 * with TTL, lock tokens, a delivery-count limit and feedback. Two ways out: push to a session that
 * enabled C2D (MQTT subscription, AMQP receiver link), at most {@link PUSH_WINDOW} unsettled at
 * a time, and pull (`receive`, HTTP) with a lock of c2dLockMs. All work on one queue runs under
 * that queue's lock, which keeps order and makes settlement races impossible.
 *
 * Module input messages (routes' BrokeredEndpoint) use the same machinery: a module identity's
 * queue (key `d/m`) holds its input messages, pushed to the module's session with
 * `system.inputName` set, settled the same way, never pulled and without feedback.
 */
import { HubError } from '../errors.js';
import type { BatchOp, Store } from '../store/store.js';
import type { C2dService, Clock, HubLimits } from './api.js';
import type { Background } from './background.js';
import { C2dQueues, type C2dEntry } from './c2d-queues.js';
import { effectiveExpiry, recordMessage, type C2dRecord } from './c2d-records.js';
import type { TimerHandle } from './clock.js';
import { identityKey, parseIdentityKey } from './ids.js';
import { KeyedLock } from './keyed-lock.js';
import type { Registry } from './registry.js';
import type { ServiceQueue } from './service-queue.js';
import type { C2dOutcome, Session } from './session.js';
import { messageSize } from './telemetry-codec.js';
import type { C2dDelivery, FeedbackRecord, IdentityRef, Message } from './types.js';
import type { WriteFn } from './write.js';

/** Unsettled pushed messages per session. */
export const PUSH_WINDOW = 10;
/** How often queued messages are checked for expiry, ms. Expired feedback may lag by this much. */
export const C2D_EXPIRY_SWEEP_MS = 60_000;

export interface C2dDeps {
  c2d: Store;
  write: WriteFn;
  clock: Clock;
  limits: HubLimits;
  registry: Registry;
  background: Background;
  /** The durable feedback queue; a removal and its feedback are written in one batch. */
  feedback: Pick<ServiceQueue<FeedbackRecord>, 'stage'>;
  /** The live session of an identity. */
  session(ref: IdentityRef): Session | undefined;
}

/** Implements {@link C2dService}, plus the session side of C2D. */
export class C2d implements C2dService {
  private readonly lock = new KeyedLock();
  private sweepTimer: TimerHandle | undefined;
  private closed = false;

  private constructor(private readonly deps: C2dDeps, private readonly queues: C2dQueues) {}

  /** Loads the queues (metadata only) from the store. */
  static async load(deps: C2dDeps): Promise<C2d> {
    const { c2d, write, clock, limits, registry, feedback } = deps;
    return new C2d(deps, await C2dQueues.load({ c2d, write, clock, limits, identities: registry, feedback }));
  }

  async send(deviceId: string, message: Message): Promise<void> {
    if (this.closed) throw new HubError('FH_HUB_CLOSED', 'the hub core is closed');
    if (this.deps.registry.deviceRecord(deviceId) === undefined) throw new HubError('FH_REGISTRY_NOT_FOUND', `device ${String(deviceId)} is not registered`);
    // messageId and ack stay as the sender gave them; the hub sets only `to` and enqueuedTime.
    await this.enqueue(deviceId, `device ${deviceId}`, message, { to: `/devices/${deviceId}/messages/devicebound` });
  }

  async sendToModuleInput(ref: { deviceId: string; moduleId: string }, inputName: string, message: Message): Promise<void> {
    if (this.closed) throw new HubError('FH_HUB_CLOSED', 'the hub core is closed');
    const { deviceId, moduleId } = ref;
    if (typeof moduleId !== 'string' || this.deps.registry.moduleRecord(deviceId, moduleId) === undefined) {
      throw new HubError('FH_REGISTRY_NOT_FOUND', `module ${String(deviceId)}/${String(moduleId)} is not registered`);
    }
    if (typeof inputName !== 'string' || inputName === '' || inputName.includes('/')) {
      throw new HubError('FH_MSG_INVALID', 'inputName must be a non-empty name without "/"');
    }
    // No feedback for module inputs: an `ack` the message carries from elsewhere is dropped.
    const { ack: _ack, ...system } = message.system ?? {};
    await this.enqueue(identityKey(ref), `module ${deviceId}/${moduleId}`, { ...message, system }, {
      to: `/devices/${deviceId}/modules/${moduleId}/inputs/${inputName}`, inputName,
    });
  }

  async receive(ref: IdentityRef): Promise<C2dDelivery | undefined> {
    // Modules have no C2D queue in IoT Hub; they get module input messages instead.
    if (ref.moduleId !== undefined) return undefined;
    this.deps.registry.require(ref);
    return this.lock.run(ref.deviceId, async () => {
      await this.queues.expireDue(ref.deviceId);
      // Parked messages wait for the persistent session that left them; pull skips them.
      for (const entry of [...(this.queues.existing(ref.deviceId) ?? [])]) {
        if (entry.state !== 'queued') continue;
        const record = await this.queues.read(ref.deviceId, entry);
        if (record === undefined) continue;
        const token = this.queues.lock(ref.deviceId, entry, 'pull');
        entry.lockTimer = this.deps.clock.setTimeout(() => this.lockExpired(ref.deviceId, token), this.deps.limits.c2dLockMs);
        return delivery(entry, token, record);
      }
      return undefined;
    });
  }

  complete(ref: IdentityRef, lockToken: string): Promise<void> {
    return this.settle(ref, 'pull', lockToken, 'complete');
  }

  reject(ref: IdentityRef, lockToken: string): Promise<void> {
    return this.settle(ref, 'pull', lockToken, 'reject');
  }

  abandon(ref: IdentityRef, lockToken: string): Promise<void> {
    return this.settle(ref, 'pull', lockToken, 'abandon');
  }

  /** Messages queued for a device, or (with a module ref) a module's input messages. */
  async depth(ref: IdentityRef): Promise<number> {
    this.deps.registry.require(ref);
    const key = identityKey(ref);
    return this.lock.run(key, async () => {
      await this.queues.expireDue(key);
      return this.queues.count(key);
    });
  }

  async queueDepth(deviceId: string): Promise<number> {
    this.deps.registry.require({ deviceId });
    return this.lock.run(deviceId, async () => {
      await this.queues.expireDue(deviceId);
      return this.queues.count(deviceId);
    });
  }

  /**
   * Each feedback record once it is durable. The same records wait in the service-bound
   * feedback queue (`serviceQueues.feedback`) until a service receiver takes them.
   */
  onFeedback(listener: (record: FeedbackRecord) => void): () => void {
    return this.queues.onFeedback(listener);
  }

  /** Messages held for a device, synchronously (cloudToDeviceMessageCount). */
  count(deviceId: string): number {
    return this.queues.count(deviceId);
  }

  // ---- session side ----

  /** A settlement from a session (MQTT PUBACK, AMQP disposition). */
  settleFromSession(session: Session, lockToken: string, outcome: C2dOutcome): Promise<void> {
    return this.settle(session.identity, session, lockToken, outcome);
  }

  /**
   * The session's C2D flag changed. On enable, messages parked by a persistent session become
   * deliverable. On disable (AMQP receiver link detached, MQTT unsubscribe) the session's
   * unsettled messages are released back to the queue, one more delivery counted, as AMQP does
   * for unsettled messages when a link drops.
   */
  enabledChanged(session: Session): void {
    const key = identityKey(session.identity);
    if (!session.c2dEnabled) {
      this.release(session, 'queued');
      return;
    }
    this.deps.background.run(() => this.lock.run(key, () => {
      for (const entry of this.queues.existing(key) ?? []) if (entry.state === 'parked') entry.state = 'queued';
    }));
    this.pump(key);
  }

  /**
   * The session ended: its unsettled messages count one more delivery and are parked for the
   * next session (persistent) or returned to the queue (not persistent).
   */
  sessionEnded(session: Session): void {
    this.release(session, session.persistent ? 'parked' : 'queued');
  }

  // ---- identity lifecycle (registry) ----

  deleteOps(ref: IdentityRef): BatchOp[] {
    return this.queues.deleteOps(identityKey(ref));
  }

  afterDelete(ref: IdentityRef): void {
    this.queues.forget(identityKey(ref));
  }

  // ---- timers ----

  /** Starts the periodic expiry check (clock timer). */
  startSweep(): void {
    if (this.closed || this.sweepTimer !== undefined) return;
    const arm = (): void => {
      this.sweepTimer = this.deps.clock.setTimeout(() => {
        this.sweep();
        if (!this.closed) arm();
      }, C2D_EXPIRY_SWEEP_MS);
    };
    arm();
  }

  /** Expires due messages of every queue now (feedback Expired), in the background. */
  sweep(): void {
    for (const key of this.queues.keys()) {
      if (this.queues.hasDue(key)) this.deps.background.run(() => this.lock.run(key, () => this.queues.expireDue(key)));
    }
  }

  /** Stops timers and refuses new messages. Unsettled messages stay queued in the store. */
  stop(): void {
    this.closed = true;
    this.sweepTimer?.cancel();
    this.sweepTimer = undefined;
    this.queues.cancelTimers();
  }

  // ---- internals ----

  /**
   * Checks size, expiry and depth, then durably appends a message to queue `key` with the hub's
   * system properties (`to`, enqueuedTime, and inputName for a module input) and pumps.
   */
  private async enqueue(key: string, what: string, message: Message, stamp: { to: string; inputName?: string }): Promise<void> {
    const size = messageSize(message);
    if (size > this.deps.limits.maxC2dBytes) throw new HubError('FH_MSG_TOO_LARGE', `message of ${size} bytes exceeds ${this.deps.limits.maxC2dBytes}`);
    const now = this.deps.clock.now();
    const expiresMs = effectiveExpiry(message.system?.expiryTimeUtc, now, this.deps.limits.c2dDefaultTtlMs);
    await this.lock.run(key, async () => {
      await this.queues.expireDue(key);
      const depth = this.queues.count(key);
      if (depth >= this.deps.limits.maxC2dQueueDepth) throw new HubError('FH_C2D_QUEUE_FULL', `the queue of ${what} holds ${depth} messages`);
      const record: C2dRecord = {
        seq: this.queues.nextSeq(),
        enqueuedMs: now,
        expiresMs,
        deliveryCount: 0,
        body: Buffer.from(message.body).toString('base64'),
        system: { ...message.system, ...stamp, enqueuedTime: new Date(now).toISOString() },
        properties: { ...message.properties },
      };
      await this.queues.enqueue(key, record);
    });
    this.pump(key);
  }

  /** Queues a delivery round for the identity's session, if it wants C2D (or module inputs). */
  private pump(key: string): void {
    if (this.closed) return;
    this.deps.background.run(() => this.lock.run(key, () => this.pumpLocked(key)));
  }

  private async pumpLocked(key: string): Promise<void> {
    const session = this.deps.session(parseIdentityKey(key));
    const queue = this.queues.existing(key);
    if (this.closed || session === undefined || !session.active || !session.c2dEnabled || queue === undefined) return;
    await this.queues.expireDue(key);
    let inFlight = queue.filter((e) => e.owner === session).length;
    for (const entry of [...queue]) {
      if (inFlight >= PUSH_WINDOW) return;
      if (entry.state !== 'queued') continue;
      const record = await this.queues.read(key, entry);
      if (record === undefined) continue;
      if (!session.active || !session.c2dEnabled || entry.state !== 'queued') return;
      const token = this.queues.lock(key, entry, session);
      inFlight++;
      try {
        session.proxy.sendC2d(delivery(entry, token, record));
      } catch {
        // The head could not take it: leave it queued, uncounted; the next pump retries.
        this.queues.unlock(entry);
        return;
      }
    }
  }

  private async settle(ref: IdentityRef, owner: Session | 'pull', token: string, outcome: C2dOutcome): Promise<void> {
    const key = typeof token === 'string' ? this.queues.keyOf(token) : undefined;
    const lost = (): HubError => new HubError('FH_C2D_LOCK_LOST', 'the lock token is unknown or expired');
    if (key === undefined || key !== identityKey(ref)) throw lost();
    await this.lock.run(key, async () => {
      const entry = this.queues.existing(key)?.find((e) => e.lockToken === token);
      if (entry === undefined || entry.owner !== owner) throw lost();
      this.queues.unlock(entry);
      if (outcome === 'complete') await this.queues.remove(key, [entry], 'Success');
      else if (outcome === 'reject') await this.queues.remove(key, [entry], 'Rejected');
      else await this.queues.requeue(key, entry, 'queued');
    });
    this.pump(key);
  }

  /** Re-queues (or parks) every message the session holds unsettled, then pumps. */
  private release(session: Session, state: 'queued' | 'parked'): void {
    const key = identityKey(session.identity);
    this.deps.background.run(() => this.lock.run(key, async () => {
      for (const entry of [...(this.queues.existing(key) ?? [])]) {
        if (entry.owner !== session) continue;
        this.queues.unlock(entry);
        await this.queues.requeue(key, entry, state);
      }
    }));
    this.pump(key);
  }

  /** A pull lock ran out: the message goes back to the queue (one more delivery counted). */
  private lockExpired(deviceId: string, token: string): void {
    this.deps.background.run(() => this.lock.run(deviceId, async () => {
      const entry = this.queues.existing(deviceId)?.find((e) => e.lockToken === token);
      if (entry === undefined || entry.owner !== 'pull') return;
      this.queues.unlock(entry);
      await this.queues.requeue(deviceId, entry, 'queued');
    }));
    this.pump(deviceId);
  }
}

function delivery(entry: C2dEntry, lockToken: string, record: C2dRecord): C2dDelivery {
  return { lockToken, deliveryCount: entry.deliveryCount, enqueuedTime: new Date(entry.enqueuedMs).toISOString(), message: recordMessage(record) };
}
