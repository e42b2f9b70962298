/** batch(): puts and dels together, atomic validation, ops that target sublevels. */
import { expect } from 'vitest';
import type { BatchOp } from '../../../hub-core/store/store.js';
import { collect, fill, openFresh, text, utf8, type Common, type Test } from './common.js';

export function all(test: Test, common: Common): void {
  test('applies puts and dels together; an empty batch is fine', async () => {
    const db = await openFresh(common);
    await fill(db, [['old', 'x'], ['keep', 'y']]);
    await db.batch([
      { type: 'put', key: 'a', value: utf8('1') },
      { type: 'del', key: 'old' },
      { type: 'put', key: 'b', value: utf8('2') },
    ]);
    await db.batch([]);
    expect(await collect(db.keys())).toEqual(['a', 'b', 'keep']);
    expect(text(await db.get('b'))).toBe('2');
  });

  test('later ops in one batch win over earlier ops on the same key', async () => {
    const db = await openFresh(common);
    await db.batch([
      { type: 'put', key: 'gone', value: utf8('1') },
      { type: 'del', key: 'gone' },
      { type: 'del', key: 'back' },
      { type: 'put', key: 'back', value: utf8('2') },
      { type: 'put', key: 'twice', value: utf8('first') },
      { type: 'put', key: 'twice', value: utf8('second') },
    ]);
    expect(await db.get('gone')).toBeUndefined();
    expect(text(await db.get('back'))).toBe('2');
    expect(text(await db.get('twice'))).toBe('second');
  });

  test('one bad op rejects the batch with TypeError and writes nothing', async () => {
    const db = await openFresh(common);
    const ops = [
      { type: 'put', key: 'a', value: utf8('1') },
      { type: 'put', key: 'b', value: 'not bytes' },
    ] as unknown as BatchOp[];
    await expect(db.batch(ops)).rejects.toBeInstanceOf(TypeError);
    const badType = [{ type: 'put', key: 'a', value: utf8('1') }, { type: 'merge', key: 'c' }] as unknown as BatchOp[];
    await expect(db.batch(badType)).rejects.toBeInstanceOf(TypeError);
    expect(await db.get('a')).toBeUndefined();
  });

  test('batch values are copied', async () => {
    const db = await openFresh(common);
    const value = utf8('abc');
    await db.batch([{ type: 'put', key: 'k', value }]);
    value[0] = 0x7a;
    expect(text(await db.get('k'))).toBe('abc');
  });

  test('one batch writes into the store and several (nested) sublevels', async () => {
    const db = await openFresh(common);
    const events = db.sublevel('events');
    const twins = db.sublevel('twins');
    const nested = twins.sublevel('reported');
    await events.put('stale', utf8('x'));
    await db.batch([
      { type: 'put', key: 'k', value: utf8('root') },
      { type: 'put', key: 'k', value: utf8('events'), sublevel: events },
      { type: 'del', key: 'stale', sublevel: events },
      { type: 'put', key: 'k', value: utf8('twins'), sublevel: twins },
      { type: 'put', key: 'k', value: utf8('nested'), sublevel: nested },
    ]);
    expect(text(await db.get('k'))).toBe('root');
    expect(text(await events.get('k'))).toBe('events');
    expect(await events.get('stale')).toBeUndefined();
    expect(text(await twins.get('k'))).toBe('twins');
    expect(text(await nested.get('k'))).toBe('nested');
    expect(await collect(db.keys())).toEqual(['k']);
  });

  test('a batch on a sublevel may target its own descendants but not its parent or strangers', async () => {
    const db = await openFresh(common);
    const sub = db.sublevel('sub');
    const child = sub.sublevel('child');
    await sub.batch([
      { type: 'put', key: 'a', value: utf8('sub') },
      { type: 'put', key: 'a', value: utf8('child'), sublevel: child },
    ]);
    expect(text(await sub.get('a'))).toBe('sub');
    expect(text(await child.get('a'))).toBe('child');
    await expect(child.batch([{ type: 'put', key: 'b', value: utf8('x'), sublevel: db }])).rejects.toBeInstanceOf(TypeError);
    const stranger = await common.factory();
    await expect(db.batch([{ type: 'put', key: 'b', value: utf8('x'), sublevel: stranger }])).rejects.toBeInstanceOf(TypeError);
    expect(await db.get('b')).toBeUndefined();
  });

  test('a failing op in the middle leaves no partial batch (all or nothing)', async () => {
    const db = await openFresh(common);
    const sub = db.sublevel('sub');
    const ops: BatchOp[] = [];
    for (let i = 0; i < 100; i++) ops.push({ type: 'put', key: `k${i}`, value: utf8(String(i)), sublevel: i % 2 ? sub : db });
    ops.splice(50, 0, { type: 'put', key: '', value: utf8('empty key is invalid') });
    await expect(db.batch(ops)).rejects.toBeInstanceOf(TypeError);
    expect(await collect(db.keys())).toEqual([]);
    expect(await collect(sub.keys())).toEqual([]);
    ops.splice(50, 1);
    await db.batch(ops, { sync: true });
    expect(await collect(db.keys())).toHaveLength(50);
    expect(await collect(sub.keys())).toHaveLength(50);
  });
}
