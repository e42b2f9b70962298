/**
 * The route pipeline's tail: messages announced by the log's appends are routed from memory while
 * they continue the checkpoint, and from the log otherwise (behind, a hole, an overflow, out of
 * order). Whichever way, the targets see every stored message once, in seq order, and gaps are
 * counted the same. The log here is a small in-memory one whose announcements the test controls;
 * the last test uses the real hub core.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../hub-core/core/clock.js';
import { createTestHub, textMessage } from '../../hub-core/core/test-kit.js';
import type { StoredTelemetry } from '../../hub-core/core/types.js';
import { MemoryStore } from '../../hub-core/store/memory.js';
import { waitFor } from '../../test/helpers/core-fixtures.js';
import { createRoutePipeline, type RoutePipeline, type RoutePipelineOptions, type RouteTarget } from './pipeline.js';
import { compileRoutes } from './router.js';

type Log = RoutePipelineOptions['telemetry'];

/** An in-memory log: `store` keeps a message (readable), `announce` tells the listeners. */
class ControlledLog implements Log {
  readonly #stored = new Map<number, StoredTelemetry>();
  readonly #listeners = new Set<(m: StoredTelemetry) => void>();
  #seq = 0;
  reads = 0;

  /** Assigns the next seq; `stored: false` is a write that failed (a hole in the log). */
  assign(stored = true): number {
    const seq = ++this.#seq;
    if (stored) this.#stored.set(seq, item(seq, 'log'));
    return seq;
  }

  announce(seq: number): void {
    for (const l of this.#listeners) l(item(seq, 'tail'));
  }

  async *read(options: { afterSeq?: number; limit?: number } = {}): AsyncIterableIterator<StoredTelemetry> {
    this.reads++;
    const seqs = [...this.#stored.keys()].filter((s) => s > (options.afterSeq ?? 0)).sort((a, b) => a - b);
    for (const s of seqs.slice(0, options.limit ?? Infinity)) yield this.#stored.get(s) as StoredTelemetry;
  }

  onAppend(listener: (m: StoredTelemetry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  lastSeq(): number {
    return this.#seq;
  }

  holdRetention(): () => void {
    return () => undefined;
  }
}

/** A message whose body says which way it reached the pipeline. */
function item(seq: number, via: 'log' | 'tail'): StoredTelemetry {
  return { seq, deviceId: 'leaf', message: { ...textMessage(via), system: { connectionDeviceId: 'leaf' } } };
}

class Recorder implements RouteTarget {
  readonly seqs: number[] = [];
  readonly via: string[] = [];
  gate: Promise<void> | undefined;

  async deliver(items: readonly StoredTelemetry[]): Promise<void> {
    if (this.gate !== undefined) await this.gate;
    for (const i of items) {
      this.seqs.push(i.seq);
      this.via.push(new TextDecoder().decode(i.message.body));
    }
  }
}

const until = (cond: () => boolean, what: string): Promise<true> => waitFor(() => cond() || undefined, what, 5_000);

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const opened: RoutePipeline[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.close()));
});

async function start(telemetry: Log, batchSize = 512): Promise<{ p: RoutePipeline; up: Recorder }> {
  const store = new MemoryStore();
  await store.open();
  const up = new Recorder();
  const p = createRoutePipeline({
    telemetry, router: compileRoutes({ all: 'FROM /messages/* INTO $upstream' }, { sinkNames: [] }), store: store.sublevel('routes'),
    targetFor: () => up, clock: new FakeClock(), batchSize,
  });
  opened.push(p);
  await p.start();
  return { p, up };
}

describe('RoutePipeline tail', () => {
  it('routes announced messages that continue the checkpoint from memory, without reading the log', async () => {
    const log = new ControlledLog();
    const { p, up } = await start(log);
    const readsAtStart = log.reads;
    for (let i = 0; i < 5; i++) log.announce(log.assign());
    await until(() => p.status().checkpoint === 5, 'seq 5');
    expect(up.seqs).toEqual(range(1, 5));
    expect(new Set(up.via)).toEqual(new Set(['tail']));
    expect(log.reads).toBe(readsAtStart);
    expect(p.status().batches.fromLog).toBe(0);
    expect(p.status().batches.fromTail).toBeGreaterThan(0);
  });

  it('reads what was stored before start from the log, then goes on from the tail', async () => {
    const log = new ControlledLog();
    log.assign();
    log.assign();
    const { p, up } = await start(log);
    await until(() => p.status().checkpoint === 2, 'seq 2');
    log.announce(log.assign());
    await until(() => p.status().checkpoint === 3, 'seq 3');
    expect(up.seqs).toEqual([1, 2, 3]);
    expect(up.via).toEqual(['log', 'log', 'tail']);
  });

  it('a hole (a write that failed) sends it to the log, which counts the gap; no seq twice', async () => {
    const log = new ControlledLog();
    const { p, up } = await start(log);
    log.announce(log.assign());
    await until(() => p.status().checkpoint === 1, 'seq 1');
    const hole = log.assign(false);
    const after = log.assign();
    log.announce(after);
    await until(() => p.status().checkpoint === after, 'past the hole');
    log.announce(log.assign());
    await until(() => p.status().checkpoint === 4, 'seq 4');
    expect(up.seqs).toEqual([1, after, 4]);
    expect(up.seqs).not.toContain(hole);
    expect(up.via).toEqual(['tail', 'log', 'tail']);
    expect(p.status().gaps).toBe(1);
  });

  it('a hole inside the tail: the tail is taken up to it, the rest comes from the log', async () => {
    const log = new ControlledLog();
    const { p, up } = await start(log);
    log.announce(log.assign());
    log.assign(false);
    log.announce(log.assign()); // the tail is [1, 3] before the pipeline runs again
    await until(() => p.status().checkpoint === 3, 'seq 3');
    expect(up.seqs).toEqual([1, 3]);
    expect(up.via).toEqual(['tail', 'log']);
    expect(p.status().gaps).toBe(1);
  });

  it('an overflowing tail (a sink that holds a batch) falls back to the log, in order, each once', async () => {
    const log = new ControlledLog();
    const { p, up } = await start(log, 4);
    let open!: () => void;
    up.gate = new Promise((resolve) => {
      open = resolve;
    });
    log.announce(log.assign());
    await until(() => log.lastSeq() === 1 && p.status().state === 'running', 'the first batch in flight');
    for (let i = 0; i < 20; i++) log.announce(log.assign()); // the tail keeps 4 of these
    open();
    up.gate = undefined;
    await until(() => p.status().checkpoint === 21, 'seq 21');
    expect(up.seqs).toEqual(range(1, 21));
    expect(up.via).toContain('log');
    expect(p.status().gaps).toBe(0);
  });

  it('announcements out of seq order are routed in seq order', async () => {
    const log = new ControlledLog();
    const { p, up } = await start(log);
    const [a, b, c] = [log.assign(), log.assign(), log.assign()];
    log.announce(c);
    log.announce(a);
    log.announce(b);
    await until(() => p.status().checkpoint === 3, 'seq 3');
    log.announce(log.assign());
    await until(() => p.status().checkpoint === 4, 'seq 4');
    expect(up.seqs).toEqual([1, 2, 3, 4]);
    expect(p.status().gaps).toBe(0);
  });

  it('over the hub core: live appends go from the tail, and the targets get them as stored', async () => {
    const { hub, store, clock } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'leaf' });
    const up = new Recorder();
    const p = createRoutePipeline({
      telemetry: hub.telemetry, router: compileRoutes({ all: 'FROM /messages/* INTO $upstream' }, { sinkNames: [] }), store: store.sublevel('routes'),
      targetFor: () => up, clock,
    });
    opened.push(p);
    await p.start();
    const sent = await Promise.all(range(1, 50).map((i) => hub.telemetry.append({ deviceId: 'leaf' }, textMessage(`m${i}`, { i: String(i) }))));
    await until(() => p.status().checkpoint === 50, 'seq 50');
    expect(up.seqs).toEqual(range(1, 50));
    expect(up.via).toEqual(sent.map((s) => new TextDecoder().decode(s.message.body)));
    expect(p.status().batches.fromLog).toBe(0);
    const stored: string[] = [];
    for await (const m of hub.telemetry.read()) stored.push(new TextDecoder().decode(m.message.body));
    expect(up.via).toEqual(stored);
    await p.close();
    await hub.close();
  });
});
