/**
 * The assembled hub core: builds the services over sublevels of one store, wires them together
 * (sessions ↔ twins, methods, C2D) and exposes {@link HubCoreApi}. All state changes go through
 * one group committer, so the durability level is decided here once.
 */
import { EventEmitter } from 'node:events';
import { HubError } from '../errors.js';
import { GroupCommitter, type GroupCommitStats } from '../store/group-commit.js';
import type { BatchOp, Store } from '../store/store.js';
import type {
  Clock, ConnectOptions, DeviceProxy, DeviceSession, HubCoreApi, HubCoreEvents, HubCoreOptions, HubLimits,
} from './api.js';
import { Auth } from './auth.js';
import { Background } from './background.js';
import { C2d } from './c2d.js';
import { MAX_C2D_TTL_MS } from './c2d-records.js';
import { systemClock } from './clock.js';
import { Files } from './files.js';
import { Methods } from './methods.js';
import { Presence } from './presence.js';
import { Queries } from './query-service.js';
import { Registry } from './registry.js';
import type { ServiceQueueStats } from './service-queue-api.js';
import { ServiceQueues } from './service-queues.js';
import type { SessionServices } from './session.js';
import { SessionTable } from './sessions.js';
import { Telemetry } from './telemetry.js';
import { Twins } from './twins.js';
import type { IdentityRef, Principal } from './types.js';

/** IoT Hub's limits; {@link HubCoreOptions.limits} overrides them field by field. */
export const DEFAULT_LIMITS: Readonly<HubLimits> = Object.freeze({
  maxMessageBytes: 262_144,
  maxC2dBytes: 65_536,
  maxC2dQueueDepth: 50,
  c2dDefaultTtlMs: 3_600_000,
  c2dMaxDeliveryCount: 10,
  c2dLockMs: 60_000,
  maxMethodPayloadBytes: 131_072,
  telemetryPerSecond: 0,
  telemetryRetentionMs: 86_400_000,
  telemetryMaxHoldMs: 604_800_000,
  serviceQueueTtlMs: 3_600_000,
  serviceQueueMaxRecords: 10_000,
  serviceQueueMaxDeliveryCount: 10,
});

/** Counters for health and benchmarks. */
export interface HubCoreStats {
  sessions: number;
  /** Background tasks (C2D pumps, sweeps, re-queues) that failed since start. */
  backgroundFailures: number;
  /** Method answers with an unknown rid, dropped. */
  unmatchedMethodResponses: number;
  pendingMethodCalls: number;
  lastTelemetrySeq: number;
  groupCommit: GroupCommitStats;
  /** The service-bound queues: what they hold and what they dropped (full, expired, dead-lettered). */
  serviceQueues: { feedback: ServiceQueueStats; fileNotifications: ServiceQueueStats };
}

/** The hub core. Create with {@link HubCore.create}; close it before closing the store. */
export class HubCore implements HubCoreApi {
  readonly hostName: string;
  readonly limits: HubLimits;
  readonly registry: Registry;
  readonly auth: Auth;
  readonly twins: Twins;
  readonly methods: Methods;
  readonly c2d: C2d;
  readonly telemetry: Telemetry;
  readonly query: Queries;
  readonly files: Files;
  readonly serviceQueues: ServiceQueues;
  private readonly events = new EventEmitter();
  private closing: Promise<void> | undefined;

  private constructor(
    parts: Pick<HubCore, 'hostName' | 'limits' | 'registry' | 'auth' | 'twins' | 'methods' | 'c2d' | 'telemetry' | 'query' | 'files' | 'serviceQueues'>,
    private readonly sessions: SessionTable,
    private readonly background: Background,
    private readonly committer: GroupCommitter,
  ) {
    this.hostName = parts.hostName;
    this.limits = parts.limits;
    this.registry = parts.registry;
    this.auth = parts.auth;
    this.twins = parts.twins;
    this.methods = parts.methods;
    this.c2d = parts.c2d;
    this.telemetry = parts.telemetry;
    this.query = parts.query;
    this.files = parts.files;
    this.serviceQueues = parts.serviceQueues;
  }

  /**
   * Opens the core over `options.store` (opened if needed; sublevels under `core`), creating the
   * hub policies on first start, loading the registry and C2D queues, and starting the retention
   * and expiry timers. Throws TypeError/RangeError on bad options.
   */
  static async create(options: HubCoreOptions): Promise<HubCore> {
    if (typeof options?.hostName !== 'string' || options.hostName.length === 0) throw new TypeError('HubCore: hostName is required');
    const limits = resolveLimits(options.limits);
    const clock: Clock = options.clock ?? systemClock;
    const root: Store = options.store;
    await root.open();
    const core = root.sublevel('core');
    const committer = new GroupCommitter(root, { sync: options.durability === 'power' });
    const write = (ops: Parameters<GroupCommitter['write']>[0]): Promise<void> => committer.write(ops);
    const background = new Background();
    const presence = new Presence();
    const emitter = new EventEmitter();
    let c2d: C2d | undefined;
    let sessions: SessionTable | undefined;

    const registry = await Registry.load({
      devices: core.sublevel('devices'), modules: core.sublevel('modules'), write, clock, presence,
      c2dCount: (deviceId) => c2d?.count(deviceId) ?? 0,
      closeSessions: (ref, alsoModules, reason) => sessions?.closeIdentity(ref, alsoModules, reason),
    });
    const auth = await Auth.load({ meta: core.sublevel('meta'), write, registry, clock, hostName: options.hostName });
    const table = new SessionTable({
      clock, auth, registry, presence,
      emit: (event, ref, protocol) => emitter.emit(event, ref, protocol),
    });
    sessions = table;
    const twins = new Twins({
      twins: core.sublevel('twins'), write, clock, registry, presence,
      c2dCount: (deviceId) => c2d?.count(deviceId) ?? 0,
      notifyDesired: (ref, patch) => {
        const session = table.get(ref);
        if (session?.active !== true || !session.desiredEnabled) return;
        try {
          session.proxy.sendDesiredPatch(patch);
        } catch {
          // Desired notifications are best effort (never queued, as in IoT Hub).
        }
      },
      reportedChanged: (ref, patch, version) => emitter.emit('reportedUpdated', ref, patch, version),
    });
    const serviceQueues = await ServiceQueues.load({ core, write, clock, limits, background });
    c2d = await C2d.load({
      c2d: core.sublevel('c2d'), write, clock, limits, registry, background, feedback: serviceQueues.feedback, session: (ref) => table.get(ref),
    });
    const telemetry = await Telemetry.load({
      telemetry: core.sublevel('telemetry'), meta: core.sublevel('meta'), write, clock, limits, registry, presence, background,
    });
    const files = await Files.open(clock, options.files, serviceQueues.fileNotifications);
    const methods = new Methods({
      clock, limits, registry, presence, session: (ref) => table.get(ref),
      enabledChanged: (ref, enabled) => emitter.emit('methodsEnabledChanged', ref, enabled),
    });
    registry.addLifecycle(twins);
    registry.addLifecycle(c2d);
    registry.addLifecycle({
      afterCreate: (ref) => emitter.emit('identityCreated', ref),
      afterDelete: (ref) => emitter.emit('identityDeleted', ref),
    });
    table.bind(sessionServices(telemetry, twins, methods, c2d));

    const hub = new HubCore(
      { hostName: options.hostName, limits, registry, auth, twins, methods, c2d, telemetry, query: new Queries(twins), files, serviceQueues },
      table, background, committer,
    );
    // Events are emitted by the table through `emitter`; the hub re-exposes them typed.
    emitter.on('deviceConnected', (...args: HubCoreEvents['deviceConnected']) => hub.events.emit('deviceConnected', ...args));
    emitter.on('deviceDisconnected', (...args: HubCoreEvents['deviceDisconnected']) => hub.events.emit('deviceDisconnected', ...args));
    for (const event of ['identityCreated', 'identityDeleted', 'reportedUpdated', 'methodsEnabledChanged'] as const) {
      // A throwing listener must not fail the registry or twin write that is already durable, nor
      // the head's subscribe or detach that changed a session's methods flag.
      emitter.on(event, (...args: unknown[]) => {
        for (const listener of hub.events.listeners(event) as ((...a: unknown[]) => void)[]) {
          try {
            listener(...args);
          } catch {
            // ignored: listeners own their errors; the others still hear the event
          }
        }
      });
    }
    telemetry.startRetention();
    c2d.startSweep();
    serviceQueues.startSweep();
    return hub;
  }

  async connect(ref: IdentityRef, principal: Principal, proxy: DeviceProxy, options?: ConnectOptions): Promise<DeviceSession> {
    return this.sessions.connect(ref, principal, proxy, options);
  }

  on<E extends keyof HubCoreEvents>(event: E, listener: (...args: HubCoreEvents[E]) => void): this {
    this.events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<E extends keyof HubCoreEvents>(event: E, listener: (...args: HubCoreEvents[E]) => void): this {
    this.events.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /**
   * Resolves once the background work started so far (C2D pushes and re-queues, sweeps) has
   * settled, including work it starts in turn. For tests and orderly shutdown.
   */
  idle(): Promise<void> {
    return this.background.drain();
  }

  /**
   * Writes `ops` (any sublevels of the core's store) atomically through the core's group commit:
   * merged with the core's own writes of the same event-loop turn into one batch, fsync'd with
   * durability `power`. For parts kept in the same store (the gateway's outbox and route
   * checkpoints), so the process has one write stream instead of several.
   */
  commit(ops: BatchOp[]): Promise<void> {
    return this.committer.write(ops);
  }

  /** Counters for health endpoints and benchmarks. */
  stats(): HubCoreStats {
    return {
      sessions: this.sessions.count(),
      backgroundFailures: this.background.failures,
      unmatchedMethodResponses: this.methods.unmatchedResponses,
      pendingMethodCalls: this.methods.pendingCount(),
      lastTelemetrySeq: this.telemetry.lastSeq(),
      groupCommit: this.committer.stats,
      serviceQueues: this.serviceQueues.stats(),
    };
  }

  /**
   * Stops timers, closes every session (FH_HUB_CLOSED to each head), fails pending method calls,
   * and waits for background writes (C2D re-queues) and the group committer. Idempotent. The
   * caller closes the store afterwards.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.telemetry.stop();
      this.c2d.stop();
      this.serviceQueues.stop();
      this.sessions.closeAll(new HubError('FH_HUB_CLOSED', 'the hub is shutting down'));
      this.methods.close();
      await this.background.drain();
      await this.committer.flush();
    })();
    return this.closing;
  }
}

function sessionServices(telemetry: Telemetry, twins: Twins, methods: Methods, c2d: C2d): SessionServices {
  return {
    sendTelemetry: (s, message) => telemetry.append(s.identity, message),
    getTwin: (s) => twins.deviceView(s.identity),
    updateReported: (s, patch) => twins.updateReported(s.identity, patch),
    respondToMethod: (s, rid, status, payload) => methods.respond(s, rid, status, payload),
    flagsChanged: (s, flag) => {
      if (flag === 'c2d') c2d.enabledChanged(s);
      else if (flag === 'methods') methods.methodsEnabled(s);
    },
    settleC2d: (s, token, outcome) => c2d.settleFromSession(s, token, outcome),
    sessionEnded: (s) => {
      methods.sessionEnded(s);
      c2d.sessionEnded(s);
    },
  };
}

/** Merges `partial` over {@link DEFAULT_LIMITS}; RangeError on a negative or non-finite value. */
export function resolveLimits(partial: Partial<HubLimits> = {}): HubLimits {
  const limits: HubLimits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(partial) as Array<[keyof HubLimits, number | undefined]>) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_LIMITS)) throw new RangeError(`HubCore: unknown limit ${key}`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new RangeError(`HubCore: limit ${key} must be a number >= 0`);
    limits[key] = value;
  }
  if (limits.c2dDefaultTtlMs > MAX_C2D_TTL_MS) throw new RangeError('HubCore: c2dDefaultTtlMs is at most 48 h');
  for (const key of ['maxMessageBytes', 'maxC2dBytes', 'maxC2dQueueDepth', 'c2dMaxDeliveryCount', 'c2dLockMs', 'telemetryRetentionMs',
    'telemetryMaxHoldMs', 'serviceQueueTtlMs', 'serviceQueueMaxRecords', 'serviceQueueMaxDeliveryCount'] as const) {
    if (limits[key] <= 0) throw new RangeError(`HubCore: limit ${key} must be > 0`);
  }
  return limits;
}
