/**
 * The per-identity metadata queue: order, removal at the front and in the middle, compaction,
 * and the first record not in flight.
 */
import { describe, expect, it } from 'vitest';
import { IdentityQueue } from './outbox-queue.js';

const ids = (q: IdentityQueue): number[] => Array.from({ length: q.length }, (_, i) => q.idAt(i));

describe('IdentityQueue', () => {
  it('keeps ids ascending, inserting a late one at its place', () => {
    const q = new IdentityQueue('d', { deviceId: 'd' });
    for (const id of [1, 3, 7]) q.push(id, id * 10, id * 100);
    q.push(5, 50, 500);
    q.push(5, 50, 500); // a duplicate is ignored
    expect(ids(q)).toEqual([1, 3, 5, 7]);
    expect([q.sizeAt(2), q.timeAt(2), q.oldestTime()]).toEqual([50, 500, 100]);
  });

  it('removes at the front, in the middle and absent ids; returns the size', () => {
    const q = new IdentityQueue('d', { deviceId: 'd' });
    for (let id = 0; id < 5; id++) q.push(id, 10 + id, 0);
    expect(q.remove(0)).toBe(10);
    expect(q.remove(3)).toBe(13);
    expect(q.remove(3)).toBe(-1);
    expect(q.remove(99)).toBe(-1);
    expect(ids(q)).toEqual([1, 2, 4]);
    for (const id of [1, 2, 4]) q.remove(id);
    expect(q.length).toBe(0);
    expect(q.oldestTime()).toBeUndefined();
    q.push(9, 1, 0);
    expect(ids(q)).toEqual([9]);
  });

  it('compacts after many front removals without losing order', () => {
    const q = new IdentityQueue('d', { deviceId: 'd' });
    for (let id = 0; id < 5000; id++) q.push(id, 1, id);
    for (let id = 0; id < 3000; id++) q.remove(id);
    expect(q.length).toBe(2000);
    expect([q.idAt(0), q.timeAt(0), q.idAt(1999)]).toEqual([3000, 3000, 4999]);
    q.push(5000, 1, 0);
    expect(q.remove(4000)).toBe(1);
    expect(ids(q).slice(998, 1002)).toEqual([3998, 3999, 4001, 4002]);
  });

  it('finds the first record not leased', () => {
    const q = new IdentityQueue('d', { deviceId: 'd' });
    for (const id of [4, 5, 6]) q.push(id, 1, 0);
    q.leased.add(4).add(5);
    expect(q.firstFree()).toBe(2);
    q.leased.add(6);
    expect(q.firstFree()).toBe(-1);
  });
});
