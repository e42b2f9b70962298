/**
 * What the schema cannot see, refused at start with FH_CONFIG_INVALID and the JSON path: duplicate
 * ports, paths and device ids, a profile of another protocol or missing, profiles that disagree
 * without a port setting, a regex without the fields the points read, an NMEA filter that starves
 * a point, appendDelimiter without delimiter framing. And what a valid plan resolves.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../hub-core/core/clock.js';
import type { PortConfig, SerialConfig } from './config.js';
import { planPorts } from './port-plan.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'integration', 'serial', 'fixtures');
const clock = new FakeClock();

function config(ports: Partial<PortConfig>[]): SerialConfig {
  return {
    profileDirs: [FIXTURES], reopen: { minDelayMs: 100, maxDelayMs: 1000 }, maxPendingTelemetry: 10, maxPendingWrites: 4,
    ports: ports.map((p, i) => ({ name: `p${i}`, path: `/dev/tty${i}`, dataBits: 8, parity: 'none', stopBits: 1, telemetry: 'interval', commands: {}, ...p }) as PortConfig),
  };
}

function refusal(c: SerialConfig): { code: string; problems: readonly string[] } {
  try {
    planPorts(c, clock);
  } catch (err) {
    return err as { code: string; problems: readonly string[] };
  }
  throw new Error('the plan was accepted');
}

describe('planPorts', () => {
  it('resolves settings, parser and delimiter from the profile hints', () => {
    const [gps] = planPorts(config([{ deviceId: 'gps-1', profile: 'nmea-gps' }]), clock);
    expect(gps!.settings).toEqual({ path: '/dev/tty0', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
    expect(gps!.parserConfig).toEqual({ kind: 'nmea', requireChecksum: true });
    expect(gps!.delimiter!.toString()).toBe('\r\n');
    const [thermo] = planPorts(config([{ deviceId: 't', profile: 'thermo-regex', baudRate: 115_200 }]), clock);
    expect(thermo!.parserConfig).toMatchObject({ kind: 'regex', pattern: 'T=(?<temperature>-?\\d+\\.\\d+);H=(?<humidity>\\d+)' });
    expect(thermo!.settings.baudRate).toBe(115_200);
    const [fixed] = planPorts(config([{ deviceId: 'f', profile: 'temp-only', framing: { kind: 'fixed', length: 4 }, parser: { kind: 'json', encoding: 'utf8' } }]), clock);
    expect(fixed!.delimiter).toBeUndefined();
  });

  it('refuses each problem with its path', () => {
    const cases: [Partial<PortConfig>[], string][] = [
      [[{ deviceId: 'a', profile: 'nmea-gps' }, { name: 'p0', deviceId: 'b', profile: 'nmea-gps' }], '/ports/1/name'],
      [[{ deviceId: 'a', profile: 'nmea-gps' }, { path: '/dev/tty0', deviceId: 'b', profile: 'nmea-gps' }], '/ports/1/path'],
      [[{ devices: [{ deviceId: 'a', profile: 'nmea-gps' }, { deviceId: 'a', profile: 'csv-meter' }] }], '/ports/0/devices/1/deviceId'],
      [[{ deviceId: 'a', profile: 'eastron-sdm120' }], '/ports/0/profile'],
      [[{ deviceId: 'a', profile: 'no-such-profile' }], '/ports/0/profile'],
      [[{ devices: [{ deviceId: 'a', profile: 'nmea-gps' }, { deviceId: 'b', profile: 'json-station' }] }], '/ports/0/parser'],
      [[{ deviceId: 'a', profile: 'thermo-regex', parser: { kind: 'regex', pattern: 'T=(?<temperature>.*)', flags: '', encoding: 'utf8', trim: true } }], '/ports/0/profile'],
      [[{ deviceId: 'a', profile: 'temp-only', parser: { kind: 'regex', flags: '', encoding: 'utf8', trim: true } }], '/ports/0/parser'],
      [[{ deviceId: 'a', profile: 'nmea-gps', parser: { kind: 'nmea', requireChecksum: true, sentences: ['GGA'] } }], '/ports/0/profile'],
      [[{ deviceId: 'a', profile: 'temp-only', framing: { kind: 'fixed', length: 4 }, commands: { go: { data: 'GO', encoding: 'utf8', appendDelimiter: true } } }], '/ports/0/commands/go/appendDelimiter'],
      [[{ deviceId: 'a', profile: 'temp-only', framing: { kind: 'fixed', length: 2, syncHex: 'aa55aa' } }], '/ports/0/framing'],
    ];
    for (const [ports, path] of cases) {
      const err = refusal(config(ports));
      expect(err.code, path).toBe('FH_CONFIG_INVALID');
      expect(err.problems[0], path).toMatch(new RegExp(`^${path}: `));
    }
  });
});
