/**
 * The modbus module reading a pymodbus 3.0 server over Modbus TCP and over Modbus RTU through a
 * socat pty pair: every data type, byte and word order, bits and scaling decode to the values the
 * server holds; one telemetry message per cycle; reported properties; and the requests on the wire,
 * counted by the server, with and without read coalescing.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, runModbus, waitUntil } from './harness.js';
import { requireModbusPeers, scratchDir, startModbusPeer, startPty, type ModbusPeer, type PtyPair } from './peers.js';
import { ALL_TYPES_COALESCED_REQUESTS, ALL_TYPES_POLLED_POINTS, ALL_TYPES_REPORTED, ALL_TYPES_TELEMETRY, allTypesImage } from './values.js';

const PROFILE = join(FIXTURES, 'test-all-types.yaml');
const dir = scratchDir('reads');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Line {
  name: string;
  peer: ModbusPeer;
  port: Record<string, unknown>;
  stop(): Promise<void>;
}

async function tcpLine(): Promise<Line> {
  const peer = await startModbusPeer({ mode: 'tcp', units: { 7: allTypesImage() } });
  return { name: 'tcp', peer, port: { kind: 'tcp', host: '127.0.0.1', port: peer.port }, stop: () => peer.stop() };
}

async function rtuLine(): Promise<Line> {
  const pty: PtyPair = await startPty(dir, `reads${Date.now()}`);
  const peer = await startModbusPeer({ mode: 'rtu', device: pty.b, baud: 19_200, units: { 7: allTypesImage() } });
  return {
    name: 'rtu', peer, port: { kind: 'rtu', path: pty.a, baudRate: 19_200 },
    async stop() {
      await peer.stop();
      await pty.stop();
    },
  };
}

describe.each([['tcp', tcpLine], ['rtu', rtuLine]] as const)('modbus reads over %s', (_name, open) => {
  let line: Line;
  beforeAll(async () => {
    requireModbusPeers();
    line = await open();
  });
  afterAll(async () => {
    await line?.stop();
  });

  const config = (coalesce: boolean): Record<string, unknown> => ({
    ports: { line: line.port },
    devices: [{ deviceId: `dev-${line.name}`, profile: PROFILE, port: 'line', unitId: 7 }],
    coalesce,
  });

  it('decodes every data type into one telemetry message per cycle, and reports the reported points', async () => {
    const run = await runModbus(config(true), join(dir, `types-${line.name}`));
    try {
      const [first] = await run.waitTelemetry(`dev-${line.name}`);
      expect(first!.contentType).toBe('application/json');
      expect(first!.body).toEqual(ALL_TYPES_TELEMETRY);
      await waitUntil(async () => (await run.reported(`dev-${line.name}`)).voltage !== undefined, () => 'reported properties');
      expect(await run.reported(`dev-${line.name}`)).toMatchObject(ALL_TYPES_REPORTED);
      expect(run.health()).toMatchObject({ status: 'ok', details: { devices: { [`dev-${line.name}`]: { state: 'ok', cycles: 1 } } } });
      // A leaf identity of the gateway.
      expect((await run.hub.registry.getDevice(`dev-${line.name}`)).parentId).toBe('gw');
    } finally {
      await run.stop();
    }
  });

  it('reads neighbouring points in one request: counted on the server, with and without coalescing', async () => {
    for (const [coalesce, expected] of [[true, ALL_TYPES_COALESCED_REQUESTS], [false, ALL_TYPES_POLLED_POINTS]] as const) {
      const before = line.peer.requests.length;
      const run = await runModbus(config(coalesce), join(dir, `count-${line.name}-${coalesce}`));
      try {
        const [first] = await run.waitTelemetry(`dev-${line.name}`);
        // The same values either way; the poll interval (60 s) leaves exactly one cycle.
        expect(first!.body).toEqual(ALL_TYPES_TELEMETRY);
        // The server's log comes on its own pipe: wait for the lines, then check there are no more.
        await waitUntil(() => line.peer.requests.length - before >= expected, () => `${expected} requests logged`);
        const cycle = line.peer.requests.slice(before);
        expect(cycle.every((r) => r.unit === 7 && r.fc >= 1 && r.fc <= 4)).toBe(true);
        expect(cycle).toHaveLength(expected);
        if (coalesce) {
          expect(cycle.map((r) => [r.fc, r.address, r.count]).sort()).toEqual([[1, 0, 6], [2, 3, 1], [3, 0, 36], [4, 0, 3], [4, 100, 2]].sort());
        }
      } finally {
        await run.stop();
      }
    }
  });
});
