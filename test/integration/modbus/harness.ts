/**
 * Runs the modbus module under a real module host and hub core (in process, MemoryStore) and reads
 * what it produced the way the cloud side would: device telemetry, twins, direct methods, and the
 * module's health from the host.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestHub, type TestHub } from '../../../hub-core/core/test-kit.js';
import type { JsonObject, JsonValue } from '../../../hub-core/core/types.js';
import { silentLogger } from '../../../hub-core/log.js';
import type { ModuleHealth } from '../../../runtime/modules/api.js';
import { ModuleHost } from '../../../runtime/modules/module-host.js';
import { modbusFactory } from '../../../modules/modbus/index.js';

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface TelemetryRecord {
  seq: number;
  body: Record<string, unknown>;
  contentType?: string;
  /** When the test saw it (ms, performance.now()). */
  seenAt: number;
}

export interface ModbusRun extends TestHub {
  host: ModuleHost;
  /** Telemetry of `deviceId` stored so far (parsed JSON bodies, in order). */
  telemetry(deviceId: string): TelemetryRecord[];
  /** Waits until `deviceId` has at least `n` telemetry messages. */
  waitTelemetry(deviceId: string, n?: number, timeoutMs?: number): Promise<TelemetryRecord[]>;
  reported(deviceId: string): Promise<JsonObject>;
  patchDesired(deviceId: string, desired: JsonObject): Promise<void>;
  invoke(deviceId: string, methodName: string, payload: JsonValue): Promise<{ status: number; payload: JsonValue }>;
  health(): ModuleHealth | undefined;
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

/** Starts module instance `mb` of type modbus with `config`; resolves once it is running. */
export async function runModbus(config: Record<string, unknown>, dataDir: string): Promise<ModbusRun> {
  const t = await createTestHub();
  const host = ModuleHost.create({ core: t.hub, gatewayDeviceId: 'gw', factories: new Map([['modbus', modbusFactory]]), dataDir, logger: silentLogger() });
  const seen = new Map<string, TelemetryRecord[]>();
  const unsubscribe = t.hub.telemetry.onAppend((m) => {
    const list = seen.get(m.deviceId) ?? [];
    const text = Buffer.from(m.message.body).toString('utf8');
    list.push({ seq: m.seq, body: JSON.parse(text) as Record<string, unknown>, contentType: m.message.system.contentType, seenAt: performance.now() });
    seen.set(m.deviceId, list);
  });
  await host.start({ mb: { type: 'modbus', config } });
  const run: ModbusRun = {
    ...t,
    host,
    telemetry: (deviceId) => seen.get(deviceId) ?? [],
    async waitTelemetry(deviceId, n = 1, timeoutMs = 15_000) {
      await waitUntil(() => run.telemetry(deviceId).length >= n, () => `${n} telemetry messages of ${deviceId}; health: ${JSON.stringify(run.health())}; status: ${JSON.stringify(host.status().mb)}`, timeoutMs);
      return run.telemetry(deviceId);
    },
    async reported(deviceId) {
      return (await t.hub.twins.get({ deviceId })).properties.reported;
    },
    async patchDesired(deviceId, desired) {
      await t.hub.twins.patch({ deviceId }, { properties: { desired } });
    },
    async invoke(deviceId, methodName, payload) {
      const r = await t.hub.methods.invoke({ deviceId }, { methodName, payload, responseTimeoutInSeconds: 30 });
      return { status: r.status, payload: r.payload ?? null };
    },
    health: () => host.status().mb?.health,
    state: () => host.status().mb?.state,
    async stop() {
      unsubscribe();
      await host.stop();
      await t.hub.close();
    },
  };
  return run;
}
