/**
 * Every parser over a real pty (socat) with the module under a real host and hub core: regex
 * named groups, JSON lines (nested fields, reported properties, interval aggregation), CSV lines
 * with named columns, and NMEA 0183 (GGA and RMC decoded, a sentence split across writes, a bad
 * checksum dropped and counted). Telemetry is read back from the core as the device identity's.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nmeaChecksum } from '../../../modules/serial/parsing/nmea-parser.js';
import { runSerial, type SerialRun } from './harness.js';
import { FIXTURES, removeScratch, requireSocat, scratchDir, sleep, startPty, type PeerEnd, type PtyPair } from './peers.js';

let dir: string;
let pty: PtyPair | undefined;
let peer: PeerEnd | undefined;
let run: SerialRun | undefined;

beforeAll(() => {
  requireSocat();
  dir = scratchDir('parsers');
});
afterEach(async () => {
  await run?.stop();
  await peer?.close();
  await pty?.stop();
  run = undefined;
  peer = undefined;
  pty = undefined;
});
afterAll(() => removeScratch(dir));

/** A module with one port on a fresh pty pair, and the test's end opened. */
async function start(port: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<SerialRun> {
  pty = await startPty(dir);
  run = await runSerial({ ports: [{ name: 'line', path: pty.a, ...port }], profileDirs: [FIXTURES], ...extra }, dir);
  peer = await pty.openPeer();
  return run;
}

const sentence = (body: string): string => `$${body}*${nmeaChecksum(body).toString(16).padStart(2, '0').toUpperCase()}\r\n`;

describe('serial parsers over a pty', () => {
  it('regex: named groups become points; a line that does not match is dropped and counted', async () => {
    const r = await start({ deviceId: 'thermo-1', profile: 'thermo-regex', telemetry: 'frame' });
    await peer!.send(['T=21.', '50;H=40\r', '\ngarbage line\r\n', 'T=-3.25;H=', '41\r\n']);
    const got = await r.waitTelemetry('thermo-1', 2);
    expect(got.map((m) => m.body)).toEqual([{ temperature: 21.5, humidity: 40 }, { temperature: -3.25, humidity: 41 }]);
    expect(got[0]).toMatchObject({ deviceId: 'thermo-1', moduleId: undefined, contentType: 'application/json' });
    await r.waitHealth(() => r.port('line').frames === 3, 'three frames counted');
    expect(r.port('line')).toMatchObject({ state: 'open', parsed: 2, parseErrors: { nomatch: 1, syntax: 0, checksum: 0 }, lastProblem: { code: 'FH_SERIAL_PARSE_ERROR' } });
    expect(r.health()!.status).toBe('ok'); // one bad line is not a broken port
    expect(await r.reported('thermo-1')).toMatchObject({ _serial: { profile: 'thermo-regex', port: 'line', units: { temperature: 'degC', humidity: '%' } } });
  });

  it('a line where nothing parses (wrong baud rate, wrong parser) makes the port degraded until a frame parses again', async () => {
    const r = await start({ deviceId: 'thermo-2', profile: 'thermo-regex', telemetry: 'frame' });
    await peer!.send(['\u00fe\u00a7x\r\n'.repeat(5)]);
    const h = await r.waitHealth((x) => x.status === 'degraded', 'degraded after five bad frames');
    expect(h.message).toMatch(/FH_SERIAL_PARSE_ERROR/);
    await peer!.send(['T=20.00;H=50\r\n']);
    await r.waitHealth((x) => x.status === 'ok', 'ok after a good frame');
    expect((await r.waitTelemetry('thermo-2', 1))[0]!.body).toEqual({ temperature: 20, humidity: 50 });
  });

  it('JSON lines: nested fields, a broken line counted, the latest values per interval, status reported', async () => {
    const r = await start({ deviceId: 'ws-1', profile: 'json-station' });
    // One write: all three lines arrive within one interval.
    await peer!.send(['{"t":215,"wind":{"speed":3.5},"st":"OK"}\n{"t":\n{"t":220}\n']);
    const got = await r.waitTelemetry('ws-1', 1);
    expect(got[0]!.body).toEqual({ temperature: 22, windSpeed: 3.5 });
    await r.waitHealth(() => (r.port('line').parseErrors as { syntax: number }).syntax === 1, 'the broken line counted');
    await sleep(300);
    expect(await r.reported('ws-1')).toMatchObject({ status: 'OK' });
    await sleep(1500); // more intervals pass with nothing new: no more messages
    expect(r.telemetry('ws-1')).toHaveLength(1);
  });

  it('CSV lines: columns named in the port config, scaled and typed by the profile', async () => {
    const r = await start({
      deviceId: 'meter-1', profile: 'csv-meter', telemetry: 'frame',
      parser: { kind: 'lines', separator: ',', columns: ['volts', 'milliamps', 'state'] },
    });
    await peer!.send(['230.1,1500,on\n230.4,14', '99,off\r\n']);
    const got = await r.waitTelemetry('meter-1', 2);
    expect(got.map((m) => m.body)).toEqual([{ voltage: 230.1, current: 1.5, running: true }, { voltage: 230.4, current: 1.499, running: false }]);
  });

  it('NMEA: GGA and RMC decoded (one split across writes), a bad checksum dropped and counted', async () => {
    const r = await start({ deviceId: 'gps-1', profile: 'nmea-gps', telemetry: 'frame' });
    const gga = '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n';
    const rmc = '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\r\n';
    const corrupted = gga.replace('545.4', '545.7'); // (a change XOR cannot see, like 545.4 → 999.9, would pass: NMEA's checksum is weak)
    const gsv = '$GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00*74\r\n';
    await peer!.send([gga.slice(0, 20), gga.slice(20, 50), gga.slice(50), corrupted, gsv, rmc]);
    const got = await r.waitTelemetry('gps-1', 2);
    expect(got.map((m) => m.body)).toEqual([
      { latitude: 48.1173, longitude: 11.5166667, fixQuality: 1, satellites: 8, hdop: 0.9, altitude: 545.4 },
      { speed: 41.4848, course: 84.4, gpsTime: '1994-03-23T12:35:19.000Z' },
    ]);
    await r.waitHealth(() => r.port('line').frames === 4, 'four sentences counted');
    expect(r.port('line')).toMatchObject({ parsed: 3, parseErrors: { checksum: 1 } });
  });

  it('NMEA aggregated per pollIntervalS: one message with the latest fix and speed', async () => {
    const r = await start({ deviceId: 'gps-2', profile: 'nmea-gps', pollIntervalS: 0.5 });
    const fixes = [100, 101, 102, 103].map((alt) => sentence(`GPGGA,1235${alt - 90},4807.038,N,01131.000,E,1,09,0.9,${alt}.0,M,46.9,M,,`));
    await peer!.send([fixes.join('') + sentence('GPRMC,123519,A,4807.038,N,01131.000,E,010.0,084.4,230394,003.1,W')]);
    const got = await r.waitTelemetry('gps-2', 1);
    expect(got[0]!.body).toEqual({
      latitude: 48.1173, longitude: 11.5166667, fixQuality: 1, satellites: 9, hdop: 0.9, altitude: 103, speed: 18.52, course: 84.4, gpsTime: '1994-03-23T12:35:19.000Z',
    });
  });
});
