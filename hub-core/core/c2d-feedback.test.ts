import { describe, expect, it } from 'vitest';
import type { HubLimits } from './api.js';
import type { Store } from '../store/store.js';
import type { FakeClock } from './clock.js';
import { createTestHub, textMessage } from './test-kit.js';
import type { FeedbackRecord } from './types.js';

const ref = { deviceId: 'dev1' };

async function setup(options: { limits?: Partial<HubLimits>; store?: Store; clock?: FakeClock } = {}) {
  const t = await createTestHub(options);
  const device = options.store === undefined
    ? await t.hub.registry.createDevice({ deviceId: 'dev1' })
    : await t.hub.registry.getDevice('dev1');
  const live: FeedbackRecord[] = [];
  t.hub.c2d.onFeedback((r) => live.push(r));
  const send = (id: string, ack?: string) => t.hub.c2d.send('dev1', textMessage(id, {}, { messageId: id, ...(ack ? { ack } : {}) }));
  /** Pulls the next message and settles it. */
  const settle = async (how: 'complete' | 'reject'): Promise<void> => {
    const d = await t.hub.c2d.receive(ref);
    if (d === undefined) throw new Error('nothing to receive');
    await t.hub.c2d[how](ref, d.lockToken);
  };
  return { ...t, generationId: device.generationId, live, send, settle, feedback: t.hub.serviceQueues.feedback };
}

describe('c2d feedback: durable service-bound queue', () => {
  it('a completion with ack full waits in the feedback queue for a consumer attached later', async () => {
    const { send, settle, feedback, live, clock, generationId } = await setup();
    await send('m1', 'full');
    await settle('complete');
    // The live event still fires (heads and tests use it) ...
    expect(live.map((r) => r.statusCode)).toEqual(['Success']);
    // ... and the same record waits for whoever consumes the queue.
    expect(feedback.availableCount()).toBe(1);
    const lease = feedback.lease(64)!;
    expect(lease.records).toEqual([{
      originalMessageId: 'm1', enqueuedTimeUtc: new Date(clock.now()).toISOString(), statusCode: 'Success',
      description: 'Success', deviceId: 'dev1', deviceGenerationId: generationId,
    }]);
    expect(await feedback.complete(lease.lockToken)).toBe(true);
    expect(feedback.availableCount()).toBe(0);
  });

  it('queues exactly what the ack asks for: positive, negative, none', async () => {
    const { send, settle, feedback } = await setup();
    await send('pos', 'positive');
    await send('neg', 'negative');
    await send('none');
    await send('pos-rej', 'positive');
    await settle('complete');
    await settle('reject');
    await settle('complete');
    await settle('reject');
    expect(feedback.lease(64)?.records.map((r) => [r.originalMessageId, r.statusCode])).toEqual([['pos', 'Success'], ['neg', 'Rejected']]);
  });

  it('queues Expired feedback when the sweep expires a message', async () => {
    const { hub, send, feedback, clock } = await setup({ limits: { c2dDefaultTtlMs: 1000 } });
    await send('late', 'negative');
    await clock.advance(60_000);
    await hub.idle();
    expect(feedback.lease(64)?.records.map((r) => r.statusCode)).toEqual(['Expired']);
  });

  it('writes the removal and its feedback together: a failed write keeps the message and queues nothing', async () => {
    const { hub, store, clock, send, feedback, live } = await setup();
    await send('m1', 'full');
    const d = (await hub.c2d.receive(ref))!;
    const batch = store.batch.bind(store);
    // Fails only a write that carries feedback: were the removal written apart from its
    // feedback, the message would be gone here with its feedback lost.
    const feedbackLevel = store.sublevel('core').sublevel('feedback');
    store.batch = (ops, o) => ops.some((op) => op.sublevel === feedbackLevel) ? Promise.reject(new Error('disk full')) : batch(ops, o);
    await expect(hub.c2d.complete(ref, d.lockToken)).rejects.toThrow('disk full');
    store.batch = batch;
    expect(await hub.c2d.queueDepth('dev1')).toBe(1);
    expect(feedback.availableCount()).toBe(0);
    expect(live).toEqual([]);
    // Nothing half-written either: a restart sees the message and no feedback.
    await hub.close();
    const again = await setup({ store, clock });
    expect(await again.hub.c2d.queueDepth('dev1')).toBe(1);
    expect(again.feedback.availableCount()).toBe(0);
  });
});

describe('c2d feedback: restart', () => {
  it('keeps unconsumed and leased records, in order, with their delivery counts; completed ones stay gone', async () => {
    const { hub, store, clock, send, settle, feedback } = await setup({ limits: { serviceQueueMaxDeliveryCount: 2 } });
    for (const id of ['a', 'b', 'c', 'd']) {
      await send(id, 'full');
      await settle('complete');
    }
    const done = feedback.lease(1)!;
    await feedback.complete(done.lockToken);
    // `b` is delivered once (released), `c` is leased when the hub stops.
    const once = feedback.lease(1)!;
    await feedback.release(once.lockToken);
    feedback.lease(2);
    await hub.close();

    const again = await setup({ store, clock, limits: { serviceQueueMaxDeliveryCount: 2 } });
    expect(again.feedback.stats()).toMatchObject({ records: 3, leased: 0 });
    const all = again.feedback.lease(64)!;
    expect(all.records.map((r) => r.originalMessageId)).toEqual(['b', 'c', 'd']);
    // `b`'s first delivery was persisted: this second one reaches the limit of 2.
    await again.feedback.release(all.lockToken);
    expect(again.feedback.lease(64)?.records.map((r) => r.originalMessageId)).toEqual(['c', 'd']);
    expect(again.feedback.stats().deadLettered).toBe(1);
  });

  it('drops records that expired while the hub was down, and new records get fresh sequence numbers', async () => {
    const { hub, store, clock, send, settle } = await setup({ limits: { serviceQueueTtlMs: 10_000 } });
    await send('old', 'full');
    await settle('complete');
    await hub.close();
    await clock.advance(10_000);
    const again = await setup({ store, clock });
    expect(again.feedback.stats()).toMatchObject({ records: 0, expired: 1 });
    await again.send('new', 'full');
    await again.settle('complete');
    await again.hub.close();
    const third = await setup({ store, clock });
    expect(third.feedback.lease(64)?.records.map((r) => r.originalMessageId)).toEqual(['new']);
  });
});
