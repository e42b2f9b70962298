/**
 * The ble module's health: `ok` while the adapter is up and every device is found, not backing
 * off, and has no open problem (ble-device.ts `recordError`: a lost link until the next
 * connection, a characteristic until it next reads or decodes in full, a write until the next
 * good one); `degraded` otherwise, naming what is wrong with
 * the coded error in the details. Never `failed`: that would restart the module, and the devices
 * that work would suffer. Details show the adapter, the slots in use, and per device its state
 * (`searching` until discovery finds it, `connecting`, `connected`, `waiting` for a slot, `idle`
 * until a read falls due, `backoff`), its peripheral, counters and last error.
 */
import type { JsonObject, ModuleHealth } from '../../runtime/modules/api.js';
import type { BleDevice } from './ble-device.js';
import type { AdapterDiscovery } from './discovery.js';
import { errorJson } from './errors.js';
import type { ConnectionScheduler } from './scheduler.js';

export type DeviceState = 'searching' | 'connecting' | 'connected' | 'waiting' | 'idle' | 'backoff';

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

export function deviceState(device: BleDevice, scheduler: ConnectionScheduler): DeviceState {
  if (device.binding === undefined) return 'searching';
  const s = scheduler.status(device.deviceId);
  if (device.status.connected) return 'connected';
  if (s?.state === 'active') return 'connecting';
  if (s?.state === 'backoff') return 'backoff';
  return s?.state === 'waiting' ? 'waiting' : 'idle';
}

export function moduleHealth(discovery: AdapterDiscovery, devices: readonly BleDevice[], scheduler: ConnectionScheduler, maxConnections: number): ModuleHealth {
  const problems: string[] = [];
  if (discovery.state === 'down') problems.push(`adapter ${discovery.adapterName ?? '(default)'} unavailable (${discovery.error?.code ?? 'FH_BLE_ADAPTER'})`);
  const details: JsonObject = {};
  for (const d of devices) {
    const state = deviceState(d, scheduler);
    const s = scheduler.status(d.deviceId);
    const err = d.openProblems()[0];
    const entry: JsonObject = {
      state,
      sessions: s?.sessions ?? 0,
      failures: s?.failures ?? 0,
      consecutiveFailures: s?.consecutiveFailures ?? 0,
      reads: d.status.reads,
      notifications: d.status.notifications,
      writes: d.status.writes,
      droppedTelemetry: d.status.droppedTelemetry,
    };
    if (d.binding !== undefined) entry.address = d.binding.address;
    if (d.binding?.name !== undefined) entry.name = d.binding.name;
    if (s?.backoffMs !== undefined) entry.backoffMs = s.backoffMs;
    const lastValueAt = iso(d.status.lastValueAt);
    if (lastValueAt !== undefined) entry.lastValueAt = lastValueAt;
    const lastConnectedAt = iso(d.status.lastConnectedAt);
    if (lastConnectedAt !== undefined) entry.lastConnectedAt = lastConnectedAt;
    if (d.status.lastError !== undefined) entry.lastError = { ...errorJson(d.status.lastError), at: iso(d.status.lastErrorAt) ?? null };
    details[d.deviceId] = entry;
    if (state === 'searching' && discovery.state === 'up') problems.push(`${d.deviceId} not found yet`);
    else if (state === 'backoff') problems.push(`${d.deviceId} backoff (${(err as { code?: string } | undefined)?.code ?? '?'})`);
    else if (err !== undefined) problems.push(`${d.deviceId} ${(err as { code?: string }).code ?? 'error'}`);
  }
  const adapter: JsonObject = { state: discovery.state };
  if (discovery.adapterName !== undefined) adapter.name = discovery.adapterName;
  if (discovery.error !== undefined) adapter.error = errorJson(discovery.error);
  return {
    status: problems.length === 0 ? 'ok' : 'degraded',
    ...(problems.length > 0 ? { message: problems.join('; ') } : {}),
    details: {
      adapter,
      maxConnections,
      connected: scheduler.activeCount,
      mode: devices.length > maxConnections ? 'rotating' : 'holding',
      devices: details,
    },
  };
}
