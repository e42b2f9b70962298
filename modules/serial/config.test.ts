/**
 * The serial config schema through the module host's validator: defaults filled per framing and
 * parser kind, the two device forms, and wrong keys and values reported with their JSON paths.
 */
import { describe, expect, it } from 'vitest';
import { resolveModuleConfigs, validateModuleConfigs } from '../../runtime/modules/module-configs.js';
import type { SerialConfig } from './config.js';
import { serialFactory } from './index.js';

const factories = new Map([['serial', serialFactory]]);
const base = '/modules/se/config';
const paths = (config: unknown): string[] => validateModuleConfigs({ se: { type: 'serial', config } }, factories).map((e) => e.path);

describe('serial config schema', () => {
  it('fills the defaults of the port, its framing and parser, and the module', () => {
    const config = {
      ports: [
        { name: 'gps', path: '/dev/ttyUSB0', deviceId: 'gps-1', profile: 'nmea-gps' },
        {
          name: 'bin', path: '/dev/ttyUSB1', framing: { kind: 'lengthPrefixed' }, parser: { kind: 'regex', pattern: '(?<a>.)' },
          devices: [{ deviceId: 'a', profile: 'p', match: { id: 1 } }], commands: { ping: { data: 'PING', appendDelimiter: true } },
        },
        { name: 't', path: '/dev/ttyS0', framing: { kind: 'timeout' }, parser: { kind: 'nmea' }, deviceId: 'x', profile: 'p' },
      ],
    };
    expect(paths(config)).toEqual([]);
    const resolved = resolveModuleConfigs({ se: { type: 'serial', config } }, factories).modules.get('se')!.config as SerialConfig;
    expect(resolved).toMatchObject({ profileDirs: [], reopen: { minDelayMs: 500, maxDelayMs: 30_000 }, maxPendingTelemetry: 100, maxPendingWrites: 16 });
    expect(resolved.ports[0]).toEqual({ name: 'gps', path: '/dev/ttyUSB0', deviceId: 'gps-1', profile: 'nmea-gps', dataBits: 8, parity: 'none', stopBits: 1, telemetry: 'interval', commands: {} });
    expect(resolved.ports[1]!.framing).toEqual({ kind: 'lengthPrefixed', lengthOffset: 0, lengthBytes: 1, byteOrder: 'BE', lengthAdjustment: 0, stripBytes: 0, maxFrameBytes: 1024 });
    expect(resolved.ports[1]!.parser).toEqual({ kind: 'regex', pattern: '(?<a>.)', flags: '', encoding: 'utf8', trim: true });
    expect(resolved.ports[1]!.commands.ping).toEqual({ data: 'PING', encoding: 'utf8', appendDelimiter: true });
    expect(resolved.ports[2]!.framing).toEqual({ kind: 'timeout', silenceMs: 50, maxFrameBytes: 1024 });
    expect(resolved.ports[2]!.parser).toEqual({ kind: 'nmea', requireChecksum: true });
    expect(resolved.ports[0]!.baudRate).toBeUndefined(); // the profile's hint, else 9600, decides at start
  });

  it('reports wrong keys and values with their paths', () => {
    const config = {
      ports: [
        { name: 'a b', path: '/dev/x', deviceId: 'd', profile: 'p', baudRate: 7, stopBits: 3, framing: { kind: 'delimiter', delimiter: '\n', delimiterHex: '0a' } },
        { name: 'b', path: '/dev/y', deviceId: 'e', profile: 'p', framing: { kind: 'fixed', length: 4, maxFrameBytes: 9 }, parser: { kind: 'csv' } },
        { name: 'c', path: '/dev/z', deviceId: 'f', profile: 'p', commands: { write: { data: 'x' }, ok: { data: 'y', encoding: 'rot13' } } },
      ],
      extra: true,
    };
    const found = paths(config);
    for (const p of ['/ports/0/name', '/ports/0/baudRate', '/ports/0/stopBits', '/ports/0/framing', '/ports/1/framing/maxFrameBytes', '/ports/1/parser/kind', '/ports/2/commands', '/ports/2/commands/ok/encoding', '/extra']) {
      expect(found, p).toContain(`${base}${p}`);
    }
  });

  it('takes one device or a devices list, not both, not neither', () => {
    expect(paths({ ports: [{ name: 'a', path: '/dev/x' }] })).toContain(`${base}/ports/0`);
    expect(paths({ ports: [{ name: 'a', path: '/dev/x', deviceId: 'd', profile: 'p', devices: [{ deviceId: 'e', profile: 'p' }] }] })).toContain(`${base}/ports/0`);
    expect(paths({ ports: [{ name: 'a', path: '/dev/x', deviceId: 'd' }] })).toContain(`${base}/ports/0`);
  });
});
