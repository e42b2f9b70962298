import { describe, expect, it } from 'vitest';
import { IsoTimeCache } from './iso-time.js';

const iso = (ms: number): string => new Date(ms).toISOString();

describe('IsoTimeCache', () => {
  it('gives the same text as toISOString across ms, second, day and year boundaries', () => {
    const cache = new IsoTimeCache();
    const newYear = Date.UTC(2025, 0, 1);
    for (const ms of [newYear - 1001, newYear - 1000, newYear - 2, newYear - 1, newYear, newYear, newYear + 1, newYear + 999, newYear + 1000, 0, -1]) {
      expect(cache.of(ms)).toBe(iso(ms));
    }
  });

  it('never serves a stale value when time goes back and forth', () => {
    const cache = new IsoTimeCache();
    const t = Date.UTC(2024, 5, 30, 23, 59, 59, 999);
    expect(cache.of(t)).toBe('2024-06-30T23:59:59.999Z');
    expect(cache.of(t + 1)).toBe('2024-07-01T00:00:00.000Z');
    expect(cache.of(t)).toBe('2024-06-30T23:59:59.999Z');
    expect(cache.of(t)).toBe('2024-06-30T23:59:59.999Z');
  });

  it('throws RangeError for invalid times, as toISOString does, and stays correct after', () => {
    const cache = new IsoTimeCache();
    expect(cache.of(5)).toBe(iso(5));
    expect(() => cache.of(NaN)).toThrow(RangeError);
    expect(() => cache.of(NaN)).toThrow(RangeError);
    expect(() => cache.of(8.64e15 + 1)).toThrow(RangeError);
    expect(cache.of(5)).toBe(iso(5));
    expect(cache.of(8.64e15)).toBe(iso(8.64e15));
  });
});
