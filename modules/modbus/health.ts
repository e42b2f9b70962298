/**
 * The modbus module's health from its ports and devices: `ok` while every port is open and every
 * device answered its last cycle cleanly; `degraded` otherwise, naming what is wrong (a port down,
 * a device backed off or answering with exceptions) with the coded error in the details. A Modbus
 * problem is never `failed`: that would restart the module, and the other slaves would suffer.
 */
import type { JsonObject, ModuleHealth } from '../../runtime/modules/api.js';
import type { PortArbiter } from './arbiter.js';
import { errorJson, type ModbusDevice } from './modbus-device.js';

export type DeviceState = 'ok' | 'starting' | 'degraded' | 'backoff';

/** A device's state from its poller. */
export function deviceState(device: ModbusDevice): DeviceState {
  const s = device.status;
  if (s.backoffMs !== undefined) return 'backoff';
  if (s.lastError !== undefined) return 'degraded';
  return s.cycles === 0 ? 'starting' : 'ok';
}

export function moduleHealth(ports: ReadonlyMap<string, PortArbiter>, devices: readonly ModbusDevice[]): ModuleHealth {
  const problems: string[] = [];
  const portDetails: JsonObject = {};
  for (const [name, arbiter] of ports) {
    const wire = arbiter.wire;
    portDetails[name] = {
      state: arbiter.state,
      transactions: arbiter.counters.transactions,
      retries: arbiter.counters.retries,
      failures: { ...arbiter.counters.failures },
      ...(wire !== undefined ? { bytesOut: wire.bytesOut, bytesIn: wire.bytesIn, bytesDropped: wire.bytesDropped } : {}),
      ...(arbiter.state !== 'open' && arbiter.error !== undefined ? { error: errorJson(arbiter.error) } : {}),
    };
    if (arbiter.state === 'down') problems.push(`port ${name} down (${arbiter.error?.code ?? 'FH_MODBUS_PORT'})`);
  }
  const deviceDetails: JsonObject = {};
  for (const d of devices) {
    const s = d.status;
    const state = deviceState(d);
    deviceDetails[d.deviceId] = {
      state,
      cycles: s.cycles,
      failedCycles: s.failedCycles,
      consecutiveFailures: s.consecutiveFailures,
      overruns: s.overruns,
      ...(s.backoffMs !== undefined ? { backoffMs: s.backoffMs } : {}),
      ...(s.lastSuccessAt !== undefined ? { lastSuccessAt: s.lastSuccessAt } : {}),
      ...(s.lastError !== undefined ? { lastError: errorJson(s.lastError) } : {}),
    };
    if (state === 'backoff' || state === 'degraded') problems.push(`${d.deviceId} ${state} (${s.lastError?.code ?? '?'})`);
  }
  return {
    status: problems.length === 0 ? 'ok' : 'degraded',
    ...(problems.length > 0 ? { message: problems.join('; ') } : {}),
    details: { ports: portDetails, devices: deviceDetails },
  };
}
