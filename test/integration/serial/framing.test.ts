/**
 * Every framing over a real pty (socat), with frames split across writes and garbage between
 * them: delimiter (oversized garbage without a delimiter dropped and counted, then frames again),
 * fixed length realigned on a sync byte, length-prefixed with a header and a length that claims
 * too much, and inter-byte timeout (a frame ends after silence).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runSerial, type SerialRun } from './harness.js';
import { FIXTURES, removeScratch, requireSocat, scratchDir, sleep, startPty, type PeerEnd, type PtyPair } from './peers.js';

let dir: string;
let pty: PtyPair | undefined;
let peer: PeerEnd | undefined;
let run: SerialRun | undefined;

afterAll(() => removeScratch(dir));
beforeAll(() => {
  requireSocat();
  dir = scratchDir('framing');
});
afterEach(async () => {
  await run?.stop();
  await peer?.close();
  await pty?.stop();
  run = undefined;
  peer = undefined;
  pty = undefined;
});

async function start(port: Record<string, unknown>): Promise<SerialRun> {
  pty = await startPty(dir);
  run = await runSerial({ ports: [{ name: 'line', path: pty.a, telemetry: 'frame', ...port }], profileDirs: [FIXTURES] }, dir);
  peer = await pty.openPeer();
  return run;
}

const temperatures = (r: SerialRun, deviceId: string): unknown[] => r.telemetry(deviceId).map((m) => m.body.temperature);

describe('serial framing over a pty', () => {
  it('delimiter: 5000 bytes of garbage without a delimiter are dropped as one oversized frame, then frames flow again', async () => {
    const r = await start({ deviceId: 'thermo-1', profile: 'thermo-regex', framing: { kind: 'delimiter', delimiter: '\r\n', maxFrameBytes: 32 } });
    const garbage = Array.from({ length: 10 }, (_, i) => Buffer.alloc(500, 0x41 + i));
    await peer!.send(['T=1.00;H=1\r\n', ...garbage, '\r\nT=2.00;', 'H=2\r\n'], 10);
    await r.waitTelemetry('thermo-1', 2);
    expect(r.telemetry('thermo-1').map((m) => m.body)).toEqual([{ temperature: 1, humidity: 1 }, { temperature: 2, humidity: 2 }]);
    await r.waitHealth(() => r.port('line').framesTooLarge === 1, 'the oversized frame counted');
    expect(r.port('line').bytesDropped).toBe(5002);
    expect(r.port('line').lastProblem).toMatchObject({ code: 'FH_SERIAL_FRAME_TOO_LARGE' });
  });

  it('fixed length: 8-byte records realigned on their sync byte after noise', async () => {
    const r = await start({
      deviceId: 'fx-1', profile: 'temp-only',
      framing: { kind: 'fixed', length: 8, syncHex: '23' },
      parser: { kind: 'regex', pattern: '^#T=(?<temperature>-?\\d+\\.\\d+)$' },
    });
    await peer!.send(['#T=21.50#T=2', '2.00', 'zz!', '#T=-1.50#T', '=23.50']);
    await r.waitTelemetry('fx-1', 4);
    expect(temperatures(r, 'fx-1')).toEqual([21.5, 22, -1.5, 23.5]);
    await r.waitHealth(() => r.port('line').bytesDropped === 3, 'the noise counted');
  });

  it('length-prefixed: STX, a 1-byte length, a JSON payload; a length beyond the bound is dropped and counted', async () => {
    const r = await start({
      deviceId: 'lp-1', profile: 'json-station',
      framing: { kind: 'lengthPrefixed', lengthOffset: 1, lengthBytes: 1, stripBytes: 2, syncHex: '02', maxFrameBytes: 64 },
      parser: { kind: 'json' },
    });
    const frame = (json: string): Buffer => Buffer.concat([Buffer.from([0x02, json.length]), Buffer.from(json)]);
    const a = frame('{"t":215,"wind":{"speed":1.5}}');
    const b = frame('{"t":-12}');
    await peer!.send([a.subarray(0, 1), a.subarray(1, 9), a.subarray(9), Buffer.from('noise'), Buffer.from([0x02, 0xf0, 0x7b]), b]);
    await r.waitTelemetry('lp-1', 2);
    expect(r.telemetry('lp-1').map((m) => m.body)).toEqual([{ temperature: 21.5, windSpeed: 1.5 }, { temperature: -1.2 }]);
    await r.waitHealth(() => r.port('line').framesTooLarge === 1, 'the bad length counted');
  });

  it('inter-byte timeout: a frame ends after 200 ms of silence, however it was split', async () => {
    const r = await start({
      deviceId: 'to-1', profile: 'temp-only',
      framing: { kind: 'timeout', silenceMs: 200, maxFrameBytes: 64 },
      parser: { kind: 'regex', pattern: '^T=(?<temperature>-?\\d+\\.\\d+)$' },
    });
    await peer!.send(['T=2', '1.', '50'], 10);
    await sleep(700);
    await peer!.send(['T=2', '2.25'], 10);
    await r.waitTelemetry('to-1', 2);
    expect(temperatures(r, 'to-1')).toEqual([21.5, 22.25]);
  });
});
