import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { DEFAULT_LIMITS, resolveLimits } from './hub.js';
import { KeyedLock } from './keyed-lock.js';
import { KeyedThrottle, TokenBucket } from './throttle.js';

describe('FakeClock', () => {
  it('fires due timers in due order, each at its own time; cancelled ones never', async () => {
    const clock = new FakeClock(1000);
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(['b', clock.now()]), 20);
    clock.setTimeout(() => fired.push(['a', clock.now()]), 10);
    clock.setTimeout(() => fired.push(['x', clock.now()]), 15).cancel();
    clock.setTimeout(() => fired.push(['late', clock.now()]), 50);
    await clock.advance(30);
    expect(fired).toEqual([['a', 1010], ['b', 1020]]);
    expect(clock.now()).toBe(1030);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('fires timers armed by timers within the window', async () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    const tick = (): void => {
      fired.push(clock.now());
      clock.setTimeout(tick, 10);
    };
    clock.setTimeout(tick, 10);
    await clock.advance(35);
    expect(fired).toEqual([10, 20, 30]);
  });
});

describe('TokenBucket / KeyedThrottle', () => {
  it('allows a burst, then refills at the rate', async () => {
    const clock = new FakeClock(0);
    const bucket = new TokenBucket(clock, 10, 20);
    let n = 0;
    while (bucket.tryTake()) n++;
    expect(n).toBe(20);
    await clock.advance(100);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it('rate 0 never throttles; keys are independent', () => {
    const clock = new FakeClock(0);
    const open = new KeyedThrottle(clock, 0);
    for (let i = 0; i < 1000; i++) expect(open.tryTake('k')).toBe(true);
    const limited = new KeyedThrottle(clock, 1);
    expect([limited.tryTake('a'), limited.tryTake('a'), limited.tryTake('a'), limited.tryTake('b')]).toEqual([true, true, false, true]);
  });
});

describe('KeyedLock', () => {
  it('runs sections of one key one at a time, other keys in parallel, and forgets idle keys', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const a1 = lock.run('a', async () => { log.push('a1 start'); await gate; log.push('a1 end'); });
    const a2 = lock.run('a', async () => { log.push('a2'); });
    const b = lock.run('b', async () => { log.push('b'); });
    await b;
    expect(log).toEqual(['a1 start', 'b']);
    release();
    await Promise.all([a1, a2]);
    expect(log).toEqual(['a1 start', 'b', 'a1 end', 'a2']);
    expect(lock.size()).toBe(0);
  });

  it('a failing section does not block the next', async () => {
    const lock = new KeyedLock();
    await expect(lock.run('k', () => { throw new RangeError('boom'); })).rejects.toBeInstanceOf(RangeError);
    expect(await lock.run('k', () => 42)).toBe(42);
  });
});

describe('resolveLimits', () => {
  it('fills IoT Hub defaults and validates overrides', () => {
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({ maxC2dQueueDepth: 5 }).maxC2dQueueDepth).toBe(5);
    expect(() => resolveLimits({ c2dDefaultTtlMs: 49 * 3600 * 1000 })).toThrow(RangeError);
    expect(() => resolveLimits({ maxMessageBytes: -1 })).toThrow(RangeError);
    expect(() => resolveLimits({ maxMessageBytes: 0 })).toThrow(RangeError);
  });
});
