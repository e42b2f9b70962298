/**
 * The closed trait (after abstract-level's traits/closed.js): every method rejects
 * FH_STORE_NOT_OPEN before open, while opening, while closing and after close. Plus the
 * lifecycle itself: status values, idempotent and concurrent open/close, reopen.
 */
import { expect } from 'vitest';
import type { Store } from '../../../hub-core/store/store.js';
import { collect, expectCode, openFresh, text, utf8, type Common, type Test } from './common.js';

/** One call of every data method; each must reject FH_STORE_NOT_OPEN when the store is not open. */
const CALLS: [string, (db: Store) => Promise<unknown>][] = [
  ['get', (db) => db.get('k')],
  ['getMany', (db) => db.getMany(['k'])],
  ['put', (db) => db.put('k', utf8('v'))],
  ['put sync', (db) => db.put('k', utf8('v'), { sync: true })],
  ['del', (db) => db.del('k')],
  ['batch', (db) => db.batch([{ type: 'put', key: 'k', value: utf8('v') }])],
  ['batch empty', (db) => db.batch([])],
  ['iterate', (db) => db.iterate().next()],
  ['keys', (db) => db.keys({ reverse: true }).next()],
  ['clear', (db) => db.clear()],
  ['sublevel get', (db) => db.sublevel('s').get('k')],
  ['sublevel iterate', (db) => db.sublevel('s').iterate().next()],
];

/** Starts every call synchronously (so a transition cannot end midway), then checks each code. */
async function expectAllRejected(db: Store): Promise<void> {
  const outcomes = CALLS.map(([name, call]) =>
    call(db).then(
      () => ({ name, code: 'resolved' }),
      (err: unknown) => ({ name, code: (err as { code?: unknown }).code }),
    ),
  );
  for (const { name, code } of await Promise.all(outcomes)) expect(code, name).toBe('FH_STORE_NOT_OPEN');
}

export function all(test: Test, common: Common): void {
  test('a new store is closed until opened, and every method rejects FH_STORE_NOT_OPEN', async () => {
    const db = await common.factory();
    expect(db.status).toBe('closed');
    await expectAllRejected(db);
    await db.open();
    expect(db.status).toBe('open');
    await db.put('k', utf8('v'));
  });

  test('after close every method rejects FH_STORE_NOT_OPEN', async () => {
    const db = await openFresh(common);
    await db.put('k', utf8('v'));
    await db.close();
    expect(db.status).toBe('closed');
    await expectAllRejected(db);
  });

  test('calls while opening or closing reject FH_STORE_NOT_OPEN', async () => {
    const db = await common.factory();
    const opening = db.open();
    expect(db.status).toBe('opening');
    const duringOpen = expectAllRejected(db);
    await opening;
    await duringOpen;
    expect(db.status).toBe('open');
    const closing = db.close();
    // A sublevel has nothing to release, so it may go straight to closed.
    expect(['closing', 'closed']).toContain(db.status);
    const duringClose = expectAllRejected(db);
    await closing;
    await duringClose;
    expect(db.status).toBe('closed');
  });

  test('open and close are idempotent, also when called concurrently', async () => {
    const db = await common.factory();
    await Promise.all([db.open(), db.open(), db.open()]);
    await db.open();
    expect(db.status).toBe('open');
    await db.put('k', utf8('v'));
    await Promise.all([db.close(), db.close()]);
    await db.close();
    expect(db.status).toBe('closed');
    // Open racing close: the last call decides.
    const both = Promise.all([db.open(), db.close(), db.open()]);
    await both;
    expect(db.status).toBe('open');
    expect(text(await db.get('k'))).toBe('v');
  });

  test('a closed store can be reopened and keeps its data', async () => {
    const db = await openFresh(common);
    const sub = db.sublevel('s');
    await db.put('k', utf8('root'));
    await sub.put('k', utf8('sub'));
    await db.close();
    await db.open();
    expect(text(await db.get('k'))).toBe('root');
    expect(text(await sub.get('k'))).toBe('sub');
    expect(await collect(db.keys())).toEqual(['k']);
  });

  test('an iterator left open when the store closes rejects FH_STORE_NOT_OPEN', async () => {
    const db = await openFresh(common);
    for (let i = 0; i < 5; i++) await db.put(`k${i}`, utf8('v'));
    const it = db.iterate();
    expect((await it.next()).value?.[0]).toBe('k0');
    await db.close();
    await expectCode(it.next(), 'FH_STORE_NOT_OPEN');
    await db.open();
    expect(await collect(db.keys())).toHaveLength(5);
  });
}
