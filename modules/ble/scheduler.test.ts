/**
 * The connection scheduler on a fake clock with scripted sessions: slots never exceeded, turns
 * round-robin once devices wait, connections held when nobody waits, failing devices backed off
 * (doubling, capped, jittered) without holding up the others, urgent demand first, pause and stop.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../hub-core/core/clock.js';
import { BleError } from './errors.js';
import { backoffDelay, ConnectionScheduler, type Demand, type ScheduledSession, type SessionOutcome } from './scheduler.js';

type Script = 'hold' | 'connectLater' | 'fail' | 'failAfterConnect';

interface Kit {
  clock: FakeClock;
  scheduler: ConnectionScheduler;
  /** `<time> <id>` per session start. */
  starts: string[];
  active: Set<string>;
  maxActive: number;
  sessions: Map<string, { release(): void; end(outcome: SessionOutcome): void }>;
}

function kit(ids: string[], options: { slots: number; dwellMs?: number; script?: (id: string) => Script; demand?: (id: string) => Demand | undefined }): Kit {
  const clock = new FakeClock(0);
  const k: Kit = { clock, scheduler: undefined as unknown as ConnectionScheduler, starts: [], active: new Set(), maxActive: 0, sessions: new Map() };
  k.scheduler = new ConnectionScheduler({
    slots: options.slots, dwellMs: options.dwellMs ?? 1000, backoff: { minDelayMs: 100, maxDelayMs: 1000 }, clock, random: () => 0.5,
    serve(id): ScheduledSession {
      k.starts.push(`${clock.now()} ${id}`);
      k.active.add(id);
      k.maxActive = Math.max(k.maxActive, k.active.size);
      let end!: (o: SessionOutcome) => void;
      const done = new Promise<SessionOutcome>((resolve) => (end = resolve)).finally(() => k.active.delete(id));
      const script = options.script?.(id) ?? 'hold';
      // A held session connects at once (markConnected runs after serve() returned, as a real session's would).
      if (script === 'hold') void Promise.resolve().then(() => k.scheduler.markConnected(id));
      if (script === 'fail') end({ kind: 'failed', error: new BleError('FH_BLE_CONNECT', 'refused'), connected: false });
      if (script === 'failAfterConnect') {
        k.scheduler.markConnected(id);
        clock.setTimeout(() => end({ kind: 'failed', error: new BleError('FH_BLE_DISCONNECTED', 'gone'), connected: true }), 50);
      }
      const s = { release: () => end({ kind: 'released' }), end };
      k.sessions.set(id, s);
      return { done, release: s.release };
    },
  });
  for (const id of ids) k.scheduler.add(id, () => (options.demand ? options.demand(id) : { at: 0, urgent: false }));
  return k;
}

const ids = (starts: string[]): string[] => starts.map((s) => s.split(' ')[1]!);

describe('ConnectionScheduler', () => {
  it('serves more devices than slots in turn, round-robin, never more than the slots at once', async () => {
    const k = kit(['a', 'b', 'c', 'd'], { slots: 2, dwellMs: 1000 });
    k.scheduler.poke();
    await k.clock.advance(5500);
    expect(k.maxActive).toBe(2);
    expect(ids(k.starts)).toEqual(['a', 'b', 'c', 'd', 'a', 'b', 'c', 'd', 'a', 'b', 'c', 'd']);
    // Each turn lasts the dwell time.
    expect(k.starts.slice(0, 6)).toEqual(['0 a', '0 b', '1000 c', '1000 d', '2000 a', '2000 b']);
    await k.scheduler.stop();
  });

  it('counts the dwell from the connection, so a slow connect is not cut short', async () => {
    const k = kit(['slow', 'b'], { slots: 1, dwellMs: 100, script: () => 'connectLater' });
    k.scheduler.poke();
    await k.clock.advance(1000);
    expect(k.starts).toEqual(['0 slow']);
    k.scheduler.markConnected('slow');
    await k.clock.advance(99);
    expect(k.starts).toEqual(['0 slow']);
    await k.clock.advance(1);
    expect(k.starts).toEqual(['0 slow', '1100 b']);
    await k.scheduler.stop();
  });

  it('holds connections while nobody waits', async () => {
    const k = kit(['a', 'b'], { slots: 3 });
    k.scheduler.poke();
    await k.clock.advance(60_000);
    expect(k.starts).toEqual(['0 a', '0 b']);
    expect(k.scheduler.status('a')).toMatchObject({ state: 'active', sessions: 1 });
    await k.scheduler.stop();
    expect(k.active.size).toBe(0);
  });

  it('backs a failing device off (doubling, capped) while the others keep their turns', async () => {
    const k = kit(['bad', 'x', 'y'], { slots: 1, dwellMs: 500, script: (id) => (id === 'bad' ? 'fail' : 'hold') });
    k.scheduler.poke();
    await k.clock.advance(10_000);
    const badAt = k.starts.filter((s) => s.endsWith(' bad')).map((s) => Number(s.split(' ')[0]));
    const gaps = badAt.slice(1).map((t, i) => t - badAt[i]!);
    // 100·2^(n−1) capped at 1000, × 0.9 (jitter at random 0.5); a gap can be longer when a turn is in progress.
    expect(gaps.slice(0, 4).map((g, i) => g >= [90, 180, 360, 720][i]!)).toEqual([true, true, true, true]);
    expect(gaps.every((g) => g <= 900 + 500)).toBe(true);
    expect(k.scheduler.status('bad')).toMatchObject({ consecutiveFailures: badAt.length, failures: badAt.length });
    const turns = ids(k.starts).filter((id) => id !== 'bad');
    expect(turns.filter((id) => id === 'x').length).toBeGreaterThanOrEqual(9);
    expect(Math.abs(turns.filter((id) => id === 'x').length - turns.filter((id) => id === 'y').length)).toBeLessThanOrEqual(1);
    await k.scheduler.stop();
  });

  it('counts a loss after a connection as the first failure of a new streak', async () => {
    const k = kit(['a'], { slots: 1, script: () => 'failAfterConnect' });
    k.scheduler.poke();
    await k.clock.advance(60);
    expect(k.scheduler.status('a')).toMatchObject({ state: 'backoff', consecutiveFailures: 1, failures: 1, backoffMs: 90 });
    await k.clock.advance(2000);
    expect(k.scheduler.status('a')!.consecutiveFailures).toBe(1);
    expect(k.scheduler.status('a')!.failures).toBeGreaterThan(3);
    await k.scheduler.stop();
  });

  it('serves urgent demand first and devices that want nothing not at all', async () => {
    const demand: Record<string, Demand | undefined> = { a: { at: 0, urgent: false }, b: { at: 0, urgent: false }, idle: undefined, later: { at: 5000, urgent: false } };
    // b has a write waiting until its first turn.
    const k: Kit = kit(['a', 'b', 'idle', 'later'], { slots: 1, dwellMs: 1000, demand: (id) => (id === 'b' && k.starts.length === 0 ? { at: 0, urgent: true } : demand[id]) });
    k.scheduler.poke();
    await k.clock.advance(6500);
    expect(ids(k.starts).slice(0, 2)).toEqual(['b', 'a']);
    expect(ids(k.starts)).not.toContain('idle');
    expect(k.starts.find((s) => s.endsWith(' later'))).toBe('5000 later');
    expect(k.scheduler.status('idle')!.state).toBe('idle');
    await k.scheduler.stop();
  });

  it('starts nothing while paused', async () => {
    const k = kit(['a'], { slots: 1 });
    k.scheduler.setPaused(true);
    await k.clock.advance(1000);
    expect(k.starts).toEqual([]);
    k.scheduler.setPaused(false);
    await k.clock.advance(0);
    expect(k.starts).toEqual(['1000 a']);
    await k.scheduler.stop();
  });
});

describe('backoffDelay', () => {
  it('doubles from the minimum up to the cap, jitter taking off at most 20 %', () => {
    expect([1, 2, 3, 4, 5, 40].map((n) => backoffDelay(n, 100, 1000, 0.999999))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect([1, 2, 3].map((n) => backoffDelay(n, 100, 1000, 0))).toEqual([80, 160, 320]);
  });
});
