import { describe, expect, it } from 'vitest';
import { FullJitterBackoff, RateGate, type GateTimers } from './pacing.js';

describe('FullJitterBackoff', () => {
  it('draws from [0, ceiling) with the ceiling doubling from min up to max', () => {
    const top = new FullJitterBackoff(1000, 60_000, () => 0.999_999);
    const ceilings = Array.from({ length: 9 }, () => top.next() + 1);
    expect(ceilings).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    const bottom = new FullJitterBackoff(1000, 60_000, () => 0);
    expect(bottom.next()).toBe(0);
  });

  it('starts again from the bottom after reset', () => {
    const b = new FullJitterBackoff(100, 1000, () => 0.5);
    b.next();
    b.next();
    b.next();
    expect(b.failures).toBe(3);
    b.reset();
    expect(b.next()).toBe(50);
  });

  it('refuses a nonsensical range', () => {
    expect(() => new FullJitterBackoff(0, 10)).toThrow(RangeError);
    expect(() => new FullJitterBackoff(10, 5)).toThrow(RangeError);
  });
});

/** A clock and timers the test moves by hand. */
function fakeTimers(): GateTimers & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void }> = [];
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimeout: (h) => {
      timers = timers.filter((t) => t !== h);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const next = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (next === undefined) break;
        timers = timers.filter((t) => t !== next);
        now = next.at;
        next.fn();
      }
      now = until;
    },
    pending: () => timers.length,
  };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('RateGate', () => {
  it('starts a burst of a tenth of a second at once, then one job per 1/rate seconds', async () => {
    const clock = fakeTimers();
    const gate = new RateGate<number>(50, 1000, clock);
    const started: number[] = [];
    for (let i = 0; i < 20; i++) gate.enqueue(i, async () => void started.push(clock.now()));
    expect(started).toHaveLength(5);
    clock.advance(100);
    expect(started).toHaveLength(10);
    clock.advance(100);
    expect(started).toHaveLength(15);
    clock.advance(1000);
    expect(started).toHaveLength(20);
    expect(clock.pending()).toBe(0);
    await flush();
  });

  it('holds no timer while idle and never bursts beyond its bucket after a quiet time', async () => {
    const clock = fakeTimers();
    const gate = new RateGate<string>(100, 1000, clock);
    expect(clock.pending()).toBe(0);
    clock.advance(60_000);
    const started: string[] = [];
    for (let i = 0; i < 30; i++) gate.enqueue(`k${i}`, async () => void started.push(`k${i}`));
    expect(started).toHaveLength(10);
    await flush();
  });

  it('runs at most maxActive jobs at once and continues as they finish', async () => {
    const clock = fakeTimers();
    const gate = new RateGate<number>(1000, 2, clock);
    const release: Array<() => void> = [];
    let running = 0;
    for (let i = 0; i < 5; i++) {
      gate.enqueue(i, () => new Promise<void>((resolve) => {
        running++;
        release.push(() => {
          running--;
          resolve();
        });
      }));
    }
    expect(running).toBe(2);
    release.shift()?.();
    await flush();
    expect(running).toBe(2);
    while (release.length > 0) {
      release.shift()?.();
      await flush();
    }
    expect(running).toBe(0);
  });

  it('ignores a key already waiting and drops cancelled ones', async () => {
    const clock = fakeTimers();
    const gate = new RateGate<string>(10, 10, clock);
    const ran: string[] = [];
    gate.enqueue('a', async () => void ran.push('a'));
    gate.enqueue('b', async () => void ran.push('b1'));
    gate.enqueue('b', async () => void ran.push('b2'));
    gate.enqueue('c', async () => void ran.push('c'));
    gate.cancel('c');
    clock.advance(1000);
    expect(ran).toEqual(['a', 'b1']);
    gate.close();
    gate.enqueue('d', async () => void ran.push('d'));
    clock.advance(1000);
    expect(ran).toEqual(['a', 'b1']);
    await flush();
  });
});
