/**
 * The module host: runs the configured module instances on top of the hub core. Instances start in
 * dependency order (independent ones in parallel) and stop in reverse; each one's failures and
 * restarts stay its own (module-instance.ts). `apply` takes a new modules section and restarts only
 * the instances whose type, dependencies or validated config changed, starts added ones and stops
 * removed ones. Host operations run one at a time.
 */
import type { Clock, HubCoreApi } from '../../hub-core/core/api.js';
import { systemClock } from '../../hub-core/core/clock.js';
import { isHubError } from '../../hub-core/errors.js';
import { childLogger, type Logger } from '../../hub-core/log.js';
import type { ModuleFactory } from './api.js';
import { LeafOwners } from './leaf-device.js';
import { resolveModuleConfigs, type ModuleConfigs, type ResolvedModule } from './module-configs.js';
import { ModuleInstance, type InstanceDeps, type ModuleStatus } from './module-instance.js';

export interface ModuleHostOptions {
  core: HubCoreApi;
  /** The gateway's device id: module identities are `{gatewayDeviceId, name}` (created if missing, as is the device). */
  gatewayDeviceId: string;
  factories: ReadonlyMap<string, ModuleFactory>;
  /** Each instance gets `<dataDir>/<name>`. */
  dataDir: string;
  logger: Logger;
  /** Timers (backoff, bounds). Default the system clock. */
  clock?: Clock;
  /** Bound on a module's stop(), ms. Default 10000. */
  stopTimeoutMs?: number;
  /** Bound on a module's start(), ms. Default 30000. */
  startTimeoutMs?: number;
  /** Restart backoff after a failure: minDelayMs doubling per consecutive failure up to maxDelayMs. Default 1000 / 60000. */
  restart?: { minDelayMs: number; maxDelayMs: number };
}

export class ModuleHost {
  private readonly instances = new Map<string, ModuleInstance>();
  private readonly deps: InstanceDeps;
  private ops: Promise<unknown> = Promise.resolve();
  private gatewayReady = false;
  /** Bumped by stop(): an apply queued before it starts nothing more. */
  private stopEpoch = 0;

  private constructor(private readonly options: ModuleHostOptions) {
    const restart = options.restart ?? { minDelayMs: 1000, maxDelayMs: 60_000 };
    if (!(restart.minDelayMs > 0) || !(restart.maxDelayMs >= restart.minDelayMs)) throw new RangeError('ModuleHost: restart needs 0 < minDelayMs <= maxDelayMs');
    this.deps = {
      core: options.core,
      gatewayDeviceId: options.gatewayDeviceId,
      dataDir: options.dataDir,
      logger: options.logger,
      clock: options.clock ?? systemClock,
      startTimeoutMs: options.startTimeoutMs ?? 30_000,
      stopTimeoutMs: options.stopTimeoutMs ?? 10_000,
      restart,
      leafOwners: new LeafOwners(),
    };
  }

  static create(options: ModuleHostOptions): ModuleHost {
    return new ModuleHost(options);
  }

  /**
   * Checks the modules section (RuntimeError FH_MODULE_UNKNOWN, FH_MODULE_DEPENDENCY or
   * FH_CONFIG_INVALID with every problem) and starts every enabled instance. Resolves once each
   * has made its first attempt: a failing one is then backing off, the others run.
   */
  start(configs: ModuleConfigs): Promise<void> {
    return this.apply(configs);
  }

  /**
   * Moves to a new modules section: stops removed and changed instances (dependents first), then
   * starts changed and added ones (dependencies first). An invalid section changes nothing.
   */
  apply(configs: ModuleConfigs): Promise<void> {
    const epoch = this.stopEpoch;
    return this.serial(async () => {
      const next = resolveModuleConfigs(configs, this.options.factories);
      await this.ensureGateway();
      const stale = [...this.instances.values()].filter((i) => {
        const spec = next.modules.get(i.name);
        return spec === undefined || !sameSpec(spec, i.spec);
      });
      await this.stopSet(stale);
      for (const inst of stale) this.instances.delete(inst.name);
      const fresh: ModuleInstance[] = [];
      for (const name of next.order) {
        if (this.instances.has(name)) continue;
        const inst = new ModuleInstance(next.modules.get(name)!, this.deps);
        this.instances.set(name, inst);
        fresh.push(inst);
      }
      const log = childLogger(this.options.logger, 'modules');
      if (stale.length + fresh.length > 0) {
        log.info({ event: 'modules-apply', stopped: stale.map((i) => i.name), starting: fresh.map((i) => i.name) }, 'applying module configuration');
      }
      await this.startSet(fresh, () => epoch === this.stopEpoch);
    });
  }

  /**
   * Stops every instance, dependents first, each within its bound. Starts in progress are told
   * to give up at once (their signal aborts), so a hanging start does not hold the stop.
   */
  stop(): Promise<void> {
    this.stopEpoch++;
    for (const inst of this.instances.values()) inst.requestStop();
    return this.serial(async () => {
      await this.stopSet([...this.instances.values()]);
    });
  }

  /** Per instance: state, restarts, last error, health, time to the next restart. */
  status(): Record<string, ModuleStatus> {
    const out: Record<string, ModuleStatus> = {};
    for (const [name, inst] of this.instances) out[name] = inst.status();
    return out;
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.ops.then(op);
    this.ops = next.catch(() => undefined);
    return next;
  }

  /** Each instance starts once the instances it depends on (in the set) made their attempt. */
  private async startSet(set: readonly ModuleInstance[], stillWanted: () => boolean): Promise<void> {
    const started = new Map<string, Promise<void>>();
    for (const inst of set) {
      const deps = inst.spec.dependsOn.map((d) => started.get(d)).filter((p) => p !== undefined);
      started.set(inst.name, Promise.all(deps).then(() => (stillWanted() ? inst.start() : undefined)));
    }
    await Promise.all(started.values());
  }

  /** Each instance stops once the instances that depend on it (in the set) have stopped. */
  private async stopSet(set: readonly ModuleInstance[]): Promise<void> {
    const stopped = new Map<string, Promise<void>>();
    const byName = new Map(set.map((i) => [i.name, i]));
    const stopOne = (inst: ModuleInstance): Promise<void> => {
      let p = stopped.get(inst.name);
      if (p === undefined) {
        const dependents = set.filter((d) => d.spec.dependsOn.includes(inst.name) && byName.has(d.name));
        p = Promise.all(dependents.map(stopOne)).then(() => inst.stop());
        stopped.set(inst.name, p);
      }
      return p;
    };
    await Promise.all(set.map(stopOne));
  }

  private async ensureGateway(): Promise<void> {
    if (this.gatewayReady) return;
    const { core, gatewayDeviceId } = this.options;
    try {
      await core.registry.getDevice(gatewayDeviceId);
    } catch (err) {
      if (!isHubError(err, 'FH_REGISTRY_NOT_FOUND')) throw err;
      await core.registry.createDevice({ deviceId: gatewayDeviceId, capabilities: { iotEdge: true } }).catch((e: unknown) => {
        if (!isHubError(e, 'FH_REGISTRY_EXISTS')) throw e;
      });
    }
    this.gatewayReady = true;
  }
}

/** Same type, same dependencies, same validated config (deep). */
function sameSpec(a: ResolvedModule, b: ResolvedModule): boolean {
  return a.type === b.type && a.factory === b.factory && deepEqual([...a.dependsOn].sort(), [...b.dependsOn].sort()) && deepEqual(a.config, b.config);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
