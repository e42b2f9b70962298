/**
 * A Modbus RTU device end to end: a `fieldhub start` gateway process with a modbus module on a
 * socat pty pair, a pymodbus 3.0 RTU server on the other end. The profile-described device appears
 * as a hub identity (`fieldhub device show`), its telemetry reaches `fieldhub monitor --data-dir`,
 * a desired property set with `fieldhub twin update` becomes a register write the server sees, and
 * `fieldhub method invoke … write` writes a register too.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eHub, type E2eHub } from './support/hub.js';
import { runCli, startMonitor, type Monitor } from './support/cli.js';
import { waitFor } from './support/observe.js';
import { FIXTURES } from '../integration/modbus/harness.js';
import { requireModbusPeers, scratchDir, startModbusPeer, startPty, type ModbusPeer, type PtyPair } from '../integration/modbus/peers.js';
import { ALL_TYPES_TELEMETRY, allTypesImage } from '../integration/modbus/values.js';

const DEVICE = 'meter-e2e';
const dir = scratchDir('e2e');
let pty: PtyPair;
let peer: ModbusPeer;
let gw: E2eHub;
let monitor: Monitor | undefined;

beforeAll(async () => {
  requireModbusPeers();
  pty = await startPty(dir, 'e2e');
  peer = await startModbusPeer({ mode: 'rtu', device: pty.b, baud: 19_200, units: { 4: allTypesImage() } });
  gw = await startE2eHub({
    command: 'start',
    config: {
      gateway: { deviceId: 'gw-modbus' },
      modules: {
        fieldbus: {
          type: 'modbus',
          config: {
            ports: { rs485: { kind: 'rtu', path: pty.a, baudRate: 19_200 } },
            devices: [{ deviceId: DEVICE, profile: join(FIXTURES, 'test-all-types.yaml'), port: 'rs485', unitId: 4, pollIntervalS: 1 }],
          },
        },
      },
    },
  });
}, 120_000);

afterAll(async () => {
  await monitor?.stop();
  await gw?.stop();
  await peer?.stop();
  await pty?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const float32Words = (v: number): number[] => {
  const b = Buffer.alloc(4);
  b.writeFloatBE(v);
  return [b.readUInt16BE(0), b.readUInt16BE(2)];
};

describe('a Modbus RTU device behind a fieldhub gateway', () => {
  it('appears as a hub identity, a leaf of the gateway', async () => {
    let shown: Record<string, unknown> | undefined;
    await waitFor(async () => {
      try {
        shown = JSON.parse((await runCli(['device', 'show', DEVICE, '--data-dir', gw.hub.dataDir])).stdout) as Record<string, unknown>;
        return true;
      } catch {
        return false;
      }
    }, 30_000, () => `device ${DEVICE} never appeared; gateway log:\n${gw.hub.stderr().slice(-4000)}`);
    expect(shown).toMatchObject({ deviceId: DEVICE });
    expect((await gw.registry.get(DEVICE)).responseBody.deviceId).toBe(DEVICE);
  });

  it('its telemetry reaches fieldhub monitor', async () => {
    monitor = startMonitor(gw.hub.dataDir, DEVICE);
    const line = await monitor.waitForLine((l) => l.deviceId === DEVICE && l.bodyEncoding === 'utf8', 30_000);
    expect(JSON.parse(line.body as string)).toEqual(ALL_TYPES_TELEMETRY);
    expect(line.system).toMatchObject({ contentType: 'application/json' });
  });

  it('a desired property set with `fieldhub twin update` becomes a register write on the server', async () => {
    const from = peer.requests.length;
    await runCli(['twin', 'update', DEVICE, '--desired', JSON.stringify({ setpoint: 33.5 }), '--data-dir', gw.hub.dataDir]);
    await waitFor(async () => JSON.stringify(await peer.get(4, 'hr', 28, 2)) === JSON.stringify(float32Words(33.5)), 20_000,
      () => `register 28 never became 33.5; requests: ${JSON.stringify(peer.requests.slice(from))}`);
    await waitFor(() => peer.requests.slice(from).some((r) => r.fc === 16 && r.address === 28), 5000, () => 'the FC16 request in the server log');
    await waitFor(async () => {
      const twin = JSON.parse((await runCli(['twin', 'show', DEVICE, '--data-dir', gw.hub.dataDir])).stdout) as { properties: { reported: Record<string, unknown> } };
      const status = (twin.properties.reported._write as Record<string, { status?: number }> | undefined)?.setpoint;
      return twin.properties.reported.setpoint === 33.5 && status?.status === 200;
    }, 20_000, () => 'the write was never reported back');
  });

  it('`fieldhub method invoke … write` writes a register and answers with the value', async () => {
    const { stdout } = await runCli(['method', 'invoke', DEVICE, 'write', '--payload', JSON.stringify({ point: 'limit', value: 12.5 }), '--data-dir', gw.hub.dataDir]);
    expect(JSON.parse(stdout)).toEqual({ status: 200, payload: { point: 'limit', value: 12.5 } });
    expect(await peer.get(4, 'hr', 30, 1)).toEqual([125]);
    const refused = await runCli(['method', 'invoke', DEVICE, 'write', '--payload', JSON.stringify({ point: 'voltage', value: 1 }), '--data-dir', gw.hub.dataDir]);
    expect(JSON.parse(refused.stdout)).toMatchObject({ status: 400, payload: { code: 'FH_PROFILE_NOT_WRITABLE' } });
  });
});
