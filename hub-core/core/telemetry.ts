/**
 * Device-to-cloud telemetry: size check, per-identity throttle, hub stamps, a monotonic sequence
 * number, a durable write (group commit), then the onAppend listeners. Messages live in the
 * `telemetry` sublevel in segments (telemetry-segment.ts) keyed by the seq of their first
 * message, and a periodic sweep drops segments past retention.
 */
import { HubError } from '../errors.js';
import { decodeJson, encodeJson, parseSeqKey, seqKey, type Store } from '../store/store.js';
import type { Clock, HubLimits, TelemetryService } from './api.js';
import type { Background } from './background.js';
import type { TimerHandle } from './clock.js';
import { describe, identityKey } from './ids.js';
import type { Presence } from './presence.js';
import type { Registry } from './registry.js';
import { decodeTelemetry, enqueuedMsOf, enqueuedTimeOf, messageSize, TelemetryEncoder } from './telemetry-codec.js';
import { decodeSegment, segmentCount, SegmentWriter } from './telemetry-segment.js';
import { KeyedThrottle } from './throttle.js';
import type { IdentityRef, Message, StoredTelemetry, SystemProperties } from './types.js';
import type { WriteFn } from './write.js';

/** Meta key holding the highest seq ever assigned, written before a sweep deletes messages. */
const SEQ_FLOOR_KEY = 'telemetry-last-seq';
/** How often retention runs, ms (or the retention itself when shorter). */
export const RETENTION_SWEEP_MS = 60_000;
/** Segments examined per sweep step (bounded memory while deleting a large backlog). */
const SWEEP_CHUNK = 1000;

export interface TelemetryDeps {
  telemetry: Store;
  meta: Store;
  write: WriteFn;
  clock: Clock;
  limits: HubLimits;
  registry: Registry;
  presence: Presence;
  background: Background;
}

/** Implements {@link TelemetryService}. */
export class Telemetry implements TelemetryService {
  private seq = 0;
  private readonly listeners = new Set<(message: StoredTelemetry) => void>();
  private readonly throttle: KeyedThrottle;
  private sweepTimer: TimerHandle | undefined;
  private stopped = false;
  private admission: ((ref: IdentityRef, message: Message) => void) | undefined;
  private sweeping = false;
  /** Readers' floors (holdRetention): the sweep keeps seq >= the lowest, up to telemetryMaxHoldMs. */
  private readonly holds = new Set<() => number>();
  private readonly segments: SegmentWriter;
  private readonly encoder = new TelemetryEncoder();

  private constructor(private readonly deps: TelemetryDeps) {
    this.throttle = new KeyedThrottle(deps.clock, deps.limits.telemetryPerSecond);
    this.segments = new SegmentWriter((first, value) =>
      deps.write([{ type: 'put', key: seqKey(first), value, sublevel: deps.telemetry }]));
  }

  /**
   * Recovers the sequence from the last stored key, or from the floor written before a sweep
   * emptied the store: a restart never reuses a seq a reader may already have seen.
   */
  static async load(deps: TelemetryDeps): Promise<Telemetry> {
    const telemetry = new Telemetry(deps);
    for await (const [key, value] of deps.telemetry.iterate({ reverse: true, limit: 1 })) {
      telemetry.seq = parseSeqKey(key) + segmentCount(value) - 1;
    }
    const floor = await deps.meta.get(SEQ_FLOOR_KEY);
    if (floor !== undefined) telemetry.seq = Math.max(telemetry.seq, decodeJson<number>(floor));
    return telemetry;
  }

  /**
   * See {@link TelemetryService.append}. `message.system` and `message.properties` become the
   * hub's: the stamps are written into `system` in place, and both objects are what the result and
   * the listeners carry. Copying them (a spread of a few system properties plus the stamps) cost
   * ~2 µs, more than the rest of the append.
   */
  async append(ref: IdentityRef, message: Message): Promise<StoredTelemetry> {
    if (this.stopped) throw new HubError('FH_HUB_CLOSED', 'the hub core is closed');
    this.deps.registry.requireExists(ref);
    const size = messageSize(message);
    if (size > this.deps.limits.maxMessageBytes) {
      throw new HubError('FH_MSG_TOO_LARGE', `message of ${size} bytes exceeds ${this.deps.limits.maxMessageBytes}`);
    }
    // Unlimited (the default): skip building the identity key, a new string per module message.
    if (this.deps.limits.telemetryPerSecond > 0 && !this.throttle.tryTake(identityKey(ref))) {
      throw new HubError('FH_THROTTLED', `${describe(ref)} exceeds ${this.deps.limits.telemetryPerSecond} messages/s`, { retryable: true });
    }
    const now = this.deps.clock.now();
    const system: SystemProperties = message.system ?? {};
    // The connection ids are the hub's to set: a client cannot claim another identity.
    system.enqueuedTime = enqueuedTimeOf(now);
    system.connectionDeviceId = ref.deviceId;
    if (ref.moduleId !== undefined) system.connectionModuleId = ref.moduleId;
    else if ('connectionModuleId' in system) delete system.connectionModuleId;
    const stamped: Message = { body: message.body, system, properties: message.properties ?? {} };
    // After the stamps, so a check (the gateway's routes) sees the connection ids.
    if (this.admission !== undefined) this.admission(ref, stamped);
    // Encoded straight into the open segment: sized first (the step that may throw), then written.
    const recordBytes = this.encoder.size(now, ref.deviceId, ref.moduleId, stamped);
    // Assigned before the write, synchronously: key order is arrival order even in one batch.
    const seq = ++this.seq;
    const at = this.segments.reserve(seq, recordBytes);
    this.encoder.writeTo(this.segments.buffer, at, now, ref.deviceId, ref.moduleId, stamped);
    await this.segments.written;
    this.deps.presence.touch(ref, now);
    const stored: StoredTelemetry = { seq, deviceId: ref.deviceId, message: stamped };
    if (ref.moduleId !== undefined) stored.moduleId = ref.moduleId;
    // The size check saves a Set iterator per message in the usual case of no listener.
    if (this.listeners.size !== 0) this.notify(stored);
    return stored;
  }

  setAdmission(check: ((ref: IdentityRef, message: Message) => void) | undefined): void {
    this.admission = check;
  }

  private notify(stored: StoredTelemetry): void {
    for (const listener of this.listeners) {
      try {
        listener(stored);
      } catch {
        // A failing listener must not fail the device's send: the message is already durable.
      }
    }
  }

  async *read(options: { afterSeq?: number; deviceId?: string; limit?: number } = {}): AsyncIterableIterator<StoredTelemetry> {
    const after = options.afterSeq !== undefined && options.afterSeq >= 0 ? Math.floor(options.afterSeq) : 0;
    const limit = options.limit !== undefined && options.limit >= 0 ? options.limit : Infinity;
    if (limit === 0) return;
    // Start at the segment holding seq after+1: the last segment whose first seq is <= after+1.
    let start: string | undefined;
    for await (const key of this.deps.telemetry.keys({ lte: seqKey(after + 1), reverse: true, limit: 1 })) start = key;
    let n = 0;
    for await (const [key, value] of this.deps.telemetry.iterate(start === undefined ? {} : { gte: start })) {
      const first = parseSeqKey(key);
      const records = decodeSegment(value);
      for (let i = 0; i < records.length; i++) {
        const seq = first + i;
        if (seq <= after) continue;
        const stored = decodeTelemetry(seq, records[i] as Uint8Array);
        if (options.deviceId !== undefined && stored.deviceId !== options.deviceId) continue;
        yield stored;
        if (++n >= limit) return;
      }
    }
  }

  onAppend(listener: (message: StoredTelemetry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  lastSeq(): number {
    return this.seq;
  }

  holdRetention(floor: () => number): () => void {
    const hold = (): number => floor();
    this.holds.add(hold);
    return () => this.holds.delete(hold);
  }

  /** The lowest seq some reader still holds (Infinity: none). */
  private heldFrom(): number {
    let min = Infinity;
    for (const hold of this.holds) min = Math.min(min, hold());
    return min;
  }

  /** Starts the periodic retention sweep (clock timer). */
  startRetention(): void {
    if (this.stopped || this.sweepTimer !== undefined) return;
    const every = Math.max(1, Math.min(RETENTION_SWEEP_MS, this.deps.limits.telemetryRetentionMs));
    const arm = (): void => {
      this.sweepTimer = this.deps.clock.setTimeout(() => {
        this.deps.background.run(() => this.sweep());
        if (!this.stopped) arm();
      }, every);
    };
    arm();
  }

  /** Stops the sweep and refuses new appends (reads keep working until the store closes). */
  stop(): void {
    this.stopped = true;
    this.sweepTimer?.cancel();
    this.sweepTimer = undefined;
  }

  /**
   * Deletes segments whose newest message was enqueued more than telemetryRetentionMs ago and
   * that no reader holds (or that are past telemetryMaxHoldMs as well); returns how many
   * messages. Keys are in seq order, which is enqueue order, so it stops at the first segment
   * still (partly) kept.
   */
  async sweep(): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    try {
      const now = this.deps.clock.now();
      const cutoff = now - this.deps.limits.telemetryRetentionMs;
      const holdCutoff = now - Math.max(this.deps.limits.telemetryMaxHoldMs, this.deps.limits.telemetryRetentionMs);
      const held = this.heldFrom();
      let deleted = 0;
      for (;;) {
        let lastExpired: string | undefined;
        let expired = 0;
        let segments = 0;
        let more = false;
        for await (const [key, value] of this.deps.telemetry.iterate({ limit: SWEEP_CHUNK })) {
          const records = decodeSegment(value);
          const newest = records[records.length - 1];
          if (newest !== undefined) {
            const newestMs = enqueuedMsOf(newest);
            if (newestMs >= cutoff) break;
            // A segment with a message some reader has not processed stays, up to the hold limit.
            const lastSeq = parseSeqKey(key) + records.length - 1;
            if (lastSeq >= held && newestMs >= holdCutoff) break;
          }
          lastExpired = key;
          expired += records.length;
          if (++segments === SWEEP_CHUNK) more = true;
        }
        if (lastExpired === undefined) return deleted;
        // Remember the seq first: if this empties the store, a restart must not start over at 1.
        await this.deps.write([{ type: 'put', key: SEQ_FLOOR_KEY, value: encodeJson(this.seq), sublevel: this.deps.meta }]);
        await this.deps.telemetry.clear({ lte: lastExpired });
        deleted += expired;
        if (!more) return deleted;
      }
    } finally {
      this.sweeping = false;
    }
  }
}
