/**
 * Runs the serial module under a real module host and hub core (in process, MemoryStore) and
 * reads what it produced the way the cloud side would: device telemetry as stored by the core,
 * twins, direct methods through the core's method service, and the module's health from the host.
 */
import { createTestHub, type TestHub } from '../../../hub-core/core/test-kit.js';
import type { JsonObject, JsonValue } from '../../../hub-core/core/types.js';
import { silentLogger } from '../../../hub-core/log.js';
import type { ModuleHealth } from '../../../runtime/modules/api.js';
import { ModuleHost } from '../../../runtime/modules/module-host.js';
import { serialFactory } from '../../../modules/serial/index.js';
import { waitFor } from './peers.js';

export interface TelemetryRecord {
  deviceId: string;
  moduleId: string | undefined;
  body: Record<string, unknown>;
  contentType: string | undefined;
}

export interface SerialRun extends TestHub {
  host: ModuleHost;
  /** Telemetry of `deviceId` stored so far, in order. */
  telemetry(deviceId: string): TelemetryRecord[];
  waitTelemetry(deviceId: string, n?: number, timeoutMs?: number): Promise<TelemetryRecord[]>;
  reported(deviceId: string): Promise<JsonObject>;
  invoke(deviceId: string, methodName: string, payload: JsonValue): Promise<{ status: number; payload: JsonValue }>;
  health(): ModuleHealth | undefined;
  /** The health details of port `name`. */
  port(name: string): Record<string, unknown>;
  waitHealth(check: (h: ModuleHealth) => boolean, what: string, timeoutMs?: number): Promise<ModuleHealth>;
  stop(): Promise<void>;
}

/** Starts module instance `se` of type serial with `config`; resolves once the host reports it running. */
export async function runSerial(config: Record<string, unknown>, dataDir: string): Promise<SerialRun> {
  const t = await createTestHub();
  const host = ModuleHost.create({ core: t.hub, gatewayDeviceId: 'gw', factories: new Map([['serial', serialFactory]]), dataDir, logger: silentLogger() });
  const seen: TelemetryRecord[] = [];
  const unsubscribe = t.hub.telemetry.onAppend((m) => {
    seen.push({
      deviceId: m.deviceId, moduleId: m.moduleId, contentType: m.message.system.contentType,
      body: JSON.parse(Buffer.from(m.message.body).toString('utf8')) as Record<string, unknown>,
    });
  });
  await host.start({ se: { type: 'serial', config } });
  const run: SerialRun = {
    ...t,
    host,
    telemetry: (deviceId) => seen.filter((r) => r.deviceId === deviceId),
    async waitTelemetry(deviceId, n = 1, timeoutMs = 10_000) {
      await waitFor(() => run.telemetry(deviceId).length >= n, () => `${n} telemetry messages of ${deviceId} (have ${JSON.stringify(run.telemetry(deviceId).map((r) => r.body))}); status: ${JSON.stringify(host.status().se)}`, timeoutMs);
      return run.telemetry(deviceId);
    },
    async reported(deviceId) {
      return (await t.hub.twins.get({ deviceId })).properties.reported;
    },
    async invoke(deviceId, methodName, payload) {
      const r = await t.hub.methods.invoke({ deviceId }, { methodName, payload, responseTimeoutInSeconds: 30 });
      return { status: r.status, payload: r.payload ?? null };
    },
    health: () => host.status().se?.health,
    port(name) {
      const details = run.health()?.details as { ports?: Record<string, Record<string, unknown>> } | undefined;
      return details?.ports?.[name] ?? {};
    },
    async waitHealth(check, what, timeoutMs = 10_000) {
      await waitFor(() => run.health() !== undefined && check(run.health()!), () => `${what}; health: ${JSON.stringify(run.health())}; state ${host.status().se?.state}`, timeoutMs);
      return run.health()!;
    },
    async stop() {
      unsubscribe();
      await host.stop();
      await t.hub.close();
    },
  };
  if (host.status().se?.state !== 'running') {
    await run.stop();
    throw new Error(`the serial module did not start: ${JSON.stringify(host.status().se)}`);
  }
  return run;
}
