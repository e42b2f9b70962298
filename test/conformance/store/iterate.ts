/** Ordered iteration: key order, ranges, reverse, limit, keys(), clear(range), live writes. */
import { expect } from 'vitest';
import { seqKey } from '../../../hub-core/store/store.js';
import { collect, fill, openFresh, text, utf8, type Common, type Test } from './common.js';

/** Ten keys k0..k9 with values v0..v9. */
const TEN: [string, string][] = Array.from({ length: 10 }, (_, i) => [`k${i}`, `v${i}`]);

export function all(test: Test, common: Common): void {
  test('iterates in UTF-8 byte order, including multi-byte and astral keys', async () => {
    const db = await openFresh(common);
    // U+E000 sorts before U+1F600 in UTF-8 but after it in UTF-16: catches JS `<` ordering.
    const keys = ['b', 'a', 'Z', '0', 'é', '€', '\u{1F600}', '\uE000', 'ab', 'a\u0000', '~', 'ž', '\uFFFD'];
    for (const k of [...keys].reverse()) await db.put(k, utf8(k));
    const expected = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    const entries = await collect(db.iterate());
    expect(entries.map(([k]) => k)).toEqual(expected);
    expect(entries.map(([, v]) => text(v))).toEqual(expected);
    expect(await collect(db.keys())).toEqual(expected);
    expect(await collect(db.keys({ reverse: true }))).toEqual([...expected].reverse());
  });

  test('fixed-width sequence keys iterate in numeric order', async () => {
    const db = await openFresh(common);
    const seqs = [255, 1, 4096, 16, 0, 2 ** 40];
    for (const s of seqs) await db.put(seqKey(s), utf8(String(s)));
    const got = (await collect(db.iterate())).map(([, v]) => Number(text(v)));
    expect(got).toEqual([...seqs].sort((a, b) => a - b));
  });

  test('ranges: gt, gte, lt, lte and combinations', async () => {
    const db = await openFresh(common);
    await fill(db, TEN);
    expect(await collect(db.keys({ gt: 'k3' }))).toEqual(['k4', 'k5', 'k6', 'k7', 'k8', 'k9']);
    expect(await collect(db.keys({ gte: 'k7' }))).toEqual(['k7', 'k8', 'k9']);
    expect(await collect(db.keys({ lt: 'k2' }))).toEqual(['k0', 'k1']);
    expect(await collect(db.keys({ lte: 'k2' }))).toEqual(['k0', 'k1', 'k2']);
    expect(await collect(db.keys({ gt: 'k2', lt: 'k5' }))).toEqual(['k3', 'k4']);
    expect(await collect(db.keys({ gte: 'k2', lte: 'k5' }))).toEqual(['k2', 'k3', 'k4', 'k5']);
    // Bounds need not be existing keys.
    expect(await collect(db.keys({ gt: 'k35', lt: 'k6~' }))).toEqual(['k4', 'k5', 'k6']);
    expect(await collect(db.keys({ gte: 'k9~' }))).toEqual([]);
    expect(await collect(db.keys({ gt: 'k5', lt: 'k5' }))).toEqual([]);
    expect(await collect(db.keys({ gte: 'k8', lte: 'k2' }))).toEqual([]);
  });

  test('reverse walks the same range from the top', async () => {
    const db = await openFresh(common);
    await fill(db, TEN);
    expect(await collect(db.keys({ reverse: true, gt: 'k6' }))).toEqual(['k9', 'k8', 'k7']);
    expect(await collect(db.keys({ reverse: true, lte: 'k2' }))).toEqual(['k2', 'k1', 'k0']);
    expect(await collect(db.keys({ reverse: true, gte: 'k3', lt: 'k6' }))).toEqual(['k5', 'k4', 'k3']);
    const entries = await collect(db.iterate({ reverse: true, limit: 2 }));
    expect(entries.map(([k, v]) => [k, text(v)])).toEqual([['k9', 'v9'], ['k8', 'v8']]);
  });

  test('limit: n entries, 0 for none, -1 or undefined for all', async () => {
    const db = await openFresh(common);
    await fill(db, TEN);
    expect(await collect(db.keys({ limit: 3 }))).toEqual(['k0', 'k1', 'k2']);
    expect(await collect(db.keys({ limit: 2, gt: 'k4' }))).toEqual(['k5', 'k6']);
    expect(await collect(db.keys({ limit: 0 }))).toEqual([]);
    expect(await collect(db.keys({ limit: -1 }))).toHaveLength(10);
    expect(await collect(db.keys({ limit: 50 }))).toHaveLength(10);
  });

  test('iterated values are copies', async () => {
    const db = await openFresh(common);
    await db.put('k', utf8('abc'));
    for await (const [, value] of db.iterate()) value[0] = 0x7a;
    expect(text(await db.get('k'))).toBe('abc');
  });

  test('clear(range) deletes only the range; clear() deletes everything', async () => {
    const db = await openFresh(common);
    await fill(db, TEN);
    await db.clear({ gte: 'k2', lt: 'k5' });
    expect(await collect(db.keys())).toEqual(['k0', 'k1', 'k5', 'k6', 'k7', 'k8', 'k9']);
    await db.clear({ reverse: true, limit: 2 });
    expect(await collect(db.keys())).toEqual(['k0', 'k1', 'k5', 'k6', 'k7']);
    await db.clear({ limit: 1 });
    expect(await collect(db.keys())).toEqual(['k1', 'k5', 'k6', 'k7']);
    await db.clear();
    expect(await collect(db.keys())).toEqual([]);
    expect(await db.get('k6')).toBeUndefined();
  });

  test('writing while iterating is safe: every pre-existing key comes once, in order', async () => {
    const db = await openFresh(common);
    const keys = Array.from({ length: 200 }, (_, i) => `m${String(i).padStart(3, '0')}`);
    for (const k of keys) await db.put(k, utf8('before'));
    const seen: string[] = [];
    for await (const [key] of db.iterate()) {
      seen.push(key);
      if (seen.length === 1000) throw new Error('iteration does not terminate');
      if (!key.startsWith('m')) continue; // live backends may show the new z- keys; leave them be
      // Overwrite the current key, insert behind and ahead of the cursor, delete behind it.
      await db.put(key, utf8('after'));
      await db.put(`a-${key}`, utf8('new'));
      await db.put(`z-${key}`, utf8('new'));
      if (seen.length > 1) await db.del(seen[seen.length - 2]!); // behind the cursor
    }
    const original = seen.filter((k) => k.startsWith('m'));
    expect(original).toEqual(keys);
    // Whatever else was seen, order held.
    expect([...seen].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)))).toEqual(seen);
    expect(text(await db.get(keys[199]!))).toBe('after');
  });

  test('breaking out of an iteration releases it; the store stays usable', async () => {
    const db = await openFresh(common);
    await fill(db, TEN);
    for await (const [key] of db.iterate()) {
      if (key === 'k2') break;
    }
    const it = db.keys({ gte: 'k8' });
    expect((await it.next()).value).toBe('k8');
    await it.return?.(undefined);
    await db.put('k10', utf8('v10'));
    expect(await collect(db.keys({ gt: 'k1', lt: 'k2' }))).toEqual(['k10']);
  });
}
