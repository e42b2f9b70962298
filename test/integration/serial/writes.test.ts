/**
 * Direct methods on a serial device identity, invoked through the hub core's method service, with
 * the bytes checked on the other end of a real pty: `write` in utf8 (delimiter appended), hex and
 * base64; a named command template; a command that waits for the device's reply frame (which is
 * also telemetry); a reply timeout (504), a bad payload (400), an unknown method (501).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../hub-core/core/types.js';
import { runSerial, type SerialRun } from './harness.js';
import { FIXTURES, removeScratch, requireSocat, scratchDir, startPty, waitFor, type PeerEnd, type PtyPair } from './peers.js';

let pty: PtyPair;
let peer: PeerEnd;
let run: SerialRun;
let dir: string;

beforeAll(async () => {
  requireSocat();
  dir = scratchDir('writes');
  pty = await startPty(dir);
  run = await runSerial({
    profileDirs: [FIXTURES],
    ports: [{
      name: 'line', path: pty.a, deviceId: 'thermo-1', profile: 'thermo-regex', telemetry: 'frame',
      commands: {
        setInterval: { data: 'INT ${seconds}', appendDelimiter: true },
        readNow: { data: 'READ?', appendDelimiter: true, replyTimeoutMs: 5000 },
        wake: { data: 'aa 55 ${code}', encoding: 'hex' },
      },
    }],
  }, dir);
  peer = await pty.openPeer();
});
afterAll(async () => {
  await run?.stop();
  await peer?.close();
  await pty?.stop();
  removeScratch(dir);
});

/** Waits until the peer has received `n` bytes more than `from`, and returns them. */
async function bytesAfter(from: number, n: number): Promise<Buffer> {
  await waitFor(() => peer.receivedBytes().length >= from + n, () => `${n} bytes at the peer (have ${peer.receivedBytes().subarray(from).toString('hex')})`);
  return peer.receivedBytes().subarray(from);
}

describe('serial writes over a pty', () => {
  it('write: utf8 with the delimiter appended, hex and base64 arrive byte-exact', async () => {
    let at = peer.receivedBytes().length;
    expect(await run.invoke('thermo-1', 'write', { data: 'hello', appendDelimiter: true })).toEqual({ status: 200, payload: { bytesWritten: 7 } });
    expect((await bytesAfter(at, 7)).toString('latin1')).toBe('hello\r\n');
    at += 7;
    expect((await run.invoke('thermo-1', 'write', { data: '00 ff 0a 0d 41', encoding: 'hex' })).status).toBe(200);
    expect((await bytesAfter(at, 5)).toString('hex')).toBe('00ff0a0d41');
    at += 5;
    expect((await run.invoke('thermo-1', 'write', { data: Buffer.from([1, 2, 3, 0xfe]).toString('base64'), encoding: 'base64' })).status).toBe(200);
    expect((await bytesAfter(at, 4)).toString('hex')).toBe('010203fe');
  });

  it('a named command fills its template from the payload', async () => {
    const at = peer.receivedBytes().length;
    expect(await run.invoke('thermo-1', 'setInterval', { seconds: 15 })).toEqual({ status: 200, payload: { bytesWritten: 8 } });
    expect((await bytesAfter(at, 8)).toString('latin1')).toBe('INT 15\r\n');
    const at2 = peer.receivedBytes().length;
    expect((await run.invoke('thermo-1', 'wake', { code: '0f' })).status).toBe(200);
    expect((await bytesAfter(at2, 3)).toString('hex')).toBe('aa550f');
    expect(await run.invoke('thermo-1', 'setInterval', {})).toMatchObject({ status: 400, payload: { code: 'FH_SERIAL_WRITE_INVALID' } });
  });

  it('a command with a reply answers with the device\'s next frame, which is telemetry too', async () => {
    peer.answer((chunk) => (chunk.toString('latin1') === 'READ?\r\n' ? 'T=19.75;H=55\r\n' : undefined));
    const r = await run.invoke('thermo-1', 'readNow', null);
    peer.answer(() => undefined);
    expect(r).toEqual({
      status: 200,
      payload: { bytesWritten: 7, reply: { text: 'T=19.75;H=55', hex: Buffer.from('T=19.75;H=55').toString('hex'), fields: { temperature: '19.75', humidity: '55' } } },
    });
    await run.waitTelemetry('thermo-1', 1);
    expect(run.telemetry('thermo-1').at(-1)!.body).toEqual({ temperature: 19.75, humidity: 55 });
  });

  it('a reply that does not come is a 504; bad payloads are 400 and nothing is sent; unknown methods 501', async () => {
    expect(await run.invoke('thermo-1', 'write', { data: 'PING', replyTimeoutMs: 300 })).toMatchObject({ status: 504, payload: { code: 'FH_SERIAL_REPLY_TIMEOUT' } });
    const at = peer.receivedBytes().length;
    for (const payload of [{ data: 'zz', encoding: 'hex' }, { data: 'x', encoding: 'rot13' }, 'text', { data: '' }] as JsonValue[]) {
      expect(await run.invoke('thermo-1', 'write', payload)).toMatchObject({ status: 400, payload: { code: 'FH_SERIAL_WRITE_INVALID' } });
    }
    expect((await run.invoke('thermo-1', 'reboot', {})).status).toBe(501);
    expect(peer.receivedBytes().length).toBe(at);
  });
});
