import { afterEach, describe, expect, it } from 'vitest';
import { deferred, fakeType, hostKit, until, type HostKit } from './host-test-kit.js';

let kit: HostKit | undefined;
afterEach(async () => {
  await kit?.cleanup();
  kit = undefined;
});

describe('module host: order', () => {
  it('starts in dependency order (config and manifest dependencies) and stops in reverse', async () => {
    const gate = deferred();
    const k = (kit = await hostKit((events) => [
      fakeType('fake', events, { start: (ctx) => (ctx.name === 'a' ? gate.promise : undefined) }),
    ]));
    // c depends on b through its config (the factory's dependsOn), b on a through dependsOn.
    const starting = k.host.start({
      c: { type: 'fake', config: { after: 'b' } },
      b: { type: 'fake', dependsOn: ['a'], config: {} },
      a: { type: 'fake', config: {} },
      solo: { type: 'fake', config: {} },
    });
    // solo does not wait for anyone; b waits for a, which is still starting.
    await until(() => k.events.includes('started solo') && k.events.includes('start a'), 'solo started, a starting');
    expect(k.events).not.toContain('start b');
    gate.resolve();
    await starting;
    const starts = k.events.filter((e) => e.startsWith('started '));
    expect(starts.indexOf('started a')).toBeLessThan(starts.indexOf('started b'));
    expect(starts.indexOf('started b')).toBeLessThan(starts.indexOf('started c'));
    expect(Object.values(k.host.status()).map((s) => s.state)).toEqual(['running', 'running', 'running', 'running']);

    k.events.length = 0;
    await k.host.stop();
    const stops = k.events.filter((e) => e.startsWith('stop ') && e !== 'stop solo');
    expect(stops).toEqual(['stop c', 'stop b', 'stop a']);
    expect(Object.values(k.host.status()).every((s) => s.state === 'stopped')).toBe(true);
  });

  it('refuses an invalid modules section with its code and starts nothing', async () => {
    const k = (kit = await hostKit((events) => [fakeType('fake', events)]));
    await expect(k.host.start({ a: { type: 'nope', config: {} } })).rejects.toMatchObject({ code: 'FH_MODULE_UNKNOWN' });
    await expect(k.host.start({ a: { type: 'fake', dependsOn: ['b'], config: {} } })).rejects.toMatchObject({ code: 'FH_MODULE_DEPENDENCY' });
    await expect(k.host.start({ a: { type: 'fake', config: { value: -1 } } })).rejects.toMatchObject({ code: 'FH_CONFIG_INVALID' });
    expect(k.events).toEqual([]);
    expect(k.host.status()).toEqual({});
  });

  it('does not start a disabled instance', async () => {
    const k = (kit = await hostKit((events) => [fakeType('fake', events)]));
    await k.host.start({ a: { type: 'fake', config: {} }, off: { type: 'fake', enabled: false, config: {} } });
    expect(Object.keys(k.host.status())).toEqual(['a']);
  });
});

describe('module host: failures', () => {
  it('restarts a failing module with capped exponential backoff while the others keep running', async () => {
    let healAt = Infinity;
    const k = (kit = await hostKit((events) => [
      fakeType('fake', events),
      fakeType('flaky', events, {
        start: (_ctx, attempt) => {
          if (attempt < healAt) throw new Error(`boom ${attempt}`);
        },
      }),
    ]));
    await k.host.start({ good: { type: 'fake', config: {} }, bad: { type: 'flaky', config: {} } });
    let s = k.host.status();
    expect(s.good!.state).toBe('running');
    expect(s.bad).toMatchObject({ state: 'backoff', restarts: 0, nextRestartInMs: 1000, lastError: { code: 'FH_MODULE_FAILED', message: 'boom 1' } });
    // Delays double from minDelayMs (1 s) up to maxDelayMs (8 s).
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const delay = k.host.status().bad!.nextRestartInMs!;
      delays.push(delay);
      const before = k.events.filter((e) => e === 'start bad').length;
      await k.clock.advance(delay - 1);
      expect(k.events.filter((e) => e === 'start bad')).toHaveLength(before);
      await k.clock.advance(1);
      await until(() => k.host.status().bad!.state === 'backoff' && k.events.filter((e) => e === 'start bad').length === before + 1, 'next attempt');
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
    s = k.host.status();
    expect(s.bad).toMatchObject({ restarts: 5, lastError: { message: 'boom 6' } });
    expect(s.good!.state).toBe('running');
    expect(k.events.filter((e) => e === 'start good')).toHaveLength(1);
    // A failed start still gets stop() so it can release what it took.
    expect(k.events.filter((e) => e === 'stop bad')).toHaveLength(6);

    healAt = 7;
    await k.clock.advance(8000);
    await until(() => k.host.status().bad!.state === 'running', 'bad running');
    expect(k.host.status().bad).toMatchObject({ state: 'running', restarts: 6 });
  });

  it('restarts a module that reports failed health while running; a long healthy run resets the backoff', async () => {
    const k = (kit = await hostKit((events) => [fakeType('fake', events)]));
    await k.host.start({ a: { type: 'fake', config: {} }, b: { type: 'fake', config: {} } });
    const fail = (): void => k.types[0]!.contexts.get('a')!.setHealth({ status: 'failed', message: 'sensor gone', details: { port: '/dev/x' } });
    fail();
    await until(() => k.host.status().a!.state === 'backoff', 'a backing off');
    expect(k.host.status().a).toMatchObject({
      nextRestartInMs: 1000, health: { status: 'failed', message: 'sensor gone' }, lastError: { code: 'FH_MODULE_FAILED', message: 'sensor gone' },
    });
    expect(k.types[0]!.contexts.get('a')!.signal.aborted).toBe(true);
    await k.clock.advance(1000);
    await until(() => k.host.status().a!.state === 'running', 'a running again');
    // Failing again at once doubles the delay.
    fail();
    await until(() => k.host.status().a!.state === 'backoff', 'a backing off again');
    expect(k.host.status().a!.nextRestartInMs).toBe(2000);
    await k.clock.advance(2000);
    await until(() => k.host.status().a!.state === 'running', 'a running a third time');
    // After running longer than maxDelayMs, the next failure starts over at minDelayMs.
    await k.clock.advance(8000);
    fail();
    await until(() => k.host.status().a!.state === 'backoff', 'a backing off a third time');
    expect(k.host.status().a).toMatchObject({ nextRestartInMs: 1000, restarts: 2 });
    expect(k.host.status().b!.state).toBe('running');
    expect(k.events.filter((e) => e === 'start b')).toHaveLength(1);
  });

  it('reports degraded health without restarting', async () => {
    const k = (kit = await hostKit((events) => [fakeType('fake', events)]));
    await k.host.start({ a: { type: 'fake', config: {} } });
    k.types[0]!.contexts.get('a')!.setHealth({ status: 'degraded', message: 'slow bus' });
    expect(k.host.status().a).toMatchObject({ state: 'running', health: { status: 'degraded', message: 'slow bus' } });
  });

  it('bounds stop: a module whose stop hangs is abandoned after stopTimeoutMs, the others stop', async () => {
    const k = (kit = await hostKit((events) => [
      fakeType('fake', events),
      fakeType('stuck', events, { stop: () => new Promise<void>(() => undefined) }),
    ]));
    await k.host.start({ a: { type: 'fake', config: {} }, hang: { type: 'stuck', dependsOn: ['a'], config: {} } });
    let done = false;
    const stopping = k.host.stop().then(() => {
      done = true;
    });
    await until(() => k.events.includes('stop hang'), 'stop called');
    await k.clock.advance(999);
    expect(done).toBe(false);
    await k.clock.advance(1);
    await stopping;
    expect(k.host.status().hang).toMatchObject({ state: 'failed', lastError: { code: 'FH_MODULE_STOP_TIMEOUT' } });
    expect(k.host.status().a!.state).toBe('stopped');
    // The abandoned module can no longer act.
    await expect(k.types[1]!.contexts.get('hang')!.publish('out', { body: 'late' })).rejects.toMatchObject({ code: 'FH_MODULE_NOT_RUNNING' });
  });

  it('a start that does not finish within startTimeoutMs fails and is retried', async () => {
    const k = (kit = await hostKit((events) => [fakeType('slow', events, { start: (_ctx, attempt) => (attempt === 1 ? new Promise<void>(() => undefined) : undefined) })]));
    const starting = k.host.start({ s: { type: 'slow', config: {} } });
    await until(() => k.events.includes('start s'), 'start called');
    expect(k.host.status().s!.state).toBe('starting');
    await k.clock.advance(4999);
    expect(k.host.status().s!.state).toBe('starting');
    await k.clock.advance(1);
    await starting;
    expect(k.host.status().s).toMatchObject({ state: 'backoff', lastError: { code: 'FH_MODULE_FAILED', message: 'start did not finish within 5000 ms' } });
    await k.clock.advance(1000);
    await until(() => k.host.status().s!.state === 'running', 'second attempt running');
  });

  it('a stop while a start hangs is bounded by stopTimeoutMs, not by the start bound', async () => {
    const seen: boolean[] = [];
    const k = (kit = await hostKit((events) => [fakeType('slow', events, {
      start: (ctx) => new Promise<void>((resolve) => {
        // Honours its signal: gives up when told to.
        ctx.signal.addEventListener('abort', () => {
          seen.push(true);
          resolve();
        });
      }),
    }), fakeType('deaf', events, { start: () => new Promise<void>(() => undefined) })]));
    const starting = k.host.start({ s: { type: 'slow', config: {} }, d: { type: 'deaf', config: {} } });
    await until(() => k.events.includes('start s') && k.events.includes('start d'), 'starts called');
    let stopped = false;
    const stopping = k.host.stop().then(() => {
      stopped = true;
    });
    await until(() => k.host.status().s!.state === 'stopped', 's stopped');
    expect(seen).toEqual([true]);
    expect(stopped).toBe(false);
    // The deaf module ignores its signal: abandoned after stopTimeoutMs (1 s), never its start bound (5 s).
    await k.clock.advance(1000);
    await starting;
    await stopping;
    expect(k.host.status().d).toMatchObject({ state: 'failed', lastError: { code: 'FH_MODULE_STOP_TIMEOUT' } });
    expect(k.host.status().s!.lastError).toBeUndefined();
  });
});

describe('module host: apply', () => {
  it('restarts only changed instances, starts added ones and stops removed ones', async () => {
    const k = (kit = await hostKit((events) => [fakeType('fake', events), fakeType('other', events)]));
    await k.host.start({
      a: { type: 'fake', config: {} },
      b: { type: 'fake', dependsOn: ['a'], config: { value: 1 } },
      c: { type: 'fake', config: {} },
      t: { type: 'fake', config: {} },
    });
    k.events.length = 0;
    await k.host.apply({
      // a: same after defaults are filled ({} = {value: 1}).
      a: { type: 'fake', config: { value: 1 } },
      b: { type: 'fake', dependsOn: ['a'], config: { value: 2 } },
      t: { type: 'other', config: {} },
      d: { type: 'fake', dependsOn: ['b'], config: {} },
    });
    expect(k.events.filter((e) => e.startsWith('stop ')).sort()).toEqual(['stop b', 'stop c', 'stop t']);
    expect(k.events.filter((e) => e.startsWith('started ')).sort()).toEqual(['started b', 'started d', 'started t']);
    expect(k.events.indexOf('started b')).toBeLessThan(k.events.indexOf('start d'));
    expect(Object.keys(k.host.status()).sort()).toEqual(['a', 'b', 'd', 't']);
    expect(k.host.status().t!.type).toBe('other');
    expect(k.types[0]!.contexts.get('b')!.config).toEqual({ value: 2 });

    // The same section again changes nothing; an invalid one changes nothing either.
    k.events.length = 0;
    await k.host.apply({
      a: { type: 'fake', config: {} }, b: { type: 'fake', dependsOn: ['a'], config: { value: 2 } },
      t: { type: 'other', config: {} }, d: { type: 'fake', dependsOn: ['b'], config: {} },
    });
    await expect(k.host.apply({ a: { type: 'fake', config: { bad: true } } })).rejects.toMatchObject({ code: 'FH_CONFIG_INVALID' });
    expect(k.events).toEqual([]);
    expect(Object.values(k.host.status()).every((s) => s.state === 'running')).toBe(true);
  });

  it('a module removed while backing off stops trying', async () => {
    const k = (kit = await hostKit((events) => [fakeType('bad', events, { start: () => Promise.reject(new Error('no')) })]));
    await k.host.start({ x: { type: 'bad', config: {} } });
    expect(k.host.status().x!.state).toBe('backoff');
    await k.host.apply({});
    await k.clock.advance(60_000);
    expect(k.events.filter((e) => e === 'start x')).toHaveLength(1);
    expect(k.host.status()).toEqual({});
  });
});
