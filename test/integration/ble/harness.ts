/**
 * Runs the ble module under a real module host and hub core (in process, MemoryStore; as
 * runtime/modules/host-test-kit.ts does for the host's own tests, but with real timers) and reads
 * what it produced the way the cloud side would: device telemetry, twins, direct methods, the
 * module twin, and the module's health from the host.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestHub, type TestHub } from '../../../hub-core/core/test-kit.js';
import type { JsonObject, JsonValue } from '../../../hub-core/core/types.js';
import { silentLogger } from '../../../hub-core/log.js';
import type { ModuleHealth } from '../../../runtime/modules/api.js';
import { ModuleHost } from '../../../runtime/modules/module-host.js';
import { bleFactory } from '../../../modules/ble/index.js';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = resolve(here, 'fixtures');

export interface TelemetryRecord {
  seq: number;
  body: Record<string, unknown>;
}

export interface BleRun extends TestHub {
  host: ModuleHost;
  telemetry(deviceId: string): TelemetryRecord[];
  /** Waits until `deviceId` has telemetry for which `match` holds (default: any). */
  waitTelemetry(deviceId: string, match?: (body: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<TelemetryRecord>;
  reported(deviceId: string): Promise<JsonObject>;
  moduleReported(): Promise<JsonObject>;
  patchDesired(deviceId: string, desired: JsonObject): Promise<void>;
  invoke(deviceId: string, methodName: string, payload: JsonValue): Promise<{ status: number; payload: JsonValue }>;
  health(): ModuleHealth | undefined;
  /** Health details of one device. */
  deviceHealth(deviceId: string): Record<string, unknown> | undefined;
  state(): string | undefined;
  stop(): Promise<void>;
}

/** Polls `check` until it holds (a guard against hanging, not a speed assertion). */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: () => string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let runs = 0;

/** Starts module instance `ble` with `config`; resolves once it is running (first discovery round done). */
export async function runBle(config: Record<string, unknown>): Promise<BleRun> {
  const t = await createTestHub();
  const dataDir = resolve(here, '..', '..', '.tmp', 'ble', `run-${process.pid}-${++runs}`);
  mkdirSync(dataDir, { recursive: true });
  const host = ModuleHost.create({ core: t.hub, gatewayDeviceId: 'gw', factories: new Map([['ble', bleFactory]]), dataDir, logger: silentLogger() });
  const seen = new Map<string, TelemetryRecord[]>();
  const unsubscribe = t.hub.telemetry.onAppend((m) => {
    if (m.moduleId !== undefined) return;
    const list = seen.get(m.deviceId) ?? [];
    list.push({ seq: m.seq, body: JSON.parse(Buffer.from(m.message.body).toString('utf8')) as Record<string, unknown> });
    seen.set(m.deviceId, list);
  });
  try {
    await host.start({ ble: { type: 'ble', config } });
  } catch (err) {
    unsubscribe();
    await host.stop();
    await t.hub.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const run: BleRun = {
    ...t,
    host,
    telemetry: (deviceId) => seen.get(deviceId) ?? [],
    async waitTelemetry(deviceId, match = () => true, timeoutMs = 15_000) {
      let found: TelemetryRecord | undefined;
      await waitUntil(() => (found = run.telemetry(deviceId).find((r) => match(r.body))) !== undefined,
        () => `telemetry of ${deviceId} (have ${JSON.stringify(run.telemetry(deviceId).slice(-5).map((r) => r.body))}); health: ${JSON.stringify(run.health())}`, timeoutMs);
      return found!;
    },
    async reported(deviceId) {
      return (await t.hub.twins.get({ deviceId })).properties.reported;
    },
    async moduleReported() {
      return (await t.hub.twins.get({ deviceId: 'gw', moduleId: 'ble' })).properties.reported;
    },
    async patchDesired(deviceId, desired) {
      await t.hub.twins.patch({ deviceId }, { properties: { desired } });
    },
    async invoke(deviceId, methodName, payload) {
      const r = await t.hub.methods.invoke({ deviceId }, { methodName, payload, responseTimeoutInSeconds: 30 });
      return { status: r.status, payload: r.payload ?? null };
    },
    health: () => host.status().ble?.health,
    deviceHealth(deviceId) {
      const devices = (run.health()?.details as { devices?: Record<string, Record<string, unknown>> } | undefined)?.devices;
      return devices?.[deviceId];
    },
    state: () => host.status().ble?.state,
    async stop() {
      unsubscribe();
      await host.stop();
      await t.hub.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return run;
}
