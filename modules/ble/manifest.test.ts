/**
 * The ble config schema through the module host's validator: defaults filled, a device needs an
 * address or a name, wrong keys and values reported with their JSON paths.
 */
import { describe, expect, it } from 'vitest';
import type { ModuleFactory } from '../../runtime/modules/api.js';
import { resolveModuleConfigs, validateModuleConfigs } from '../../runtime/modules/module-configs.js';
import { bleManifest, type BleConfig } from './manifest.js';

const factory: ModuleFactory = { manifest: bleManifest, create: () => ({ start: async () => undefined, stop: async () => undefined }) };
const factories = new Map([['ble', factory]]);
const base = '/modules/ble/config';

describe('ble config schema', () => {
  it('fills the defaults', () => {
    const config = { devices: [{ deviceId: 'bat-1', profile: 'gatt-battery', address: 'aa:bb:cc:dd:ee:01' }] };
    expect(validateModuleConfigs({ ble: { type: 'ble', config } }, factories)).toEqual([]);
    const resolved = resolveModuleConfigs({ ble: { type: 'ble', config } }, factories).modules.get('ble')!.config as BleConfig;
    expect(resolved).toEqual({
      maxConnections: 3, dwellS: 10, profileDirs: [],
      discovery: { allow: { addresses: [], names: [] }, intervalS: 10 },
      devices: [{ deviceId: 'bat-1', profile: 'gatt-battery', address: 'aa:bb:cc:dd:ee:01' }],
      reconnect: { minDelayMs: 1000, maxDelayMs: 60_000 },
      connectTimeoutMs: 15_000, gattTimeoutMs: 10_000, writeTimeoutMs: 20_000,
    });
  });

  it('wants an address or a name for each device', () => {
    const ok = { devices: [{ deviceId: 'a', profile: 'p', name: 'LYWSD03MMC*' }, { deviceId: 'b', profile: 'p', address: 'AA:BB:CC:DD:EE:02', name: 'x' }] };
    expect(validateModuleConfigs({ ble: { type: 'ble', config: ok } }, factories)).toEqual([]);
    const bad = { devices: [{ deviceId: 'a', profile: 'p' }] };
    expect(validateModuleConfigs({ ble: { type: 'ble', config: bad } }, factories).map((e) => e.path)).toContain(`${base}/devices/0`);
  });

  it('reports wrong keys and values with their paths', () => {
    const config = {
      adapter: 'hci 0', maxConnections: 0, extra: true,
      discovery: { allow: { addresses: ['AA:BB'], names: [''] }, intervalS: 0 },
      devices: [{ deviceId: 'a b', profile: 'p', address: 'zz', pollIntervalS: 0 }],
      reconnect: { minDelayMs: 1 },
    };
    const paths = validateModuleConfigs({ ble: { type: 'ble', config } }, factories).map((e) => e.path);
    for (const p of ['/adapter', '/maxConnections', '/extra', '/discovery/allow/addresses/0', '/discovery/allow/names/0', '/discovery/intervalS',
      '/devices/0/deviceId', '/devices/0/address', '/devices/0/pollIntervalS', '/reconnect/minDelayMs']) {
      expect(paths).toContain(`${base}${p}`);
    }
  });
});
