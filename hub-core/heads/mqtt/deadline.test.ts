import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadline } from './deadline.js';

describe('Deadline', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires after the limit without activity', () => {
    const fired = vi.fn();
    const d = new Deadline(fired, { now: () => Date.now() });
    d.arm(1500);
    vi.advanceTimersByTime(1499);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('moves with activity and re-arms lazily', () => {
    const fired = vi.fn();
    const d = new Deadline(fired, { now: () => Date.now() });
    d.arm(1000);
    vi.advanceTimersByTime(900);
    d.touch();
    vi.advanceTimersByTime(900);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('is disabled by 0 and by cancel()', () => {
    const fired = vi.fn();
    const d = new Deadline(fired, { now: () => Date.now() });
    d.arm(0);
    vi.advanceTimersByTime(1e9);
    d.arm(10);
    d.cancel();
    vi.advanceTimersByTime(1e9);
    expect(fired).not.toHaveBeenCalled();
  });
});
