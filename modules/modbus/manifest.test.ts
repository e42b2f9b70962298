/**
 * The modbus config schema through the module host's validator: defaults filled per port kind,
 * unknown keys and bad values reported with their JSON paths.
 */
import { describe, expect, it } from 'vitest';
import type { ModuleFactory } from '../../runtime/modules/api.js';
import { validateModuleConfigs, resolveModuleConfigs } from '../../runtime/modules/module-configs.js';
import { modbusManifest, type ModbusConfig } from './manifest.js';

const factory: ModuleFactory = { manifest: modbusManifest, create: () => ({ start: async () => undefined, stop: async () => undefined }) };
const factories = new Map([['modbus', factory]]);

describe('modbus config schema', () => {
  it('fills the defaults of each port kind, device and module', () => {
    const config = {
      ports: { line: { kind: 'rtu', path: '/dev/ttyUSB0' }, plc: { kind: 'tcp', host: '10.0.0.5' } },
      devices: [{ deviceId: 'meter-1', profile: 'eastron-sdm120', port: 'line', unitId: 1 }],
    };
    expect(validateModuleConfigs({ mb: { type: 'modbus', config } }, factories)).toEqual([]);
    const resolved = resolveModuleConfigs({ mb: { type: 'modbus', config } }, factories).modules.get('mb')!.config as ModbusConfig;
    expect(resolved.ports.line).toEqual({ kind: 'rtu', path: '/dev/ttyUSB0', baudRate: 9600, parity: 'none', dataBits: 8, stopBits: 1 });
    expect(resolved.ports.plc).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 502, connectTimeoutMs: 5000 });
    expect(resolved.devices[0]).toEqual({ deviceId: 'meter-1', profile: 'eastron-sdm120', port: 'line', unitId: 1, timeoutMs: 1000, retries: 1 });
    expect(resolved).toMatchObject({ coalesce: true, profileDirs: [], backoff: { afterFailures: 3, maxDelayS: 300 }, reopen: { minDelayMs: 500, maxDelayMs: 30_000 } });
  });

  it('reports wrong keys and values with their paths', () => {
    const config = {
      ports: { line: { kind: 'rtu', path: '/dev/ttyUSB0', baudRate: 12, host: 'x' }, plc: { kind: 'udp', host: 'h' } },
      devices: [{ deviceId: 'a b', profile: 'p', port: 'line', unitId: 300, extra: 1 }],
      coalesce: 'yes',
    };
    const paths = validateModuleConfigs({ mb: { type: 'modbus', config } }, factories).map((e) => e.path);
    const base = '/modules/mb/config';
    for (const p of ['/ports/line/baudRate', '/ports/line/host', '/ports/plc/kind', '/devices/0/deviceId', '/devices/0/unitId', '/devices/0/extra', '/coalesce']) {
      expect(paths).toContain(`${base}${p}`);
    }
    expect(validateModuleConfigs({ mb: { type: 'modbus', config: {} } }, factories).map((e) => e.message).join(' ')).toMatch(/ports/);
  });
});
