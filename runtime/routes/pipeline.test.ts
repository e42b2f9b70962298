import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../hub-core/core/clock.js';
import { HubCore } from '../../hub-core/core/hub.js';
import { createTestHub, textMessage } from '../../hub-core/core/test-kit.js';
import type { StoredTelemetry } from '../../hub-core/core/types.js';
import { LevelStore } from '../../hub-core/store/level.js';
import { MemoryStore } from '../../hub-core/store/memory.js';
import { decodeJson, type Store } from '../../hub-core/store/store.js';
import { REPO_ROOT } from '../../test/helpers/hub-process.js';
import { RuntimeError } from '../errors.js';
import { createRoutePipeline, type RoutePipeline, type RoutePipelineOptions, type RouteTarget } from './pipeline.js';
import { sinkKey, type RouteSink } from './route-parser.js';
import { compileRoutes } from './router.js';

const TMP = join(REPO_ROOT, 'test', '.tmp', 'routes', `pipeline-${process.pid}-${Date.now()}`);
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** A target that records what it accepts; `refuse` makes the next calls reject, `gate` holds them. */
class RecordingTarget implements RouteTarget {
  readonly accepted: number[] = [];
  readonly batches: number[][] = [];
  calls = 0;
  refuse = 0;
  gate: Promise<void> | undefined;

  async deliver(items: readonly StoredTelemetry[]): Promise<void> {
    this.calls++;
    const seqs = items.map((i) => i.seq);
    if (this.gate !== undefined) await this.gate;
    if (this.refuse > 0) {
      this.refuse--;
      throw new RuntimeError('FH_SINK_FAILED', 'disk full (test)', { retryable: true });
    }
    this.batches.push(seqs);
    this.accepted.push(...seqs);
  }
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Waits (bounded, real time) until `cond` holds. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const open: RoutePipeline[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

function pipelineFor(hub: HubCore, store: Store, targets: Record<string, RecordingTarget>, extra: Partial<RoutePipelineOptions> = {}): RoutePipeline {
  const router = extra.router ?? compileRoutes({
    leaves: 'FROM /messages/devices/* INTO $upstream',
    modules: 'FROM /messages/modules/m1/outputs/* INTO Sink("file")',
    hot: "FROM /messages/* WHERE level = 'hot' INTO Sink(\"hot\")",
  }, { sinkNames: ['file', 'hot'] });
  const pipeline = createRoutePipeline({
    telemetry: hub.telemetry, router, store: store.sublevel('routes'),
    targetFor: (sink: RouteSink) => {
      const t = targets[sinkKey(sink)];
      if (t === undefined) throw new Error(`no target for ${sinkKey(sink)}`);
      return t;
    },
    ...extra,
  });
  open.push(pipeline);
  return pipeline;
}

async function withDevices(hub: HubCore): Promise<void> {
  await hub.registry.createDevice({ deviceId: 'leaf' });
  await hub.registry.createDevice({ deviceId: 'gw' });
  await hub.registry.createModule({ deviceId: 'gw', moduleId: 'm1' });
}

const send = (hub: HubCore, n: number, props: Record<string, string> = {}): Promise<StoredTelemetry[]> =>
  Promise.all(Array.from({ length: n }, (_, i) => hub.telemetry.append({ deviceId: 'leaf' }, textMessage(`m${i}`, props))));

async function storedSeqs(hub: HubCore): Promise<number[]> {
  const seqs: number[] = [];
  for await (const m of hub.telemetry.read()) seqs.push(m.seq);
  return seqs;
}

async function storedCheckpoint(store: Store): Promise<number | undefined> {
  const v = await store.sublevel('routes').get('checkpoint');
  return v === undefined ? undefined : decodeJson<number>(v);
}

describe('RoutePipeline over a MemoryStore hub', () => {
  it('routes stored and new messages to their targets in order, then persists the checkpoint', async () => {
    const { hub, store, clock } = await createTestHub();
    await withDevices(hub);
    const up = new RecordingTarget();
    const file = new RecordingTarget();
    const hot = new RecordingTarget();
    await send(hub, 3);
    const p = pipelineFor(hub, store, { $upstream: up, 'Sink("file")': file, 'Sink("hot")': hot }, { clock });
    await p.start();
    const fromModule = await hub.telemetry.append({ deviceId: 'gw', moduleId: 'm1' }, { ...textMessage('x', { level: 'hot' }), system: { outputName: 'out1' } });
    await hub.telemetry.append({ deviceId: 'gw', moduleId: 'm1' }, textMessage('no output'));
    const hotLeaf = await send(hub, 1, { level: 'hot' });
    await until(() => p.status().checkpoint === hub.telemetry.lastSeq(), 'the checkpoint');
    expect(up.accepted).toEqual([1, 2, 3, hotLeaf[0]?.seq]);
    expect(file.accepted).toEqual([fromModule.seq]);
    expect(hot.accepted).toEqual([fromModule.seq, hotLeaf[0]?.seq]);
    expect(await storedCheckpoint(store)).toBe(hub.telemetry.lastSeq());
    const status = p.status();
    expect(status).toMatchObject({ state: 'running', lag: 0, routed: 6, unrouted: 1, gaps: 0 });
    expect(status.targets.map((t) => [t.sink, t.delivered, t.failures])).toEqual([
      ['$upstream', 4, 0], ['Sink("file")', 1, 0], ['Sink("hot")', 2, 0],
    ]);
    await hub.close();
  });

  it('catches up on a backlog in bounded batches', async () => {
    const { hub, store, clock } = await createTestHub();
    await withDevices(hub);
    await send(hub, 1200);
    const up = new RecordingTarget();
    const p = pipelineFor(hub, store, { $upstream: up, 'Sink("file")': new RecordingTarget(), 'Sink("hot")': new RecordingTarget() }, { clock, batchSize: 500 });
    await p.start();
    await until(() => p.status().checkpoint === 1200, 'the backlog');
    expect(up.accepted).toEqual(range(1, 1200));
    expect(Math.max(...up.batches.map((b) => b.length))).toBeLessThanOrEqual(500);
    await hub.close();
  });

  it('does not write the checkpoint before every target accepted the batch', async () => {
    const { hub, store, clock } = await createTestHub();
    await withDevices(hub);
    const up = new RecordingTarget();
    const hot = new RecordingTarget();
    const g = gate();
    hot.gate = g.promise;
    const p = pipelineFor(hub, store, { $upstream: up, 'Sink("file")': new RecordingTarget(), 'Sink("hot")': hot }, { clock });
    await p.start();
    await send(hub, 5, { level: 'hot' });
    await until(() => hot.calls > 0 && up.accepted.length > 0, 'both targets called');
    expect(p.status().checkpoint).toBe(0);
    expect(await storedCheckpoint(store)).toBeUndefined();
    g.open();
    await until(() => p.status().checkpoint === 5, 'the checkpoint');
    expect(await storedCheckpoint(store)).toBe(5);
    await hub.close();
  });

  it('retries a refusing target with backoff, never skipping, logging once per episode', async () => {
    const { hub, store, clock } = await createTestHub();
    await withDevices(hub);
    const lines: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'info' }, new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        cb();
      },
    }));
    const up = new RecordingTarget();
    const hot = new RecordingTarget();
    hot.refuse = 3;
    const p = pipelineFor(hub, store, { $upstream: up, 'Sink("file")': new RecordingTarget(), 'Sink("hot")': hot }, {
      clock, logger, retryInitialMs: 100, retryMaxMs: 1000,
    });
    await p.start();
    await send(hub, 4, { level: 'hot' });
    await until(() => hot.calls === 1 && p.status().state === 'retrying', 'the first refusal');
    const failing = p.status();
    expect(failing.checkpoint).toBe(0);
    expect(failing.targets.find((t) => t.sink === 'Sink("hot")')).toMatchObject({ failures: 1, lastError: { code: 'FH_SINK_FAILED' } });
    for (let i = 0; i < 20 && p.status().checkpoint < 4; i++) {
      await clock.advance(1000);
      await until(() => p.status().state === 'running' || hot.calls > i + 1, 'a retry');
    }
    await until(() => p.status().checkpoint === 4, 'the checkpoint');
    expect(hot.calls).toBe(4);
    expect(hot.accepted).toEqual([1, 2, 3, 4]);
    expect(up.accepted).toEqual([1, 2, 3, 4]); // the healthy target was not called again
    expect(p.status().targets.find((t) => t.sink === 'Sink("hot")')).toEqual({ sink: 'Sink("hot")', delivered: 4, failures: 0 });
    expect(lines.filter((l) => l.msg.includes('refused a batch'))).toHaveLength(1);
    expect(lines.filter((l) => l.msg.includes('accepts messages again'))).toHaveLength(1);
    await hub.close();
  });

  it('routes the batch again after a restart when the first run stopped before the checkpoint', async () => {
    const { hub, store, clock } = await createTestHub();
    await withDevices(hub);
    const stuck = new RecordingTarget();
    const g = gate();
    stuck.gate = g.promise;
    const first = pipelineFor(hub, store, { $upstream: stuck, 'Sink("file")': new RecordingTarget(), 'Sink("hot")': new RecordingTarget() }, { clock });
    await first.start();
    await send(hub, 3);
    await until(() => stuck.calls > 0, 'the stuck delivery');
    // As after kill -9: a new pipeline on the same store while the first never finished.
    const again = new RecordingTarget();
    const second = pipelineFor(hub, store, { $upstream: again, 'Sink("file")': new RecordingTarget(), 'Sink("hot")': new RecordingTarget() }, { clock });
    await second.start();
    await until(() => second.status().checkpoint === 3, 'the second run');
    expect(again.accepted).toEqual([1, 2, 3]);
    g.open();
    await hub.close();
  });

  it('close() waits for the batch in flight and writes its checkpoint', async () => {
    const { hub, store, clock } = await createTestHub();
    await withDevices(hub);
    const up = new RecordingTarget();
    const g = gate();
    up.gate = g.promise;
    const p = pipelineFor(hub, store, { $upstream: up, 'Sink("file")': new RecordingTarget(), 'Sink("hot")': new RecordingTarget() }, { clock });
    await p.start();
    await send(hub, 2);
    await until(() => up.calls > 0, 'the delivery');
    let closed = false;
    const closing = p.close().then(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(false);
    g.open();
    await closing;
    expect(p.status().state).toBe('closed');
    expect(await storedCheckpoint(store)).toBe(2);
    await hub.close();
  });

  it('starts at the end of the log with startAt latest, and after a checkpoint past the end', async () => {
    const { hub, store, clock } = await createTestHub();
    await withDevices(hub);
    await send(hub, 4);
    const up = new RecordingTarget();
    const p = pipelineFor(hub, store, { $upstream: up, 'Sink("file")': new RecordingTarget(), 'Sink("hot")': new RecordingTarget() }, { clock, startAt: 'latest' });
    await p.start();
    expect(await storedCheckpoint(store)).toBe(4);
    await send(hub, 1);
    await until(() => p.status().checkpoint === 5, 'the new message');
    expect(up.accepted).toEqual([5]);
    await p.close();

    const other = await createTestHub({ clock });
    await withDevices(other.hub);
    await store.sublevel('routes').put('checkpoint', new TextEncoder().encode('5'));
    const up2 = new RecordingTarget();
    // Same checkpoint store, a log that restarts at seq 1: nothing may be skipped.
    const q = pipelineFor(other.hub, store, { $upstream: up2, 'Sink("file")': new RecordingTarget(), 'Sink("hot")': new RecordingTarget() }, { clock });
    await q.start();
    await send(other.hub, 2);
    await until(() => up2.accepted.length === 2, 'the new log');
    expect(up2.accepted).toEqual([1, 2]);
    await hub.close();
    await other.hub.close();
  });

  it('keeps what a stuck sink has not taken past the retention and routes all of it when the sink returns (no gaps); closing releases the hold', async () => {
    const clock = new FakeClock();
    const { hub, store } = await createTestHub({ clock, limits: { telemetryRetentionMs: 1000, telemetryMaxHoldMs: 60_000 } });
    await withDevices(hub);
    const up = new RecordingTarget();
    const stuck = gate();
    up.gate = stuck.promise;
    const p = pipelineFor(hub, store, { $upstream: up, 'Sink("file")': new RecordingTarget(), 'Sink("hot")': new RecordingTarget() }, { clock, batchSize: 2 });
    await p.start();
    await send(hub, 5);
    await until(() => up.calls === 1, 'the first batch at the stuck sink');
    await clock.advance(5000); // every message is now 5 s old, five times the retention (the hub sweeps every second)
    await hub.idle();
    await hub.telemetry.sweep();
    expect(await storedSeqs(hub)).toEqual([1, 2, 3, 4, 5]);
    stuck.open();
    await until(() => p.status().checkpoint === 5, 'every message routed');
    expect(up.accepted).toEqual([1, 2, 3, 4, 5]);
    expect(p.status()).toMatchObject({ gaps: 0, routed: 5 });
    // Routed: no longer held, so retention takes them.
    await hub.telemetry.sweep();
    expect(await storedSeqs(hub)).toEqual([]);
    await send(hub, 2);
    await until(() => p.status().checkpoint === 7, 'the next two');
    await p.close();
    await send(hub, 1); // seq 8, which the closed pipeline never saw: nothing holds it
    await clock.advance(5000);
    await hub.telemetry.sweep();
    expect(await storedSeqs(hub)).toEqual([]);
    await hub.close();
  });

  it('retries a failing log read, then counts what retention removed as gaps', async () => {
    const clock = new FakeClock();
    const { hub, store } = await createTestHub({ clock, limits: { telemetryRetentionMs: 1000 } });
    await withDevices(hub);
    await send(hub, 5);
    await clock.advance(2000);
    await hub.telemetry.sweep(); // (the hub's own sweep timer may have run it already)
    for await (const left of hub.telemetry.read()) throw new Error(`seq ${left.seq} survived retention`);
    await send(hub, 3);
    let failReads = 1;
    const telemetry = {
      lastSeq: () => hub.telemetry.lastSeq(),
      onAppend: (l: (m: StoredTelemetry) => void) => hub.telemetry.onAppend(l),
      holdRetention: (floor: () => number) => hub.telemetry.holdRetention(floor),
      read: (o?: { afterSeq?: number; limit?: number }) => {
        if (failReads-- > 0) throw Object.assign(new Error('io error (test)'), { code: 'FH_STORE_IO' });
        return hub.telemetry.read(o);
      },
    };
    const up = new RecordingTarget();
    const p = pipelineFor(hub, store, { $upstream: up, 'Sink("file")': new RecordingTarget(), 'Sink("hot")': new RecordingTarget() }, {
      clock, telemetry, retryInitialMs: 10, retryMaxMs: 10,
    });
    await p.start();
    await until(() => p.status().storeError !== undefined, 'the read error');
    expect(p.status()).toMatchObject({ state: 'retrying', storeError: { code: 'FH_STORE_IO' } });
    await clock.advance(10);
    await until(() => p.status().checkpoint === 8, 'the checkpoint');
    expect(up.accepted).toEqual([6, 7, 8]);
    expect(p.status()).toMatchObject({ state: 'running', gaps: 5 });
    expect(p.status().storeError).toBeUndefined();
    await hub.close();
  });
});

describe('RoutePipeline over a LevelStore hub', () => {
  it('resumes from the persisted checkpoint after a restart', async () => {
    const dir = join(TMP, 'level-restart');
    mkdirSync(dir, { recursive: true });
    const clock = new FakeClock();

    let store = new LevelStore(dir);
    let hub = await HubCore.create({ store, hostName: 'gw.test', clock });
    await withDevices(hub);
    const up1 = new RecordingTarget();
    const p1 = pipelineFor(hub, store, { $upstream: up1, 'Sink("file")': new RecordingTarget(), 'Sink("hot")': new RecordingTarget() }, { clock });
    await p1.start();
    await send(hub, 10);
    await until(() => p1.status().checkpoint === 10, 'the first run');
    await p1.close();
    await hub.close();
    await store.close();
    expect(up1.accepted).toEqual(range(1, 10));

    store = new LevelStore(dir);
    hub = await HubCore.create({ store, hostName: 'gw.test', clock });
    await send(hub, 5); // stored while no pipeline runs
    const up2 = new RecordingTarget();
    const p2 = pipelineFor(hub, store, { $upstream: up2, 'Sink("file")': new RecordingTarget(), 'Sink("hot")': new RecordingTarget() }, { clock, syncCheckpoint: true });
    await p2.start();
    await send(hub, 2);
    await until(() => p2.status().checkpoint === 17, 'the second run');
    expect(up2.accepted).toEqual(range(11, 17));
    await p2.close();
    await hub.close();
    await store.close();
  });

  it('a stored checkpoint stays put while a target refuses, across a restart', async () => {
    const dir = join(TMP, 'level-refuse');
    mkdirSync(dir, { recursive: true });
    const clock = new FakeClock();
    let store = new LevelStore(dir);
    let hub = await HubCore.create({ store, hostName: 'gw.test', clock });
    await withDevices(hub);
    const up = new RecordingTarget();
    up.refuse = 1_000_000;
    const p1 = pipelineFor(hub, store, { $upstream: up, 'Sink("file")': new RecordingTarget(), 'Sink("hot")': new RecordingTarget() }, { clock });
    await p1.start();
    await send(hub, 3);
    await until(() => up.calls > 0, 'the refusal');
    await p1.close();
    await hub.close();
    await store.close();

    store = new LevelStore(dir);
    hub = await HubCore.create({ store, hostName: 'gw.test', clock });
    expect(await storedCheckpoint(store)).toBeUndefined();
    const ok = new RecordingTarget();
    const p2 = pipelineFor(hub, store, { $upstream: ok, 'Sink("file")': new RecordingTarget(), 'Sink("hot")': new RecordingTarget() }, { clock });
    await p2.start();
    await until(() => p2.status().checkpoint === 3, 'the second run');
    expect(ok.accepted).toEqual([1, 2, 3]);
    await p2.close();
    await hub.close();
    await store.close();
  });
});

describe('createRoutePipeline', () => {
  it('asks for every sink target up front and refuses a bad batch size', async () => {
    const asked: string[] = [];
    const router = compileRoutes({ a: 'FROM /* INTO $upstream', b: 'FROM /* INTO Sink("s")' }, { sinkNames: ['s'] });
    const telemetry = (await createTestHub()).hub.telemetry;
    createRoutePipeline({ telemetry, router, store: new MemoryStore(), targetFor: (s) => (asked.push(sinkKey(s)), new RecordingTarget()) });
    expect(asked).toEqual(['$upstream', 'Sink("s")']);
    expect(() => createRoutePipeline({ telemetry, router, store: new MemoryStore(), targetFor: () => new RecordingTarget(), batchSize: 0 })).toThrow(RangeError);
  });
});
