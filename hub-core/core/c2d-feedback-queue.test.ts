import { describe, expect, it } from 'vitest';
import type { HubLimits } from './api.js';
import { resolveLimits } from './hub.js';
import { SERVICE_QUEUE_LOCK_MS, SERVICE_QUEUE_SWEEP_MS } from './service-queue.js';
import type { ServiceQueueDropReason } from './service-queue-api.js';
import { codeOf, createTestHub } from './test-kit.js';
import type { FeedbackRecord } from './types.js';

/** A feedback record told apart by its originalMessageId. */
const rec = (id: string): FeedbackRecord => ({
  originalMessageId: id, enqueuedTimeUtc: '2024-01-01T00:00:00.000Z', statusCode: 'Success', description: 'Success',
  deviceId: 'dev1', deviceGenerationId: 'g1',
});
const ids = (records: FeedbackRecord[] | undefined): string[] => (records ?? []).map((r) => r.originalMessageId);

async function setup(limits: Partial<HubLimits> = {}) {
  const t = await createTestHub({ limits });
  const queue = t.hub.serviceQueues.feedback;
  const dropped: Array<[ServiceQueueDropReason, number]> = [];
  queue.onDropped((reason, count) => dropped.push([reason, count]));
  let available = 0;
  queue.onAvailable(() => available++);
  const append = async (...names: string[]): Promise<void> => {
    for (const n of names) await queue.append(rec(n));
  };
  const storedKeys = async (): Promise<number> => {
    await t.hub.idle();
    let n = 0;
    for await (const _ of t.store.sublevel('core').sublevel('feedback').keys()) n++;
    return n;
  };
  return { ...t, queue, dropped, append, storedKeys, available: () => available };
}

describe('service-bound queue: lease, complete, release', () => {
  it('leases oldest first in batches of at most max; a leased record is not leased again', async () => {
    const { queue, append } = await setup();
    await append('a', 'b', 'c');
    expect(queue.availableCount()).toBe(3);
    const first = queue.lease(2)!;
    expect(ids(first.records)).toEqual(['a', 'b']);
    expect(queue.availableCount()).toBe(1);
    const second = queue.lease(64)!;
    expect(ids(second.records)).toEqual(['c']);
    expect(second.lockToken).not.toBe(first.lockToken);
    expect(queue.lease(64)).toBeUndefined();
    expect(queue.stats()).toMatchObject({ records: 3, leased: 3, appended: 3 });
  });

  it('complete removes the records durably; an unknown or used token completes nothing', async () => {
    const { queue, append, storedKeys } = await setup();
    await append('a', 'b');
    expect(await storedKeys()).toBe(2);
    const lease = queue.lease(64)!;
    expect(await queue.complete(lease.lockToken)).toBe(true);
    expect(await queue.complete(lease.lockToken)).toBe(false);
    expect(await queue.release(lease.lockToken)).toBe(false);
    expect(await queue.complete('no-such-token')).toBe(false);
    expect(queue.lease(64)).toBeUndefined();
    expect(await storedKeys()).toBe(0);
    expect(queue.stats()).toMatchObject({ records: 0, leased: 0, completed: 2 });
  });

  it('release puts records back ahead of newer ones and signals availability', async () => {
    const { queue, append, available } = await setup();
    await append('a', 'b');
    const lease = queue.lease(1)!;
    await append('c');
    const before = available();
    expect(await queue.release(lease.lockToken)).toBe(true);
    expect(available()).toBe(before + 1);
    expect(ids(queue.lease(64)?.records)).toEqual(['a', 'b', 'c']);
    expect(queue.stats().released).toBe(1);
  });

  it('dead-letters a record after serviceQueueMaxDeliveryCount deliveries; an unsent release counts none', async () => {
    const { queue, append, dropped, storedKeys } = await setup({ serviceQueueMaxDeliveryCount: 2 });
    await append('a');
    // Never reached a receiver: not a delivery.
    for (let i = 0; i < 5; i++) await queue.release(queue.lease(1)!.lockToken, { delivered: false });
    await queue.release(queue.lease(1)!.lockToken);
    const second = queue.lease(1)!;
    expect(ids(second.records)).toEqual(['a']);
    await queue.release(second.lockToken);
    expect(queue.lease(1)).toBeUndefined();
    expect(dropped).toEqual([['deliveryCount', 1]]);
    expect(queue.stats()).toMatchObject({ records: 0, deadLettered: 1 });
    expect(await storedKeys()).toBe(0);
  });

  it('a lease runs out after SERVICE_QUEUE_LOCK_MS: the records are available again, one delivery counted', async () => {
    const { hub, queue, append, clock, available } = await setup({ serviceQueueMaxDeliveryCount: 2 });
    await append('a');
    const lease = queue.lease(64)!;
    await clock.advance(SERVICE_QUEUE_LOCK_MS - 1);
    expect(queue.lease(64)).toBeUndefined();
    const before = available();
    await clock.advance(1);
    await hub.idle();
    expect(available()).toBe(before + 1);
    expect(await queue.complete(lease.lockToken)).toBe(false);
    const again = queue.lease(64)!;
    expect(ids(again.records)).toEqual(['a']);
    // Second delivery ends the same way: dead-lettered at the limit of 2.
    await clock.advance(SERVICE_QUEUE_LOCK_MS);
    await hub.idle();
    expect(queue.stats()).toMatchObject({ records: 0, deadLettered: 1 });
  });

  it('hands out copies: changing a leased record changes nothing queued', async () => {
    const { queue, append } = await setup();
    await append('a');
    const lease = queue.lease(1)!;
    lease.records[0]!.originalMessageId = 'changed';
    await queue.release(lease.lockToken);
    expect(ids(queue.lease(1)?.records)).toEqual(['a']);
  });
});

describe('service-bound queue: bounds', () => {
  it('drops the oldest records beyond serviceQueueMaxRecords, counted and reported', async () => {
    const { queue, append, dropped, storedKeys } = await setup({ serviceQueueMaxRecords: 3 });
    await append('a', 'b', 'c', 'd', 'e');
    expect(dropped).toEqual([['full', 1], ['full', 1]]);
    expect(queue.stats()).toMatchObject({ records: 3, droppedFull: 2, appended: 5 });
    expect(await storedKeys()).toBe(3);
    expect(ids(queue.lease(64)?.records)).toEqual(['c', 'd', 'e']);
  });

  it('a leased record dropped as the oldest is not put back by its release', async () => {
    const { queue, append } = await setup({ serviceQueueMaxRecords: 2 });
    await append('a', 'b');
    const lease = queue.lease(1)!;
    await append('c');
    expect(await queue.release(lease.lockToken)).toBe(true);
    expect(ids(queue.lease(64)?.records)).toEqual(['b', 'c']);
  });

  it('expired records are never leased, and the sweep deletes them without any consumer', async () => {
    const { queue, append, clock, dropped, storedKeys } = await setup({ serviceQueueTtlMs: 90_000 });
    await append('old');
    await clock.advance(60_000);
    await append('young');
    // The first sweep (at 60 s) found nothing due; the next (120 s) finds `old` (due at 90 s).
    await clock.advance(SERVICE_QUEUE_SWEEP_MS);
    expect(dropped).toEqual([['expired', 1]]);
    expect(await storedKeys()).toBe(1);
    await clock.advance(29_999);
    expect(ids(queue.lease(64)?.records)).toEqual(['young']);
    expect(queue.stats()).toMatchObject({ records: 1, expired: 1 });
  });

  it('a leased record that expires is dropped when its lease is released', async () => {
    const { queue, append, clock } = await setup({ serviceQueueTtlMs: 10_000 });
    await append('a');
    const lease = queue.lease(1)!;
    await clock.advance(10_000);
    await queue.release(lease.lockToken);
    expect(queue.lease(1)).toBeUndefined();
    expect(queue.stats()).toMatchObject({ records: 0, expired: 1, released: 0 });
  });

  it('refuses zero or negative bounds and appends after close', async () => {
    expect(() => resolveLimits({ serviceQueueMaxRecords: 0 })).toThrow(RangeError);
    expect(() => resolveLimits({ serviceQueueTtlMs: -1 })).toThrow(RangeError);
    expect(resolveLimits({}).serviceQueueTtlMs).toBe(3_600_000);
    const { hub, queue } = await setup();
    await hub.close();
    expect(await codeOf(queue.append(rec('late')))).toBe('FH_HUB_CLOSED');
    expect(queue.lease(64)).toBeUndefined();
  });
});
