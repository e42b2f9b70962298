/** Sublevels: identity, name rules, isolation of keys, iteration and clear, status. */
import { expect } from 'vitest';
import { collect, expectCode, openFresh, text, utf8, type Common, type Test } from './common.js';

export function all(test: Test, common: Common): void {
  test('same object for the same name, different for different names', async () => {
    const db = await openFresh(common);
    expect(db.sublevel('a')).toBe(db.sublevel('a'));
    expect(db.sublevel('a')).not.toBe(db.sublevel('b'));
    expect(db.sublevel('a').sublevel('b')).toBe(db.sublevel('a').sublevel('b'));
    expect(db.sublevel('a').sublevel('b')).not.toBe(db.sublevel('b'));
  });

  test('names must match [a-z0-9-]+ (TypeError otherwise)', async () => {
    const db = await openFresh(common);
    for (const bad of ['', 'A', 'a!b', 'a_b', 'a b', '\u00e9', 'a/b', '_']) {
      expect(() => db.sublevel(bad), bad).toThrow(TypeError);
    }
    expect(() => db.sublevel(42 as unknown as string)).toThrow(TypeError);
    for (const good of ['a', 'events-0', '0', '-']) expect(db.sublevel(good).status).toBe('open');
  });

  test('the same key in the parent and two sublevels are three entries', async () => {
    const db = await openFresh(common);
    const a = db.sublevel('a');
    const b = db.sublevel('b');
    await db.put('k', utf8('root'));
    await a.put('k', utf8('a'));
    await b.put('k', utf8('b'));
    expect((await Promise.all([db.get('k'), a.get('k'), b.get('k')])).map(text)).toEqual(['root', 'a', 'b']);
    await a.del('k');
    expect(text(await db.get('k'))).toBe('root');
    expect(text(await b.get('k'))).toBe('b');
    expect(await a.get('k')).toBeUndefined();
    expect((await b.getMany(['k', 'x'])).map(text)).toEqual(['b', undefined]);
  });

  test('iteration stays inside its namespace, for parent, siblings and children alike', async () => {
    const db = await openFresh(common);
    const a = db.sublevel('a');
    const ab = a.sublevel('b');
    const b = db.sublevel('b');
    // Keys chosen around level's prefix characters ('!' and '"') and at both ends of ASCII.
    for (const k of ['!', '"', '!a!x', 'a', 'b', '~']) await db.put(k, utf8(`root:${k}`));
    for (const k of ['1', '2', '!']) await a.put(k, utf8(`a:${k}`));
    await ab.put('1', utf8('ab:1'));
    await b.put('1', utf8('b:1'));
    expect(await collect(db.keys())).toEqual(['!', '!a!x', '"', 'a', 'b', '~']);
    expect((await collect(a.iterate())).map(([k, v]) => [k, text(v)])).toEqual([['!', 'a:!'], ['1', 'a:1'], ['2', 'a:2']]);
    expect(await collect(a.keys({ reverse: true }))).toEqual(['2', '1', '!']);
    expect(await collect(ab.keys())).toEqual(['1']);
    expect(await collect(b.keys())).toEqual(['1']);
    expect(await collect(b.keys({ gte: '0', lte: '~' }))).toEqual(['1']);
  });

  test('clear on a sublevel leaves the parent, siblings and children alone', async () => {
    const db = await openFresh(common);
    const a = db.sublevel('a');
    const child = a.sublevel('child');
    const b = db.sublevel('b');
    await Promise.all([db.put('k', utf8('r')), a.put('k', utf8('a')), child.put('k', utf8('c')), b.put('k', utf8('b'))]);
    await a.clear();
    expect(await a.get('k')).toBeUndefined();
    expect((await Promise.all([db.get('k'), child.get('k'), b.get('k')])).map(text)).toEqual(['r', 'c', 'b']);
    await db.clear();
    expect(text(await b.get('k'))).toBe('b');
  });

  test('a sublevel follows the root: closed with it, reopened with it', async () => {
    const db = await openFresh(common);
    const sub = db.sublevel('s');
    const nested = sub.sublevel('n');
    await sub.put('k', utf8('v'));
    await db.close();
    expect(sub.status).toBe('closed');
    await expectCode(sub.get('k'), 'FH_STORE_NOT_OPEN');
    await db.open();
    expect(sub.status).toBe('open');
    expect(text(await sub.get('k'))).toBe('v');
    // Closing a sublevel closes it (and its children) only.
    await sub.close();
    expect(sub.status).toBe('closed');
    expect(nested.status).toBe('closed');
    expect(db.status).toBe('open');
    await expectCode(sub.put('k', utf8('x')), 'FH_STORE_NOT_OPEN');
    await expectCode(db.batch([{ type: 'put', key: 'k', value: utf8('x'), sublevel: sub }]), 'FH_STORE_NOT_OPEN');
    await db.put('still', utf8('works'));
    await sub.open();
    expect(nested.status).toBe('open');
    expect(text(await sub.get('k'))).toBe('v');
  });

  test('a sublevel taken before open works once the root is opened', async () => {
    const db = await common.factory();
    const sub = db.sublevel('early');
    expect(sub.status).toBe('closed');
    await sub.open(); // opens the root too
    expect(db.status).toBe('open');
    await sub.put('k', utf8('v'));
    expect(text(await sub.get('k'))).toBe('v');
    expect(await db.get('k')).toBeUndefined();
  });
}
