/**
 * `fieldhub config check` sees what the modbus schema cannot: a device on a port that does not
 * exist, a bad RTU unit id, a device configured twice, a profile that does not load or is for
 * another protocol; each with its JSON path under /modules/<name>/config.
 */
import { describe, expect, it } from 'vitest';
import { validateModuleConfigs } from '../../runtime/modules/module-configs.js';
import { factories } from '../index.js';

describe('modbus config check', () => {
  it('reports every problem with its path, and none for a good config', () => {
    const ports = { line1: { kind: 'rtu', path: '/dev/ttyUSB0' } };
    const good = validateModuleConfigs({
      meters: { type: 'modbus', config: { ports, devices: [{ deviceId: 'meter-1', profile: 'eastron-sdm120', port: 'line1', unitId: 1 }] } },
    }, factories);
    expect(good).toEqual([]);

    const bad = validateModuleConfigs({
      meters: {
        type: 'modbus',
        config: {
          ports,
          devices: [
            { deviceId: 'meter-1', profile: 'eastron-sdm120', port: 'line2', unitId: 1 },
            { deviceId: 'meter-1', profile: 'no-such-profile', port: 'line1', unitId: 1 },
            { deviceId: 'gps-1', profile: 'nmea-gps', port: 'line1', unitId: 0 },
          ],
        },
      },
    }, factories);
    expect(bad.map((e) => e.path)).toEqual([
      '/modules/meters/config/devices/0/port',
      '/modules/meters/config/devices/1/deviceId',
      '/modules/meters/config/devices/1/profile',
      '/modules/meters/config/devices/2/unitId',
      '/modules/meters/config/devices/2/profile',
    ]);
    expect(bad.find((e) => e.path.endsWith('2/profile'))?.message).toMatch(/not modbus/);
    expect(bad.every((e) => e.code === 'FH_CONFIG_INVALID')).toBe(true);
  });
});
