import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('doubles the ceiling from minMs up to maxMs, drawing from its upper half', () => {
    const low = new Backoff({ minMs: 100, maxMs: 1000, random: () => 0 });
    expect([1, 2, 3, 4, 5, 6].map(() => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const high = new Backoff({ minMs: 100, maxMs: 1000, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5, 6].map(() => high.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads delays with the random source (jitter)', () => {
    const values = [0, 0.5, 0.25];
    const b = new Backoff({ minMs: 1000, maxMs: 1000, random: () => values.shift() ?? 0 });
    expect([b.next(), b.next(), b.next()]).toEqual([500, 750, 625]);
  });

  it('starts again from minMs after reset', () => {
    const b = new Backoff({ minMs: 10, maxMs: 10_000, random: () => 0 });
    for (let i = 0; i < 40; i++) b.next();
    expect(b.next()).toBe(5000);
    b.reset();
    expect(b.next()).toBe(5);
  });

  it('refuses bounds that make no sense', () => {
    expect(() => new Backoff({ minMs: 0, maxMs: 10 })).toThrow(TypeError);
    expect(() => new Backoff({ minMs: 100, maxMs: 10 })).toThrow(TypeError);
  });
});
