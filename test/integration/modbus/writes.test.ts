/**
 * Writes through the modbus module to a pymodbus 3.0 server, over RTU (socat pty pair) and TCP:
 * desired properties and direct method `write` change the registers and coils in the server's
 * datastore (read back through the server, not through Modbus), with the function code the value
 * needs (FC5 coil, FC6 one register, FC16 several, FC3+FC6 for a bit of a register), and the
 * outcome is reported back; refused writes answer 400 with the profile's code.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, runModbus, waitUntil, type ModbusRun } from './harness.js';
import { requireModbusPeers, scratchDir, startModbusPeer, startPty, type ModbusPeer, type PtyPair } from './peers.js';
import { allTypesImage } from './values.js';

const dir = scratchDir('writes');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const float32Words = (v: number): number[] => {
  const b = Buffer.alloc(4);
  b.writeFloatBE(v);
  return [b.readUInt16BE(0), b.readUInt16BE(2)];
};

describe.each(['rtu', 'tcp'] as const)('modbus writes over %s', (kind) => {
  let pty: PtyPair | undefined;
  let peer: ModbusPeer;
  let run: ModbusRun;
  const dev = `writer-${kind}`;

  beforeAll(async () => {
    requireModbusPeers();
    let port: Record<string, unknown>;
    if (kind === 'rtu') {
      pty = await startPty(dir, 'w');
      peer = await startModbusPeer({ mode: 'rtu', device: pty.b, baud: 38_400, units: { 3: allTypesImage() } });
      port = { kind: 'rtu', path: pty.a, baudRate: 38_400 };
    } else {
      peer = await startModbusPeer({ mode: 'tcp', units: { 3: allTypesImage() } });
      port = { kind: 'tcp', host: '127.0.0.1', port: peer.port };
    }
    run = await runModbus({
      ports: { bus: port },
      devices: [{ deviceId: dev, profile: join(FIXTURES, 'test-all-types.yaml'), port: 'bus', unitId: 3, pollIntervalS: 0.5 }],
    }, join(dir, kind));
    await run.waitTelemetry(dev);
  });

  afterAll(async () => {
    await run?.stop();
    await peer?.stop();
    await pty?.stop();
  });

  /** The write outcome reported for `point`, once present with the given desired value. */
  async function writeStatus(point: string, desired: unknown): Promise<Record<string, unknown>> {
    let status: Record<string, unknown> | undefined;
    await waitUntil(async () => {
      const w = (await run.reported(dev))._write as Record<string, Record<string, unknown>> | undefined;
      status = w?.[point];
      return status !== undefined && JSON.stringify(status.desired) === JSON.stringify(desired);
    }, () => `_write.${point} for ${JSON.stringify(desired)}`);
    return status!;
  }

  it('a desired float becomes an FC16 write of its two registers, reported back', async () => {
    const from = peer.requests.length;
    await run.patchDesired(dev, { setpoint: 42.25 });
    expect(await writeStatus('setpoint', 42.25)).toMatchObject({ status: 200, desired: 42.25, version: expect.any(Number) });
    expect(await peer.get(3, 'hr', 28, 2)).toEqual(float32Words(42.25));
    await waitUntil(() => peer.requests.slice(from).some((r) => r.fc === 16), () => 'the FC16 request in the server log');
    expect(peer.requests.slice(from).filter((r) => r.fc === 16)).toEqual([expect.objectContaining({ unit: 3, fc: 16, address: 28, values: float32Words(42.25) })]);
    expect((await run.reported(dev)).setpoint).toBe(42.25);
  });

  it('a desired bit of a register is a read-modify-write that keeps the other bits', async () => {
    const from = peer.requests.length;
    await run.patchDesired(dev, { enable: false });
    expect(await writeStatus('enable', false)).toMatchObject({ status: 200 });
    expect(await peer.get(3, 'hr', 31, 1)).toEqual([0x0100]);
    await waitUntil(() => peer.requests.slice(from).some((r) => r.address === 31 && r.fc === 6), () => 'the FC6 request in the server log');
    const writes = peer.requests.slice(from).filter((r) => r.address === 31);
    expect(writes.map((r) => r.fc)).toContain(6);
    expect(writes.find((r) => r.fc === 6)?.values).toEqual([0x0100]);
  });

  it('desired string and coil values use FC16 and FC5', async () => {
    await run.patchDesired(dev, { label: 'xyz', relay: true });
    expect(await writeStatus('label', 'xyz')).toMatchObject({ status: 200 });
    expect(await writeStatus('relay', true)).toMatchObject({ status: 200 });
    expect(await peer.get(3, 'hr', 32, 4)).toEqual([0x7879, 0x7a00, 0, 0]);
    expect(await peer.get(3, 'co', 5, 1)).toEqual([1]);
    await waitUntil(() => peer.requests.some((r) => r.fc === 5 && r.address === 5), () => 'the FC5 request in the server log');
    await waitUntil(async () => (await run.reported(dev)).relay === true, () => 'relay reported true');
  });

  it('refuses desired values the profile does not allow, and ignores keys that are not points', async () => {
    await run.patchDesired(dev, { limit: 50, note: 'not a point' });
    expect(await writeStatus('limit', 50)).toMatchObject({ status: 400, code: 'FH_PROFILE_NOT_WRITABLE' });
    await run.patchDesired(dev, { setpoint: 1000 });
    expect(await writeStatus('setpoint', 1000)).toMatchObject({ status: 400, code: 'FH_PROFILE_VALUE_RANGE' });
    expect(await peer.get(3, 'hr', 30, 1)).toEqual([455]);
    expect(await peer.get(3, 'hr', 28, 2)).toEqual(float32Words(42.25));
    expect(((await run.reported(dev))._write as Record<string, unknown>).note).toBeUndefined();
  });

  it('method write: 200 with the value, the register changed; 400 with a code when refused', async () => {
    expect(await run.invoke(dev, 'write', { point: 'limit', value: 50 })).toEqual({ status: 200, payload: { point: 'limit', value: 50 } });
    expect(await peer.get(3, 'hr', 30, 1)).toEqual([500]);
    expect(await run.invoke(dev, 'write', { point: 'counter', value: 70_000 })).toEqual({ status: 200, payload: { point: 'counter', value: 70_000 } });
    expect(await peer.get(3, 'hr', 36, 2)).toEqual([1, 70_000 - 65_536]);
    const refused = [
      [{ point: 'voltage', value: 1 }, 'FH_PROFILE_NOT_WRITABLE'],
      [{ point: 'label', value: 'q' }, 'FH_PROFILE_NOT_WRITABLE'],
      [{ point: 'nope', value: 1 }, 'FH_PROFILE_POINT_UNKNOWN'],
      [{ point: 'setpoint', value: 'hot' }, 'FH_PROFILE_VALUE_INVALID'],
      [{ value: 1 }, 'FH_METHOD_INVALID'],
    ] as const;
    for (const [payload, code] of refused) {
      const answer = await run.invoke(dev, 'write', payload);
      expect(answer.status).toBe(400);
      expect(answer.payload).toMatchObject({ code });
    }
  });
});
