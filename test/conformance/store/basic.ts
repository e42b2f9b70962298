/** get, getMany, put, del, value handling and argument checks. */
import { expect } from 'vitest';
import { collect, openFresh, text, utf8, type Common, type Test } from './common.js';

export function all(test: Test, common: Common): void {
  test('put then get returns the value; absent keys are undefined', async () => {
    const db = await openFresh(common);
    expect(db.status).toBe('open');
    await db.put('a', utf8('1'));
    expect(text(await db.get('a'))).toBe('1');
    expect(await db.get('missing')).toBeUndefined();
  });

  test('put overwrites; del removes; del of an absent key is fine', async () => {
    const db = await openFresh(common);
    await db.put('k', utf8('old'));
    await db.put('k', utf8('new'));
    expect(text(await db.get('k'))).toBe('new');
    await db.del('k');
    expect(await db.get('k')).toBeUndefined();
    await db.del('never-there');
    expect(await collect(db.keys())).toEqual([]);
  });

  test('getMany returns values in request order with undefined for absent keys', async () => {
    const db = await openFresh(common);
    await db.put('x', utf8('X'));
    await db.put('y', utf8('Y'));
    const values = await db.getMany(['y', 'nope', 'x', 'y']);
    expect(values.map(text)).toEqual(['Y', undefined, 'X', 'Y']);
    expect(await db.getMany([])).toEqual([]);
  });

  test('binary values round-trip byte for byte (0x00, 0xff, empty, 1 MiB)', async () => {
    const db = await openFresh(common);
    const all256 = Uint8Array.from({ length: 256 }, (_, i) => i);
    const big = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 31) & 0xff);
    await db.put('zeros', new Uint8Array([0, 0, 0]));
    await db.put('ff', new Uint8Array([0xff, 0x00, 0xff]));
    await db.put('all', all256);
    await db.put('empty', new Uint8Array(0));
    await db.put('big', big);
    expect(Array.from((await db.get('zeros'))!)).toEqual([0, 0, 0]);
    expect(Array.from((await db.get('ff'))!)).toEqual([0xff, 0x00, 0xff]);
    expect(Array.from((await db.get('all'))!)).toEqual(Array.from(all256));
    const empty = await db.get('empty');
    expect(empty).toBeInstanceOf(Uint8Array);
    expect(empty!.byteLength).toBe(0);
    expect(Buffer.compare(Buffer.from((await db.get('big'))!), Buffer.from(big))).toBe(0);
  });

  test('values come back as plain Uint8Array, also when a Buffer was put', async () => {
    const db = await openFresh(common);
    await db.put('buf', Buffer.from('hello'));
    const value = await db.get('buf');
    expect(value?.constructor).toBe(Uint8Array);
    expect(text(value)).toBe('hello');
    const [many] = await db.getMany(['buf']);
    expect(many?.constructor).toBe(Uint8Array);
  });

  test('values are copied on put and on get', async () => {
    const db = await openFresh(common);
    const input = utf8('abc');
    await db.put('k', input);
    input[0] = 0x7a; // 'z': must not reach the store
    const first = (await db.get('k'))!;
    expect(text(first)).toBe('abc');
    first[1] = 0x7a; // must not reach the store either
    expect(text(await db.get('k'))).toBe('abc');
    const [many] = await db.getMany(['k']);
    many![2] = 0x7a;
    expect(text(await db.get('k'))).toBe('abc');
  });

  test('bad arguments are programmer errors: TypeError, not a store code', async () => {
    const db = await openFresh(common);
    const bad = db as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    await expect(bad.get!.call(db, 42)).rejects.toBeInstanceOf(TypeError);
    await expect(bad.get!.call(db, '')).rejects.toBeInstanceOf(TypeError);
    await expect(bad.put!.call(db, 'k', 'a string')).rejects.toBeInstanceOf(TypeError);
    await expect(bad.put!.call(db, 'k', utf8('v'), { sync: 'yes' })).rejects.toBeInstanceOf(TypeError);
    await expect(bad.getMany!.call(db, 'k')).rejects.toBeInstanceOf(TypeError);
    await expect(bad.del!.call(db, null)).rejects.toBeInstanceOf(TypeError);
    expect(() => db.iterate({ gt: 'a', gte: 'b' })).toThrow(TypeError);
    expect(() => db.keys({ limit: 1.5 })).toThrow(RangeError);
    expect(await db.get('k')).toBeUndefined();
  });

  test('writes with { sync: true } are applied like any other', async () => {
    const db = await openFresh(common);
    await db.put('s', utf8('synced'), { sync: true });
    expect(text(await db.get('s'))).toBe('synced');
    await db.del('s', { sync: true });
    expect(await db.get('s')).toBeUndefined();
  });
}
