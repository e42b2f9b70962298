/**
 * Faults on a Modbus RTU line (socat pty pair, pymodbus 3.0 server), none of which may crash the
 * module: an exception answer (FH_MODBUS_EXCEPTION with its code and name in health, the other
 * points still read); a slave that never answers while two others on the same line keep their poll
 * rate (a loose behaviour bound, not a speed benchmark); and the line vanishing and coming back
 * (FH_MODBUS_PORT, then reopened).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, runModbus, waitUntil } from './harness.js';
import { requireModbusPeers, scratchDir, startModbusPeer, startPty } from './peers.js';

const dir = scratchDir('faults');
beforeAll(() => requireModbusPeers());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Details = { devices: Record<string, Record<string, unknown>>; ports: Record<string, Record<string, unknown>> };

describe('modbus faults on an RTU line', () => {
  it('an exception answer is a coded health event; the module keeps running and reading the rest', async () => {
    const pty = await startPty(dir, 'x');
    const peer = await startModbusPeer({ mode: 'rtu', device: pty.b, units: { 1: { hr: [[0, [4242]]] } } });
    const run = await runModbus({
      ports: { rs485: { kind: 'rtu', path: pty.a } },
      devices: [{ deviceId: 'faulty', profile: join(FIXTURES, 'test-faults.yaml'), port: 'rs485', unitId: 1 }],
    }, join(dir, 'exception'));
    try {
      const messages = await run.waitTelemetry('faulty', 3);
      for (const m of messages) expect(m.body).toEqual({ value: 4242 });
      const details = run.health()!.details as Details;
      expect(run.health()!.status).toBe('degraded');
      expect(details.devices.faulty).toMatchObject({
        state: 'degraded',
        lastError: { code: 'FH_MODBUS_EXCEPTION', exceptionCode: 2, exceptionName: 'ILLEGAL DATA ADDRESS' },
      });
      // The server logs each exception answer it sent (on its own pipe: wait for the lines).
      await waitUntil(() => peer.responses.filter((r) => r.exception === 2).length >= 3, () => JSON.stringify(peer.responses));
      expect(run.state()).toBe('running');
      const answer = await run.invoke('faulty', 'write', { point: 'missing', value: 1 });
      expect(answer).toMatchObject({ status: 502, payload: { code: 'FH_MODBUS_EXCEPTION', exceptionCode: 2 } });
      expect(run.state()).toBe('running');
    } finally {
      await run.stop();
      await peer.stop();
      await pty.stop();
    }
  });

  it('a slave that never answers does not stall the two others on its line', async () => {
    const pty = await startPty(dir, 'd');
    // The server answers units 1 and 2 only; requests to unit 3 get no answer at all.
    const peer = await startModbusPeer({ mode: 'rtu', device: pty.b, baud: 19_200, units: { 1: { hr: [[0, [11]]] }, 2: { hr: [[0, [22]]] } } });
    const device = (id: string, unitId: number): Record<string, unknown> =>
      ({ deviceId: id, profile: join(FIXTURES, 'test-simple.yaml'), port: 'rs485', unitId, timeoutMs: 300, retries: 1 });
    const run = await runModbus({
      ports: { rs485: { kind: 'rtu', path: pty.a, baudRate: 19_200 } },
      devices: [device('alive-1', 1), device('alive-2', 2), device('dead-3', 3)],
      backoff: { afterFailures: 2, maxDelayS: 4 },
    }, join(dir, 'dead'));
    try {
      await run.waitTelemetry('alive-1');
      await run.waitTelemetry('alive-2');
      // Watch a window of 6 s: at 0.5 s per cycle, each live slave is due 12 times.
      const start = performance.now();
      const before = { a: run.telemetry('alive-1').length, b: run.telemetry('alive-2').length };
      await new Promise((r) => setTimeout(r, 6000));
      const inWindow = (id: string): number[] => run.telemetry(id).filter((m) => m.seenAt >= start).map((m) => m.seenAt);
      for (const [id, n0] of [['alive-1', before.a], ['alive-2', before.b]] as const) {
        const times = inWindow(id);
        expect(run.telemetry(id).length - n0).toBe(times.length);
        // Loose bounds: at least two thirds of the due cycles, and never a silence of 4 intervals.
        expect(times.length).toBeGreaterThanOrEqual(8);
        const gaps = times.slice(1).map((t, i) => t - times[i]!);
        expect(Math.max(...gaps)).toBeLessThan(2000);
        console.info(`${id}: ${times.length} cycles in 6 s (12 due), longest gap ${Math.round(Math.max(...gaps))} ms`);
      }
      expect(run.telemetry('dead-3')).toEqual([]);
      const details = run.health()!.details as Details;
      expect(details.devices['dead-3']).toMatchObject({ state: 'backoff', lastError: { code: 'FH_MODBUS_TIMEOUT' } });
      expect(details.devices['dead-3']!.consecutiveFailures).toBeGreaterThanOrEqual(2);
      expect(details.devices['alive-1']).toMatchObject({ state: 'ok' });
      expect(details.devices['alive-2']).toMatchObject({ state: 'ok' });
      const served = await peer.stats();
      expect(served['3']).toBeUndefined();
      expect(run.state()).toBe('running');
      // A write to the dead slave times out (504) and the others go on.
      expect(await run.invoke('dead-3', 'write', { point: 'value', value: 1 })).toMatchObject({ status: 504, payload: { code: 'FH_MODBUS_TIMEOUT' } });
      expect(await run.invoke('alive-2', 'write', { point: 'value', value: 23 })).toEqual({ status: 200, payload: { point: 'value', value: 23 } });
      expect(await peer.get(2, 'hr', 0, 1)).toEqual([23]);
    } finally {
      await run.stop();
      await peer.stop();
      await pty.stop();
    }
  });

  it('a line that vanishes is FH_MODBUS_PORT in health, and is reopened when it returns', async () => {
    let pty = await startPty(dir, 'v');
    let peer = await startModbusPeer({ mode: 'rtu', device: pty.b, units: { 1: { hr: [[0, [7]]] } } });
    const run = await runModbus({
      ports: { rs485: { kind: 'rtu', path: pty.a } },
      devices: [{ deviceId: 'wanderer', profile: join(FIXTURES, 'test-simple.yaml'), port: 'rs485', unitId: 1, timeoutMs: 200 }],
      reopen: { minDelayMs: 100, maxDelayMs: 400 },
    }, join(dir, 'vanish'));
    try {
      await run.waitTelemetry('wanderer');
      await peer.stop();
      await pty.stop();
      await waitUntil(() => (run.health()?.details as Details | undefined)?.ports.rs485?.state === 'down',
        () => `port down; health ${JSON.stringify(run.health())}`);
      expect((run.health()!.details as Details).ports.rs485).toMatchObject({ error: { code: 'FH_MODBUS_PORT' } });
      expect(run.state()).toBe('running');
      pty = await startPty(dir, 'v');
      peer = await startModbusPeer({ mode: 'rtu', device: pty.b, units: { 1: { hr: [[0, [8]]] } } });
      await waitUntil(() => run.telemetry('wanderer').some((m) => m.body.value === 8), () => `telemetry after reopen; health ${JSON.stringify(run.health())}`, 20_000);
      expect((run.health()!.details as Details).ports.rs485).toMatchObject({ state: 'open' });
    } finally {
      await run.stop();
      await peer.stop();
      await pty.stop();
    }
  });
});
