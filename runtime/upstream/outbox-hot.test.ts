/**
 * The outbox's in-memory values of recent records (outbox-hot.ts): a lease of what was just
 * appended reads nothing back from the store, the budget bounds what is held, records removed by
 * any rule leave it, and what a lease returns is the same with or without it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, type IdentityRef } from '../../hub-core/core/index.js';
import { MemoryStore } from '../../hub-core/store/index.js';
import { HotRecords } from './outbox-hot.js';
import { Outbox, type OutboxEntry, type OutboxOptions } from './outbox.js';
import { telemetryItem } from './outbox-test-kit.js';

const A: IdentityRef = { deviceId: 'dev-a' };
const B: IdentityRef = { deviceId: 'dev-b' };
const seqs = (entries: OutboxEntry[]): number[] => entries.map((e) => e.seq);
const view = (entries: OutboxEntry[]) => entries.map((e) => ({ seq: e.seq, ref: e.ref, message: e.message, enqueuedAtMs: e.enqueuedAtMs }));

describe('HotRecords', () => {
  it('holds values up to its budget, refuses what does not fit, and gives each back once', () => {
    const hot = new HotRecords(10);
    hot.put(1, new Uint8Array(6));
    hot.put(2, new Uint8Array(6)); // 12 > 10: not kept
    hot.put(3, new Uint8Array(4));
    expect([hot.size, hot.bytes]).toEqual([2, 10]);
    expect(hot.take(2)).toBeUndefined();
    expect(hot.take(1)?.byteLength).toBe(6);
    expect(hot.take(1)).toBeUndefined();
    hot.drop(3);
    expect([hot.size, hot.bytes]).toEqual([0, 0]);
  });

  it('is off with a budget of 0', () => {
    const hot = new HotRecords(0);
    hot.put(1, new Uint8Array(1));
    expect(hot.size).toBe(0);
  });
});

describe('Outbox leases with the hot cache', () => {
  const opened: Outbox[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
  });

  async function open(options: Partial<OutboxOptions> = {}, store = new MemoryStore()): Promise<{ outbox: Outbox; clock: FakeClock; store: MemoryStore }> {
    if (store.status !== 'open') await store.open();
    const clock = new FakeClock();
    const outbox = await Outbox.open({ store: store.sublevel('outbox'), maxBytes: 1_000_000, ttlMs: 3_600_000, fullPolicy: 'reject', clock, ...options });
    opened.push(outbox);
    return { outbox, clock, store };
  }

  it('leases what was just appended without reading the store, and returns what the store holds', async () => {
    const { outbox, store } = await open();
    await outbox.append([1, 2, 3].map((n) => telemetryItem(A, n)));
    expect(outbox.stats().hotBytes).toBeGreaterThan(0);
    const hot = await outbox.lease(A, 10);
    expect(seqs(hot)).toEqual([1, 2, 3]);
    expect(outbox.stats()).toMatchObject({ leaseReads: 0, hotBytes: 0 });
    // The same records read back from the store (cache off, same data): equal entries.
    outbox.release(hot.map((e) => e.id));
    const cold = await outbox.lease(A, 10);
    expect(outbox.stats().leaseReads).toBe(3);
    expect(view(cold)).toEqual(view(hot));
    await outbox.close();
    const reopened = await open({ hotCacheBytes: 0 }, store);
    expect(view(await reopened.outbox.lease(A, 10))).toEqual(view(hot));
  });

  it('holds at most hotCacheBytes; the rest is read from the store, in order', async () => {
    const { outbox } = await open({ hotCacheBytes: 700 });
    await outbox.append([1, 2, 3, 4, 5, 6].map((n) => telemetryItem(n % 2 === 0 ? B : A, n, { bodyBytes: 200 })));
    const held = outbox.stats().hotBytes;
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(700);
    expect(seqs(await outbox.lease(A, 10))).toEqual([1, 3, 5]);
    expect(seqs(await outbox.lease(B, 10))).toEqual([2, 4, 6]);
    // Two or three records of ~250 bytes fit in 700: the other three or four were read back.
    expect(outbox.stats().leaseReads).toBeGreaterThanOrEqual(3);
    expect(outbox.stats().leaseReads).toBeLessThanOrEqual(4);
    expect(outbox.stats().hotBytes).toBe(0);
  });

  it('with hotCacheBytes 0 every lease reads the store', async () => {
    const { outbox } = await open({ hotCacheBytes: 0 });
    await outbox.append([1, 2].map((n) => telemetryItem(A, n)));
    expect(outbox.stats().hotBytes).toBe(0);
    expect(seqs(await outbox.lease(A, 10))).toEqual([1, 2]);
    expect(outbox.stats().leaseReads).toBe(2);
  });

  it('records removed without a lease (expiry, dropOldest) leave the cache', async () => {
    const expiring = await open({ ttlMs: 10_000, sweepIntervalMs: 5_000 });
    await expiring.outbox.append([telemetryItem(A, 1), telemetryItem(B, 2)]);
    await expiring.clock.advance(16_000); // the sweep at 15 s finds both older than 10 s
    expect(expiring.outbox.stats()).toMatchObject({ expired: 2, messages: 0, hotBytes: 0 });

    const dropping = await open({ fullPolicy: 'dropOldest', maxMessages: 2 });
    await dropping.outbox.append([telemetryItem(A, 1), telemetryItem(A, 2)]);
    const before = dropping.outbox.stats().hotBytes;
    await dropping.outbox.append([telemetryItem(B, 3), telemetryItem(B, 4)]);
    expect(dropping.outbox.stats()).toMatchObject({ dropped: 2, messages: 2 });
    expect(dropping.outbox.stats().hotBytes).toBe(before); // two out, two in, all the same size
    expect(seqs(await dropping.outbox.lease(B, 10))).toEqual([3, 4]);
    expect(dropping.outbox.stats()).toMatchObject({ leaseReads: 0, hotBytes: 0 });
  });

  it('rejects a bad hotCacheBytes as a programmer error', async () => {
    await expect(open({ hotCacheBytes: -1 })).rejects.toThrow(/hotCacheBytes/);
    await expect(open({ hotCacheBytes: 1.5 })).rejects.toThrow(/hotCacheBytes/);
  });
});
