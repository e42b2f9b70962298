/**
 * The ble module (type `ble`): one {@link BleDevice} per configured device (a hub identity run by
 * its profile), the adapter and discovery loop, the allow-lists that bind discovered peripherals
 * to devices, and the connection scheduler that gives devices their sessions. Problems the config
 * schema cannot see (an unknown profile, a profile of another protocol, a duplicate device id or
 * address) fail the start with FH_CONFIG_INVALID and the JSON path; a missing adapter does not:
 * it is retried in the background and shown in health. The admitted peripherals that discovery
 * finds are kept in the module twin's reported `discovered` (address → name and bound device).
 */
import { loadProfile } from '../../devices/loader.js';
import type { BleProfile } from '../../devices/profile.js';
import type { Clock } from '../../hub-core/core/api.js';
import { systemClock } from '../../hub-core/core/clock.js';
import { RuntimeError } from '../../runtime/errors.js';
import type { FieldhubModule, JsonObject, JsonValue, ModuleContext } from '../../runtime/modules/api.js';
import { AllowList, bindDevices, normalizeAddress, type SeenPeripheral } from './allow-list.js';
import type { BleBackend } from './backend.js';
import { BleDevice } from './ble-device.js';
import { planDevice } from './device-plan.js';
import { AdapterDiscovery } from './discovery.js';
import { moduleHealth } from './health.js';
import type { BleConfig } from './manifest.js';
import { nodeBleBackend } from './node-ble-backend.js';
import { ConnectionScheduler } from './scheduler.js';
import { startSession } from './session.js';

export interface BleModuleOptions {
  /** The Bluetooth stack (default: BlueZ through node-ble). */
  readonly backend?: BleBackend;
  /** Default: the system clock. */
  readonly clock?: Clock;
}

/** Bound on plain D-Bus calls to BlueZ (properties, discovery, disconnect), ms. */
export const CALL_TIMEOUT_MS = 5000;

/** Most peripherals kept in the reported `discovered` map. */
export const MAX_DISCOVERED = 64;

const invalid = (path: string, message: string, cause?: unknown): RuntimeError =>
  new RuntimeError('FH_CONFIG_INVALID', `${path}: ${message}`, { problems: [`${path}: ${message}`], ...(cause !== undefined ? { cause } : {}) });

export class BleModule implements FieldhubModule {
  private ctx: ModuleContext | undefined;
  private config: BleConfig | undefined;
  private devices: BleDevice[] = [];
  private scheduler: ConnectionScheduler | undefined;
  private discovery: AdapterDiscovery | undefined;
  private allow: AllowList | undefined;
  private discovered = '{}';
  private lastHealth = '';
  private readonly clock: Clock;

  constructor(private readonly options: BleModuleOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  async start(ctx: ModuleContext): Promise<void> {
    this.ctx = ctx;
    const config = ctx.config as BleConfig;
    this.config = config;
    const profiles = this.loadProfiles(config);
    this.allow = new AllowList(config.discovery.allow, config.devices);
    const dwellMs = Math.round(config.dwellS * 1000);
    const scheduler = new ConnectionScheduler({
      slots: config.maxConnections, dwellMs, backoff: config.reconnect, clock: this.clock,
      serve: (id) => startSession({
        device: this.devices.find((d) => d.deviceId === id)!, adapter: () => this.discovery?.adapter,
        connectTimeoutMs: config.connectTimeoutMs, dwellMs, clock: this.clock, logger: ctx.logger,
        onConnected: () => scheduler.markConnected(id),
      }),
      onSessionEnd: () => this.updateHealth(),
    });
    this.scheduler = scheduler;
    scheduler.setPaused(true);
    this.devices = config.devices.map((d) => new BleDevice({
      config: d, profile: profiles.get(d.profile)!, clock: this.clock, logger: ctx.logger, writeTimeoutMs: config.writeTimeoutMs,
      plan: planDevice(profiles.get(d.profile)!, {
        ...(d.pollIntervalS !== undefined ? { devicePollIntervalS: d.pollIntervalS } : {}),
        ...(config.pollIntervalS !== undefined ? { modulePollIntervalS: config.pollIntervalS } : {}),
      }),
      onDemand: () => scheduler.poke(), onStatus: () => this.updateHealth(),
    }));
    for (const d of this.devices) scheduler.add(d.deviceId, () => d.demand());
    for (const d of this.devices) await d.start(ctx);
    this.discovery = new AdapterDiscovery({
      backend: this.options.backend ?? nodeBleBackend,
      ...(config.adapter !== undefined ? { adapterName: config.adapter } : {}),
      backendOptions: { callTimeoutMs: CALL_TIMEOUT_MS, gattTimeoutMs: config.gattTimeoutMs },
      intervalMs: Math.round(config.discovery.intervalS * 1000), reconnect: config.reconnect, clock: this.clock, logger: ctx.logger,
      onAdapter: (up) => {
        scheduler.setPaused(!up);
        this.updateHealth();
      },
      onSeen: (seen) => this.onSeen(seen),
    });
    await this.discovery.start();
    this.updateHealth();
    ctx.logger.info({ event: 'ble-started', devices: this.devices.length, maxConnections: config.maxConnections, adapter: this.discovery.state }, 'ble module started');
  }

  async stop(): Promise<void> {
    await this.scheduler?.stop();
    await this.discovery?.stop();
    await Promise.allSettled(this.devices.map((d) => d.stop()));
  }

  private loadProfiles(config: BleConfig): Map<string, BleProfile> {
    const profiles = new Map<string, BleProfile>();
    const ids = new Set<string>();
    const addresses = new Set<string>();
    config.devices.forEach((d, i) => {
      if (ids.has(d.deviceId)) throw invalid(`/devices/${i}/deviceId`, `${d.deviceId} is configured twice`);
      ids.add(d.deviceId);
      if (d.address !== undefined) {
        if (addresses.has(normalizeAddress(d.address))) throw invalid(`/devices/${i}/address`, `${d.address} is configured twice`);
        addresses.add(normalizeAddress(d.address));
      }
      if (profiles.has(d.profile)) return;
      let profile;
      try {
        profile = loadProfile(d.profile, { dirs: config.profileDirs });
      } catch (err) {
        throw invalid(`/devices/${i}/profile`, (err as Error).message, err);
      }
      if (profile.protocol !== 'ble') throw invalid(`/devices/${i}/profile`, `profile ${profile.id} is for ${profile.protocol}, not ble`);
      profiles.set(d.profile, profile);
    });
    return profiles;
  }

  /** A discovery round: bind devices not bound yet, keep `discovered` current. */
  private onSeen(seen: readonly SeenPeripheral[]): void {
    const config = this.config!;
    const allow = this.allow!;
    const unbound = new Set(this.devices.flatMap((d, i) => (d.binding === undefined ? [i] : [])));
    if (unbound.size > 0) {
      const taken = new Set(this.devices.flatMap((d) => (d.binding !== undefined ? [d.binding.address] : [])));
      for (const [i, p] of bindDevices(config.devices, unbound, seen, allow, taken)) this.devices[i]!.bind(p);
    }
    const byAddress = new Map(this.devices.flatMap((d) => (d.binding !== undefined ? [[d.binding.address, d.deviceId] as const] : [])));
    const now: JsonObject = {};
    for (const p of seen.filter((x) => allow.admits(x)).slice(0, MAX_DISCOVERED)) {
      // null would delete in a twin patch: absent fields are left out.
      const deviceId = byAddress.get(p.address);
      now[p.address] = { ...(p.name !== undefined ? { name: p.name } : {}), ...(deviceId !== undefined ? { deviceId } : {}) };
    }
    this.reportDiscovered(now);
    this.updateHealth();
  }

  private reportDiscovered(now: JsonObject): void {
    const text = JSON.stringify(now);
    if (text === this.discovered) return;
    const before = JSON.parse(this.discovered) as JsonObject;
    const patch: Record<string, JsonValue> = { ...now };
    for (const k of Object.keys(before)) if (!(k in now)) patch[k] = null;
    this.discovered = text;
    this.ctx?.updateReported({ discovered: patch }).catch((err: unknown) => {
      this.discovered = '{}';
      this.ctx?.logger.warn({ event: 'ble-report-failed', err: (err as Error).message }, 'discovered peripherals not reported');
    });
  }

  /** Reports health (counters change often), and logs transitions as health events. */
  private updateHealth(): void {
    const ctx = this.ctx;
    if (ctx === undefined || ctx.signal.aborted || this.discovery === undefined || this.scheduler === undefined) return;
    const health = moduleHealth(this.discovery, this.devices, this.scheduler, this.config!.maxConnections);
    const key = `${health.status}|${health.message ?? ''}`;
    if (key !== this.lastHealth) {
      const level = health.status === 'ok' ? 'info' : 'warn';
      ctx.logger[level]({ event: 'ble-health', status: health.status, problems: health.message }, `ble health ${health.status}`);
      this.lastHealth = key;
    }
    ctx.setHealth(health);
  }
}
