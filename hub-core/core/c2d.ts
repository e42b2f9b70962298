/**
 * Cloud-to-device messaging: one durable, ordered queue per device (at most maxC2dQueueDepth),
 * with TTL, lock tokens, a delivery-count limit and feedback. Two ways out: push to a session that
 * enabled C2D (MQTT subscription, AMQP receiver link), at most {@link PUSH_WINDOW} unsettled at
 * a time, and pull (`receive`, HTTP) with a lock of c2dLockMs. All work on one device's queue runs
 * under that device's lock, which keeps order and makes settlement races impossible.
 */
import { HubError } from '../errors.js';
import type { BatchOp, Store } from '../store/store.js';
import type { C2dService, Clock, HubLimits } from './api.js';
import type { Background } from './background.js';
import { C2dQueues, type C2dEntry } from './c2d-queues.js';
import { effectiveExpiry, recordMessage, type C2dRecord } from './c2d-records.js';
import type { TimerHandle } from './clock.js';
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
    const size = messageSize(message);
    if (size > this.deps.limits.maxC2dBytes) throw new HubError('FH_MSG_TOO_LARGE', `message of ${size} bytes exceeds ${this.deps.limits.maxC2dBytes}`);
    const now = this.deps.clock.now();
    const expiresMs = effectiveExpiry(message.system?.expiryTimeUtc, now, this.deps.limits.c2dDefaultTtlMs);
    await this.lock.run(deviceId, async () => {
      await this.queues.expireDue(deviceId);
      const depth = this.queues.count(deviceId);
      if (depth >= this.deps.limits.maxC2dQueueDepth) throw new HubError('FH_C2D_QUEUE_FULL', `the queue of device ${deviceId} holds ${depth} messages`);
      // messageId and ack stay as the sender gave them; the hub sets only `to` and enqueuedTime.
      const record: C2dRecord = {
        seq: this.queues.nextSeq(),
        enqueuedMs: now,
        expiresMs,
        deliveryCount: 0,
        body: Buffer.from(message.body).toString('base64'),
        system: { ...message.system, to: `/devices/${deviceId}/messages/devicebound`, enqueuedTime: new Date(now).toISOString() },
        properties: { ...message.properties },
      };
      await this.queues.enqueue(deviceId, record);
    });
    this.pump(deviceId);
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
    if (session.identity.moduleId !== undefined) return;
    const deviceId = session.identity.deviceId;
    if (!session.c2dEnabled) {
      this.release(session, 'queued');
      return;
    }
    this.deps.background.run(() => this.lock.run(deviceId, () => {
      for (const entry of this.queues.existing(deviceId) ?? []) if (entry.state === 'parked') entry.state = 'queued';
    }));
    this.pump(deviceId);
  }

  /**
   * The session ended: its unsettled messages count one more delivery and are parked for the
   * next session (persistent) or returned to the queue (not persistent).
   */
  sessionEnded(session: Session): void {
    if (session.identity.moduleId !== undefined) return;
    this.release(session, session.persistent ? 'parked' : 'queued');
  }

  // ---- identity lifecycle (registry) ----

  deleteOps(ref: IdentityRef): BatchOp[] {
    return ref.moduleId === undefined ? this.queues.deleteOps(ref.deviceId) : [];
  }

  afterDelete(ref: IdentityRef): void {
    if (ref.moduleId === undefined) this.queues.forget(ref.deviceId);
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

  /** Expires due messages of every device now (feedback Expired), in the background. */
  sweep(): void {
    for (const deviceId of this.queues.deviceIds()) {
      if (this.queues.hasDue(deviceId)) this.deps.background.run(() => this.lock.run(deviceId, () => this.queues.expireDue(deviceId)));
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

  /** Queues a delivery round for the device's session, if it wants C2D. */
  private pump(deviceId: string): void {
    if (this.closed) return;
    this.deps.background.run(() => this.lock.run(deviceId, () => this.pumpLocked(deviceId)));
  }

  private async pumpLocked(deviceId: string): Promise<void> {
    const session = this.deps.session({ deviceId });
    const queue = this.queues.existing(deviceId);
    if (this.closed || session === undefined || !session.active || !session.c2dEnabled || queue === undefined) return;
    await this.queues.expireDue(deviceId);
    let inFlight = queue.filter((e) => e.owner === session).length;
    for (const entry of [...queue]) {
      if (inFlight >= PUSH_WINDOW) return;
      if (entry.state !== 'queued') continue;
      const record = await this.queues.read(deviceId, entry);
      if (record === undefined) continue;
      if (!session.active || !session.c2dEnabled || entry.state !== 'queued') return;
      const token = this.queues.lock(deviceId, entry, session);
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
    const deviceId = typeof token === 'string' ? this.queues.deviceOf(token) : undefined;
    const lost = (): HubError => new HubError('FH_C2D_LOCK_LOST', 'the lock token is unknown or expired');
    if (deviceId === undefined || deviceId !== ref.deviceId || ref.moduleId !== undefined) throw lost();
    await this.lock.run(deviceId, async () => {
      const entry = this.queues.existing(deviceId)?.find((e) => e.lockToken === token);
      if (entry === undefined || entry.owner !== owner) throw lost();
      this.queues.unlock(entry);
      if (outcome === 'complete') await this.queues.remove(deviceId, [entry], 'Success');
      else if (outcome === 'reject') await this.queues.remove(deviceId, [entry], 'Rejected');
      else await this.queues.requeue(deviceId, entry, 'queued');
    });
    this.pump(deviceId);
  }

  /** Re-queues (or parks) every message the session holds unsettled, then pumps. */
  private release(session: Session, state: 'queued' | 'parked'): void {
    const deviceId = session.identity.deviceId;
    this.deps.background.run(() => this.lock.run(deviceId, async () => {
      for (const entry of [...(this.queues.existing(deviceId) ?? [])]) {
        if (entry.owner !== session) continue;
        this.queues.unlock(entry);
        await this.queues.requeue(deviceId, entry, state);
      }
    }));
    this.pump(deviceId);
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
