/**
 * The port arbiter over a scripted in-memory connection: one transaction at a time, round-robin
 * between slaves, writes ahead of reads, retries after the other slaves' turn, the inter-frame
 * silence, bounded queues, and the port going down and being reopened.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../hub-core/log.js';
import { PortArbiter, type PortState } from './arbiter.js';
import { ModbusError } from './errors.js';
import type { ModbusConnection, WireWrite } from './modbus-client.js';

/** A connection whose answers the test scripts; it records calls and concurrency. */
class FakeConnection implements ModbusConnection {
  readonly calls: string[] = [];
  readonly spans: { start: number; end: number }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  lost: ((err: Error) => void) | undefined;
  closed = false;
  /** Per call label: an error to throw once. */
  readonly failOnce = new Map<string, ModbusError>();

  constructor(private readonly delayMs = 1) {}

  private async call(label: string): Promise<void> {
    this.calls.push(label);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const start = performance.now();
    await new Promise((r) => setTimeout(r, this.delayMs));
    this.inFlight--;
    this.spans.push({ start, end: performance.now() });
    const err = this.failOnce.get(label);
    if (err !== undefined) {
      this.failOnce.delete(label);
      throw err;
    }
  }

  async read(unitId: number, fc: 1 | 2 | 3 | 4, address: number, count: number): Promise<number[]> {
    await this.call(`r${unitId}@${address}`);
    return Array.from({ length: count }, (_, i) => address + i);
  }

  async write(unitId: number, w: WireWrite): Promise<void> {
    await this.call(`w${unitId}@${w.address}`);
  }

  onLost(listener: (err: Error) => void): void {
    this.lost = listener;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function arbiter(open: () => Promise<ModbusConnection>, gapMs = 0, states: PortState[] = []): PortArbiter {
  const a = new PortArbiter({ name: 'line', open, gapMs, reopen: { minDelayMs: 20, maxDelayMs: 80 }, logger: silentLogger(), maxQueuedPerUnit: 4, onState: (s) => states.push(s) });
  a.start();
  return a;
}

const read = (a: PortArbiter, unit: number, address: number, retries = 0): Promise<number[] | boolean[]> =>
  a.submit(unit, (c) => c.read(unit, 3, address, 1, 100), { kind: 'read', retries });
const write = (a: PortArbiter, unit: number, address: number): Promise<void> =>
  a.submit(unit, (c) => c.write(unit, { fc: 6, address, value: 1 }, 100), { kind: 'write', retries: 0 });

describe('PortArbiter', () => {
  it('runs one transaction at a time and serves the slaves round-robin', async () => {
    const conn = new FakeConnection();
    const a = arbiter(async () => conn);
    await Promise.all([read(a, 1, 0), read(a, 1, 1), read(a, 1, 2), read(a, 2, 0), read(a, 2, 1), read(a, 3, 0)]);
    expect(conn.maxInFlight).toBe(1);
    expect(conn.calls).toEqual(['r1@0', 'r2@0', 'r3@0', 'r1@1', 'r2@1', 'r1@2']);
    await a.close();
    expect(conn.closed).toBe(true);
  });

  it('takes a job submitted right after the previous one resolved (a poll cycle awaiting each request)', async () => {
    const conn = new FakeConnection(0);
    const a = arbiter(async () => conn);
    for (let i = 0; i < 5; i++) expect(await read(a, 1, i)).toEqual([i]);
    expect(conn.calls).toHaveLength(5);
    await a.close();
  });

  it('puts writes ahead of the queued reads of their slave', async () => {
    const conn = new FakeConnection();
    const a = arbiter(async () => conn);
    while (a.state !== 'open') await new Promise((r) => setTimeout(r, 1));
    // r1@0 is on the line at once; the rest queue.
    await Promise.all([read(a, 1, 0), read(a, 1, 1), write(a, 1, 9), write(a, 1, 8)]);
    expect(conn.calls).toEqual(['r1@0', 'w1@9', 'w1@8', 'r1@1']);
    await a.close();
  });

  it('retries a timed-out request after the other slaves had their turn; exceptions are not retried', async () => {
    const conn = new FakeConnection();
    conn.failOnce.set('r1@0', new ModbusError('FH_MODBUS_TIMEOUT', 'no answer'));
    conn.failOnce.set('r3@0', new ModbusError('FH_MODBUS_EXCEPTION', 'exception 2', { exceptionCode: 2 }));
    const a = arbiter(async () => conn);
    const results = await Promise.allSettled([read(a, 1, 0, 1), read(a, 2, 0), read(a, 3, 0, 3)]);
    expect(conn.calls).toEqual(['r1@0', 'r2@0', 'r3@0', 'r1@0']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'FH_MODBUS_EXCEPTION', exceptionCode: 2, exceptionName: 'ILLEGAL DATA ADDRESS' });
    expect(a.counters).toMatchObject({ transactions: 4, retries: 1, failures: { FH_MODBUS_TIMEOUT: 1, FH_MODBUS_EXCEPTION: 1 } });
    await a.close();
  });

  it('gives up after the retries with the last error', async () => {
    const conn = new FakeConnection();
    conn.failOnce.set('r1@0', new ModbusError('FH_MODBUS_CRC', 'bad crc'));
    const a = arbiter(async () => conn);
    await expect(read(a, 1, 0, 0)).rejects.toMatchObject({ code: 'FH_MODBUS_CRC' });
    await a.close();
  });

  it('keeps the inter-frame silence between transactions', async () => {
    const conn = new FakeConnection(0);
    const a = arbiter(async () => conn, 15);
    await Promise.all([read(a, 1, 0), read(a, 2, 0), read(a, 1, 1)]);
    for (let i = 1; i < conn.spans.length; i++) {
      expect(conn.spans[i]!.start - conn.spans[i - 1]!.end).toBeGreaterThanOrEqual(15);
    }
    await a.close();
  });

  it('refuses more than maxQueuedPerUnit queued requests of one slave', async () => {
    const conn = new FakeConnection(5);
    const a = arbiter(async () => conn);
    const jobs = Array.from({ length: 6 }, (_, i) => read(a, 1, i));
    const settled = await Promise.allSettled(jobs);
    const busy = settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason.code);
    expect(busy).toEqual(['FH_MODBUS_BUSY', 'FH_MODBUS_BUSY']);
    await a.close();
  });

  it('fails fast while the port cannot be opened, and reopens with backoff', async () => {
    const states: PortState[] = [];
    let attempts = 0;
    const conn = new FakeConnection();
    const a = arbiter(async () => {
      attempts++;
      if (attempts < 3) throw new ModbusError('FH_MODBUS_PORT', 'ENOENT');
      return conn;
    }, 0, states);
    await expect(read(a, 1, 0)).rejects.toMatchObject({ code: 'FH_MODBUS_PORT' });
    await expect(read(a, 1, 0)).rejects.toMatchObject({ code: 'FH_MODBUS_PORT' });
    while (a.state !== 'open') await new Promise((r) => setTimeout(r, 5));
    expect(await read(a, 1, 0)).toEqual([0]);
    expect(states).toEqual(['down', 'opening', 'down', 'opening', 'open']);
    // The connection is lost: queued work fails, the port is reopened.
    conn.lost!(new Error('device gone'));
    expect(a.state).toBe('down');
    expect(a.error).toMatchObject({ code: 'FH_MODBUS_PORT' });
    while (a.state !== 'open') await new Promise((r) => setTimeout(r, 5));
    expect(attempts).toBe(4);
    await a.close();
    await expect(read(a, 1, 0)).rejects.toMatchObject({ code: 'FH_MODBUS_PORT' });
  });
});
