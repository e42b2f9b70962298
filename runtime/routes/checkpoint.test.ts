/**
 * The route checkpoint (checkpoint.ts): eager writes move only once written; lazy writes happen
 * at most once per interval, always write the newest value, are retried after a failure, and
 * flush writes what is left; the route pipeline's wiring of it. MemoryStore and a FakeClock.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../hub-core/core/clock.js';
import { createTestHub, textMessage } from '../../hub-core/core/test-kit.js';
import { MemoryStore } from '../../hub-core/store/memory.js';
import { decodeJson, type BatchOp, type Store } from '../../hub-core/store/store.js';
import { Checkpoint } from './checkpoint.js';
import { createRoutePipeline } from './pipeline.js';
import { compileRoutes } from './router.js';

async function setup(intervalMs: number) {
  const root = new MemoryStore();
  await root.open();
  const store = root.sublevel('routes');
  const clock = new FakeClock();
  const writes: number[] = [];
  const results: unknown[] = [];
  let failNext = 0;
  const write = async (ops: BatchOp[]): Promise<void> => {
    if (failNext > 0) {
      failNext--;
      throw new Error('disk full (test)');
    }
    await store.batch(ops);
    writes.push(decodeJson<number>((ops[0] as { value: Uint8Array }).value));
  };
  const cp = new Checkpoint({ store, clock, write, sync: false, intervalMs, onWriteResult: (err) => results.push(err) });
  return { cp, store, clock, writes, results, fail: (n: number) => { failNext = n; } };
}

const stored = async (store: Store): Promise<number | undefined> => {
  const v = await store.get('checkpoint');
  return v === undefined ? undefined : decodeJson<number>(v);
};
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Checkpoint', () => {
  it('eager: each advance is written before it resolves; a failed write leaves the value where it was', async () => {
    const { cp, store, writes, fail } = await setup(0);
    expect(await cp.load()).toBeUndefined();
    await cp.advance(5);
    expect([cp.value, await stored(store)]).toEqual([5, 5]);
    fail(1);
    await expect(cp.advance(9)).rejects.toThrow(/disk full/);
    expect(cp.value).toBe(5);
    await cp.advance(9);
    expect(writes).toEqual([5, 9]);
  });

  it('lazy: moves at once, writes at most once per interval and always the newest value', async () => {
    const { cp, store, clock, writes } = await setup(1000);
    await cp.advance(1); // the first write is due at once
    await settle();
    expect(writes).toEqual([1]);
    for (let seq = 2; seq <= 50; seq++) await cp.advance(seq);
    expect(cp.value).toBe(50);
    expect(writes).toEqual([1]);
    await clock.advance(999);
    await settle();
    expect(writes).toEqual([1]);
    await clock.advance(1);
    await settle();
    expect(writes).toEqual([1, 50]);
    expect(await stored(store)).toBe(50);
    await clock.advance(5000); // nothing new: no write
    await settle();
    expect(writes).toEqual([1, 50]);
  });

  it('lazy: a failed write is reported and retried after the interval; flush writes the rest and stops the timer', async () => {
    const { cp, store, clock, writes, results, fail } = await setup(1000);
    fail(1);
    await cp.advance(3);
    await settle();
    expect(writes).toEqual([]);
    expect(String(results[0])).toMatch(/disk full/);
    await clock.advance(1000);
    await settle();
    expect(writes).toEqual([3]);
    expect(results.at(-1)).toBeUndefined();
    await cp.advance(7);
    await cp.flush();
    expect(writes).toEqual([3, 7]);
    expect(await stored(store)).toBe(7);
    await cp.advance(8); // after flush (closing): no more lazy writes
    await clock.advance(5000);
    await settle();
    expect(writes).toEqual([3, 7]);
  });

  it('reset writes at once, also in lazy mode, and load reads it back', async () => {
    const { cp, store } = await setup(1000);
    await cp.reset(42);
    expect(await stored(store)).toBe(42);
    const again = new Checkpoint({ store, clock: new FakeClock(), sync: false, intervalMs: 1000, onWriteResult: () => undefined });
    expect(await again.load()).toBe(42);
    expect(again.value).toBe(42);
  });
});

describe('RoutePipeline with a lazy checkpoint', () => {
  it('writes through writeCheckpoint at most once per interval, and the last value on close', async () => {
    const { hub, store, clock } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'leaf' });
    const written: number[] = [];
    const routes = store.sublevel('routes');
    const accepted: number[] = [];
    const p = createRoutePipeline({
      telemetry: hub.telemetry, router: compileRoutes({ all: 'FROM /messages/* INTO $upstream' }, { sinkNames: [] }), store: routes, clock,
      targetFor: () => ({ deliver: async (items) => void accepted.push(...items.map((i) => i.seq)) }),
      checkpointIntervalMs: 60_000,
      writeCheckpoint: async (ops) => {
        written.push(decodeJson<number>((ops[0] as { value: Uint8Array }).value));
        await store.batch(ops);
      },
    });
    await p.start();
    for (let i = 0; i < 20; i++) await hub.telemetry.append({ deviceId: 'leaf' }, textMessage(`m${i}`));
    while (p.status().checkpoint < 20) await settle();
    expect(accepted).toHaveLength(20);
    expect(written.length).toBe(1); // the first batch; the rest waits for the interval
    expect(await stored(routes)).toBeLessThan(20);
    await p.close();
    expect(written.at(-1)).toBe(20);
    expect(await stored(routes)).toBe(20);
    await hub.close();
  });
});

describe('RoutePipeline with a lazy checkpoint and a refusing target', () => {
  it('a lazy write that lands while a batch waits for its retry leaves the pipeline retrying', async () => {
    const { hub, store, clock } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'leaf' });
    let refuse = false;
    const accepted: number[] = [];
    const p = createRoutePipeline({
      telemetry: hub.telemetry, router: compileRoutes({ all: 'FROM /messages/* INTO $upstream' }, { sinkNames: [] }), store: store.sublevel('routes'), clock,
      targetFor: () => ({
        deliver: async (items) => {
          if (refuse) throw new Error('sink away (test)');
          accepted.push(...items.map((i) => i.seq));
        },
      }),
      checkpointIntervalMs: 1000, retryInitialMs: 60_000, retryMaxMs: 60_000,
    });
    await p.start();
    await hub.telemetry.append({ deviceId: 'leaf' }, textMessage('one')); // written at once (first write)
    while (p.status().checkpoint < 1) await settle();
    await hub.telemetry.append({ deviceId: 'leaf' }, textMessage('two')); // its write waits for the interval
    while (p.status().checkpoint < 2) await settle();
    refuse = true;
    await hub.telemetry.append({ deviceId: 'leaf' }, textMessage('three'));
    while (p.status().state !== 'retrying') await settle();
    await clock.advance(1000); // the lazy write of 2 lands; the retry of 3 is 30-60 s away
    await settle();
    expect(await stored(store.sublevel('routes'))).toBe(2);
    expect(p.status()).toMatchObject({ state: 'retrying', checkpoint: 2 });
    expect(accepted).toEqual([1, 2]);
    await p.close();
    await hub.close();
  });
});
