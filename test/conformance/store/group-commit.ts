/** GroupCommitter over the backend: merging, order, limits, sync, and failure fan-out. */
import { expect } from 'vitest';
import { HubError } from '../../../hub-core/errors.js';
import { GroupCommitter } from '../../../hub-core/store/group-commit.js';
import type { BatchOp, Store, WriteOptions } from '../../../hub-core/store/store.js';
import { collect, expectCode, openFresh, text, utf8, type Common, type Test } from './common.js';

interface Recording {
  /** Pass this to the committer: only batch() is used, and it is wrapped. */
  store: Store;
  batches: { ops: number; sync: boolean }[];
  /** Make the next batch throw FH_STORE_IO. */
  failNext(): void;
  /** Hold batches in flight until the returned function is called. */
  hold(): () => void;
}

/** Delegates batch() to a real store, recording each one; can fail or hold a batch. */
function recording(inner: Store): Recording {
  const batches: Recording['batches'] = [];
  let fail = false;
  let gate: Promise<void> | null = null;
  const store = {
    batch: async (ops: BatchOp[], options?: WriteOptions) => {
      batches.push({ ops: ops.length, sync: options?.sync === true });
      if (gate) await gate;
      if (fail) {
        fail = false;
        throw new HubError('FH_STORE_IO', 'injected batch failure');
      }
      return inner.batch(ops, options);
    },
  } as Partial<Store> as Store;
  const hold = (): (() => void) => {
    let release!: () => void;
    gate = new Promise((r) => (release = r));
    return () => {
      gate = null;
      release();
    };
  };
  return { store, batches, failNext: () => (fail = true), hold };
}

export function all(test: Test, common: Common): void {
  test('concurrent puts are merged into fewer batches; all resolve and land', async () => {
    const db = await openFresh(common);
    const gc = new GroupCommitter(db);
    const n = 500;
    await Promise.all(Array.from({ length: n }, (_, i) => gc.put(`m${String(i).padStart(4, '0')}`, utf8(`v${i}`))));
    const stats = gc.stats;
    expect(stats.ops).toBe(n);
    expect(stats.batches).toBeGreaterThanOrEqual(1);
    expect(stats.batches).toBeLessThan(n);
    expect(stats.pendingOps).toBe(0);
    expect(await collect(db.keys())).toHaveLength(n);
    expect(text(await db.get('m0499'))).toBe('v499');
  });

  test('order is kept within and across batches', async () => {
    const db = await openFresh(common);
    const gc = new GroupCommitter(db, { maxBatchOps: 7 });
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) writes.push(gc.put('same', utf8(String(i))));
    writes.push(gc.del('gone'));
    writes.push(gc.put('gone', utf8('back')));
    writes.push(gc.put('last', utf8('x')));
    writes.push(gc.del('last'));
    await Promise.all(writes);
    expect(gc.stats.batches).toBeGreaterThan(1);
    expect(text(await db.get('same'))).toBe('99');
    expect(text(await db.get('gone'))).toBe('back');
    expect(await db.get('last')).toBeUndefined();
  });

  test('ops queued while a batch is in flight form the next batch', async () => {
    const db = await openFresh(common);
    const rec = recording(db);
    const gc = new GroupCommitter(rec.store);
    const release = rec.hold();
    let firstDone = false;
    const first = gc.put('a', utf8('1')).then(() => (firstDone = true));
    await new Promise((r) => setImmediate(r));
    expect(rec.batches).toHaveLength(1); // the first batch is in flight, held
    const rest = Array.from({ length: 50 }, (_, i) => gc.put(`b${i}`, utf8('2')));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(rec.batches).toHaveLength(1); // never two batches at once
    expect(firstDone).toBe(false); // not acknowledged before its batch is written
    release();
    await Promise.all([first, ...rest]);
    expect(rec.batches.map((b) => b.ops)).toEqual([1, 50]);
    expect(await collect(db.keys())).toHaveLength(51);
  });

  test('batches respect maxBatchOps and maxBatchBytes but never split one write()', async () => {
    const db = await openFresh(common);
    const rec = recording(db);
    const gc = new GroupCommitter(rec.store, { maxBatchOps: 10, maxBatchBytes: 64 * 1024 });
    const puts = Array.from({ length: 25 }, (_, i) => gc.put(`p${i}`, utf8('x')));
    const big = Array.from({ length: 12 }, (_, i): BatchOp => ({ type: 'put', key: `w${i}`, value: utf8('y') }));
    const whole = gc.write(big);
    const huge = Array.from({ length: 3 }, (_, i) => gc.put(`h${i}`, new Uint8Array(40 * 1024)));
    await Promise.all([...puts, whole, ...huge]);
    expect(rec.batches.map((b) => b.ops)).toEqual([10, 10, 5, 12, 1, 1, 1]);
    expect(gc.stats).toMatchObject({ batches: 7, ops: 40, failedBatches: 0 });
    expect(await collect(db.keys({ gte: 'w', lt: 'x' }))).toHaveLength(12);
  });

  test('sync: true reaches every batch; writes to sublevels land in them', async () => {
    const db = await openFresh(common);
    const rec = recording(db);
    const gc = new GroupCommitter(rec.store, { sync: true });
    const sub = db.sublevel('telemetry');
    await Promise.all([gc.put('k', utf8('root')), gc.put('k', utf8('sub'), sub), gc.del('nothing', sub)]);
    await gc.put('k2', utf8('later'), sub);
    expect(rec.batches.length).toBeGreaterThan(0);
    expect(rec.batches.every((b) => b.sync)).toBe(true);
    expect(text(await db.get('k'))).toBe('root');
    expect(text(await sub.get('k'))).toBe('sub');
    expect(text(await sub.get('k2'))).toBe('later');
  });

  test('a failed batch rejects every caller in it; the next batch still works', async () => {
    const db = await openFresh(common);
    const rec = recording(db);
    const gc = new GroupCommitter(rec.store);
    rec.failNext();
    const doomed = Array.from({ length: 20 }, (_, i) => gc.put(`d${i}`, utf8('x')));
    const results = await Promise.allSettled(doomed);
    expect(results.every((r) => r.status === 'rejected' && (r.reason as HubError).code === 'FH_STORE_IO')).toBe(true);
    expect(rec.batches).toHaveLength(1);
    expect(gc.stats).toMatchObject({ batches: 0, failedBatches: 1, pendingOps: 0 });
    await gc.put('ok', utf8('y'));
    expect(text(await db.get('ok'))).toBe('y');
    expect(await db.get('d0')).toBeUndefined();
  });

  test('values are copied when queued; a bad op rejects only its caller', async () => {
    const db = await openFresh(common);
    const gc = new GroupCommitter(db);
    const value = utf8('abc');
    const good = gc.put('k', value);
    value[0] = 0x7a;
    const bad = gc.put(7 as unknown as string, utf8('x'));
    await expect(bad).rejects.toBeInstanceOf(TypeError);
    await good;
    expect(text(await db.get('k'))).toBe('abc');
    expect(() => new GroupCommitter(db, { maxBatchOps: 0 })).toThrow(RangeError);
  });

  test('writes to a closed store reject FH_STORE_NOT_OPEN; flush() waits for the queue', async () => {
    const db = await openFresh(common);
    const gc = new GroupCommitter(db);
    await gc.flush();
    const pending = gc.put('a', utf8('1'));
    await gc.flush();
    await pending;
    expect(text(await db.get('a'))).toBe('1');
    await db.close();
    await expectCode(gc.put('b', utf8('2')), 'FH_STORE_NOT_OPEN');
    expect(gc.stats.failedBatches).toBe(1);
  });
}
