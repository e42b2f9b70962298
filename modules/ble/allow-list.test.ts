/**
 * Allow-lists and binding (pure): which discovered peripherals count, name patterns, and which
 * configured device each admitted peripheral becomes.
 */
import { describe, expect, it } from 'vitest';
import { AllowList, bindDevices, matchesDevice, nameMatches, normalizeAddress } from './allow-list.js';
import type { BleDeviceConfig } from './manifest.js';

const dev = (deviceId: string, sel: { address?: string; name?: string }): BleDeviceConfig => ({ deviceId, profile: 'p', ...sel });

describe('allow-list', () => {
  it('matches names exactly or by a prefix with a trailing *', () => {
    expect(nameMatches('LYWSD03MMC', 'LYWSD03MMC')).toBe(true);
    expect(nameMatches('LYWSD03MMC', 'LYWSD03MMC-2')).toBe(false);
    expect(nameMatches('LYW*', 'LYWSD03MMC')).toBe(true);
    expect(nameMatches('*', 'anything')).toBe(true);
    expect(nameMatches('LYW*', undefined)).toBe(false);
    expect(normalizeAddress(' aa:bb:cc:dd:ee:0f ')).toBe('AA:BB:CC:DD:EE:0F');
  });

  it('admits listed addresses (any case), configured addresses and listed names; nothing else', () => {
    const allow = new AllowList({ addresses: ['aa:00:00:00:00:01'], names: ['Thermo*'] }, [dev('x', { address: 'AA:00:00:00:00:09' })]);
    expect(allow.admits({ address: 'AA:00:00:00:00:01' })).toBe(true);
    expect(allow.admits({ address: 'AA:00:00:00:00:09' })).toBe(true);
    expect(allow.admits({ address: 'AA:00:00:00:00:02', name: 'Thermo-1' })).toBe(true);
    expect(allow.admits({ address: 'AA:00:00:00:00:03', name: 'Other' })).toBe(false);
    expect(allow.admits({ address: 'AA:00:00:00:00:04' })).toBe(false);
  });

  it('admits every peripheral when both lists are empty', () => {
    expect(new AllowList({ addresses: [], names: [] }, []).admits({ address: 'AA:00:00:00:00:05', name: 'Anything' })).toBe(true);
  });

  it('matches a device by address, by name, or by both', () => {
    const p = { address: 'AA:00:00:00:00:01', name: 'Batt-A' };
    expect(matchesDevice(dev('a', { address: 'aa:00:00:00:00:01' }), p)).toBe(true);
    expect(matchesDevice(dev('b', { name: 'Batt*' }), p)).toBe(true);
    expect(matchesDevice(dev('c', { address: 'AA:00:00:00:00:01', name: 'Other' }), p)).toBe(false);
    expect(matchesDevice(dev('d', { address: 'AA:00:00:00:00:02' }), p)).toBe(false);
  });

  it('binds each unbound device to its own admitted peripheral, in config order', () => {
    const devices = [dev('a', { name: 'Batt*' }), dev('b', { name: 'Batt*' }), dev('c', { address: 'AA:00:00:00:00:07' }), dev('d', { name: 'Batt*' })];
    const allow = new AllowList({ addresses: [], names: ['Batt*'] }, devices);
    const seen = [
      { address: 'AA:00:00:00:00:01', name: 'Batt-1' },
      { address: 'AA:00:00:00:00:02', name: 'Batt-2' },
      { address: 'AA:00:00:00:00:03', name: 'Batt-3' },
      { address: 'AA:00:00:00:00:07' },
    ];
    const bound = bindDevices(devices, new Set([1, 2, 3]), seen, allow, new Set(['AA:00:00:00:00:01']));
    expect([...bound].map(([i, p]) => [devices[i]!.deviceId, p.address])).toEqual([
      ['b', 'AA:00:00:00:00:02'], ['c', 'AA:00:00:00:00:07'], ['d', 'AA:00:00:00:00:03'],
    ]);
  });

  it('never binds a name match the allow-list does not admit', () => {
    const devices = [dev('a', { name: 'Batt*' })];
    const allow = new AllowList({ addresses: ['AA:00:00:00:00:01'], names: [] }, devices);
    const bound = bindDevices(devices, new Set([0]), [{ address: 'AA:00:00:00:00:02', name: 'Batt-B' }], allow, new Set());
    expect(bound.size).toBe(0);
  });
});
