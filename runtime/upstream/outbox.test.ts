/**
 * Outbox unit tests, run on both store backends (MemoryStore, and LevelStore in a folder under
 * test/.tmp/outbox) with a FakeClock: order, leases, TTL, both full policies, dead letters and
 * recovery after a reopen.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FakeClock, type IdentityRef } from '../../hub-core/core/index.js';
import { GroupCommitter, LevelStore, MemoryStore, type Store } from '../../hub-core/store/index.js';
import { isRuntimeError } from '../errors.js';
import { Outbox, type OutboxEntry, type OutboxOptions } from './outbox.js';
import { recordKey } from './outbox-record.js';
import { recordingLogger, telemetryItem } from './outbox-test-kit.js';

const TMP = join(process.cwd(), 'test', '.tmp', 'outbox', `unit-${process.pid}`);
const A: IdentityRef = { deviceId: 'dev-a' };
const B: IdentityRef = { deviceId: 'dev-b' };
const M: IdentityRef = { deviceId: 'dev-a', moduleId: 'mod!1' };
const text = (e: OutboxEntry): string => new TextDecoder().decode(e.message.body);
const seqs = (entries: OutboxEntry[]): number[] => entries.map((e) => e.seq);

interface Backend {
  name: string;
  /** A fresh root store, and a way to get it back "after a restart" (LevelStore: a new instance). */
  create(): Promise<{ root: () => Store; restart: () => Promise<void> }>;
}

let dirs = 0;
const backends: Backend[] = [
  {
    name: 'MemoryStore',
    async create() {
      const store = new MemoryStore();
      await store.open();
      return { root: () => store, restart: async () => { await store.close(); await store.open(); } };
    },
  },
  {
    name: 'LevelStore',
    async create() {
      const dir = join(TMP, `db-${dirs++}`);
      mkdirSync(TMP, { recursive: true });
      let store = new LevelStore(dir);
      await store.open();
      opened.push(() => store);
      return {
        root: () => store,
        restart: async () => {
          await store.close();
          store = new LevelStore(dir);
          await store.open();
        },
      };
    },
  },
];
const opened: (() => Store)[] = [];
afterAll(async () => {
  await Promise.all(opened.map((s) => s().close()));
  rmSync(TMP, { recursive: true, force: true });
});

describe.each(backends)('Outbox on $name', (backend) => {
  const outboxes: Outbox[] = [];
  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((o) => o.close()));
  });

  async function setup(options: Partial<OutboxOptions> = {}) {
    const env = await backend.create();
    const clock = new FakeClock();
    const open = async (more: Partial<OutboxOptions> = {}): Promise<Outbox> => {
      const outbox = await Outbox.open({
        store: env.root().sublevel('outbox'), maxBytes: 1_000_000, ttlMs: 3_600_000, fullPolicy: 'reject', clock, ...options, ...more,
      });
      outboxes.push(outbox);
      return outbox;
    };
    const outbox = await open();
    /** Closes the outbox and the store, reopens both ("restart"). */
    const reopen = async (more: Partial<OutboxOptions> = {}): Promise<Outbox> => {
      await Promise.all(outboxes.splice(0).map((o) => o.close()));
      await env.restart();
      return open(more);
    };
    return { outbox, clock, env, open, reopen };
  }

  it('keeps per-identity order with interleaved identities and returns the message as appended', async () => {
    const { outbox, clock } = await setup();
    await outbox.append([telemetryItem(A, 1), telemetryItem(B, 2), telemetryItem(A, 3)]);
    await outbox.append([telemetryItem(M, 4), telemetryItem(B, 5), telemetryItem(A, 6)]);
    expect(outbox.identities().map((r) => r.moduleId === undefined ? r.deviceId : `${r.deviceId}/${r.moduleId}`).sort())
      .toEqual(['dev-a', 'dev-a/mod!1', 'dev-b']);
    const a = await outbox.lease(A, 10);
    expect(seqs(a)).toEqual([1, 3, 6]);
    expect(seqs(await outbox.lease(B, 10))).toEqual([2, 5]);
    const m = await outbox.lease(M, 10);
    expect(m[0]!.ref).toEqual(M);
    expect(m[0]!.message.system).toMatchObject({ connectionDeviceId: 'dev-a', connectionModuleId: 'mod!1', messageId: 'msg-4' });
    expect(a[0]).toMatchObject({ ref: A, seq: 1, attempts: 1, enqueuedAtMs: clock.now() });
    expect(text(a[0]!)).toBe('m1');
    expect(a[0]!.message.properties).toEqual({ n: '1' });
    expect(a.map((e) => e.id)).toEqual([...a.map((e) => e.id)].sort((x, y) => x - y));
    expect(outbox.depth(A)).toBe(3);
    expect(outbox.stats()).toMatchObject({ messages: 6, leased: 6, identities: 3 });
  });

  it('singleSource: a batch re-fed after a restart (hub seq already taken) is skipped and counted, not queued twice', async () => {
    const { outbox, reopen } = await setup({ singleSource: true });
    await outbox.append([telemetryItem(A, 1), telemetryItem(A, 2)]);
    // The pipeline crashed before its checkpoint: after the restart it feeds 1..4 again.
    const again = await reopen({ singleSource: true });
    await again.append([telemetryItem(A, 1), telemetryItem(A, 2), telemetryItem(A, 3), telemetryItem(A, 4)]);
    expect(seqs(await again.lease(A, 10))).toEqual([1, 2, 3, 4]);
    expect(again.stats()).toMatchObject({ messages: 4, duplicatesSkipped: 2 });
  });

  it('lease skips leased messages; ack removes them durably; release puts them back in order', async () => {
    const { outbox, reopen } = await setup();
    await outbox.append([1, 2, 3, 4, 5].map((n) => telemetryItem(A, n)));
    const first = await outbox.lease(A, 2);
    const second = await outbox.lease(A, 2);
    expect(seqs(first)).toEqual([1, 2]);
    expect(seqs(second)).toEqual([3, 4]);
    outbox.release(first.map((e) => e.id));
    const again = await outbox.lease(A, 10);
    expect(seqs(again)).toEqual([1, 2, 5]);
    expect(again.map((e) => e.attempts)).toEqual([2, 2, 1]);
    await outbox.ack([...again, ...second].map((e) => e.id).filter((_, i) => i !== 1)); // all but seq 2
    expect(outbox.stats()).toMatchObject({ messages: 1, leased: 1, duplicatesResent: 1 });
    await outbox.ack([12345]); // unknown ids are ignored
    const after = await reopen();
    expect(seqs(await after.lease(A, 10))).toEqual([2]);
  });

  it('drops expired messages instead of leasing them, and sweeps them on a timer, counted', async () => {
    const { outbox, clock, reopen } = await setup({ ttlMs: 10_000, sweepIntervalMs: 5_000 });
    await outbox.append([telemetryItem(A, 1), telemetryItem(B, 2)]);
    await clock.advance(6_000);
    await outbox.append([telemetryItem(A, 3)]);
    expect(outbox.stats().oldestAgeMs).toBe(6_000);
    await clock.advance(4_500); // seq 1 and 2 are 10.5 s old; the sweep at 10 s found none yet
    expect(seqs(await outbox.lease(A, 10))).toEqual([3]);
    expect(outbox.stats()).toMatchObject({ expired: 1, messages: 2 });
    await clock.advance(5_000); // the sweep removes B's message
    expect(outbox.stats()).toMatchObject({ expired: 2, messages: 1, identities: 1 });
    await outbox.close(); // waits for the background deletes
    const after = await reopen();
    expect(after.stats()).toMatchObject({ messages: 1, recovered: 1 });
  });

  it('reject policy: FH_OUTBOX_FULL (retryable), nothing of the batch stored, room again after an ack', async () => {
    const { logger, lines } = recordingLogger();
    const { outbox } = await setup({ maxBytes: 400, logger });
    await outbox.append([telemetryItem(A, 1), telemetryItem(A, 2)]);
    const before = outbox.stats();
    expect(before.bytes).toBeGreaterThan(100);
    expect(outbox.wouldReject(10)).toBe(false);
    const err = await outbox.append([telemetryItem(A, 3), telemetryItem(B, 4), telemetryItem(B, 5)]).catch((e: unknown) => e);
    expect(isRuntimeError(err, 'FH_OUTBOX_FULL')).toBe(true);
    expect((err as { retryable: boolean }).retryable).toBe(true);
    await expect(outbox.append([telemetryItem(B, 6), telemetryItem(B, 7)])).rejects.toMatchObject({ code: 'FH_OUTBOX_FULL' });
    expect(outbox.stats()).toMatchObject({ messages: 2, bytes: before.bytes, rejected: 2, full: true });
    expect(outbox.identities()).toEqual([A]);
    expect(outbox.wouldReject(300)).toBe(true);
    // Logged once for the episode, with the code.
    expect(lines.filter((l) => l.code === 'FH_OUTBOX_FULL' && l.level === 40)).toHaveLength(1);
    await outbox.ack((await outbox.lease(A, 10)).map((e) => e.id));
    await outbox.append([telemetryItem(B, 8)]);
    expect(outbox.stats()).toMatchObject({ messages: 1, full: false });
    expect(lines.some((l) => l.msg === 'outbox has room again')).toBe(true);
    // A batch larger than the whole quota can never fit: not retryable.
    await expect(outbox.append([telemetryItem(B, 9, { bodyBytes: 500 })])).rejects.toMatchObject({ code: 'FH_OUTBOX_FULL', retryable: false });
  });

  it('reject policy, refused at the door: full while the refused size would not fit, one warning, ends with the next append', async () => {
    const { logger, lines } = recordingLogger();
    const { outbox } = await setup({ maxBytes: 400, logger });
    await outbox.append([telemetryItem(A, 1), telemetryItem(A, 2)]);
    // Room for a small message, not for a 300-byte one: the gateway refuses the latter at the door.
    expect(outbox.stats().full).toBe(false);
    expect(outbox.wouldReject(300)).toBe(true);
    outbox.refusedAtDoor(300);
    outbox.refusedAtDoor(300);
    expect(outbox.stats()).toMatchObject({ full: true, rejected: 0 });
    expect(lines.filter((l) => l.code === 'FH_OUTBOX_FULL' && l.at === 'door' && l.level === 40)).toHaveLength(1);
    // An ack makes room for it: not full any more, and the next append ends the episode.
    await outbox.ack((await outbox.lease(A, 10)).map((e) => e.id));
    expect(outbox.stats().full).toBe(false);
    await outbox.append([telemetryItem(B, 3, { bodyBytes: 150 })]);
    expect(lines.filter((l) => l.msg === 'outbox takes messages again')).toHaveLength(1);
    expect(lines.find((l) => l.msg === 'outbox takes messages again')).toMatchObject({ count: 2 });
  });

  it('reject policy reclaims expired messages before refusing', async () => {
    const { outbox, clock } = await setup({ maxBytes: 300, ttlMs: 1_000, sweepIntervalMs: 3_600_000 });
    await outbox.append([telemetryItem(A, 1), telemetryItem(A, 2)]);
    await expect(outbox.append([telemetryItem(A, 3), telemetryItem(A, 4)])).rejects.toMatchObject({ code: 'FH_OUTBOX_FULL' });
    await clock.advance(1_001);
    expect(outbox.wouldReject(100)).toBe(false);
    await outbox.append([telemetryItem(A, 3), telemetryItem(A, 4)]);
    expect(seqs(await outbox.lease(A, 10))).toEqual([3, 4]);
    expect(outbox.stats()).toMatchObject({ expired: 2, messages: 2 });
  });

  it('maxMessages bounds the count', async () => {
    const { outbox } = await setup({ maxMessages: 3 });
    await outbox.append([1, 2, 3].map((n) => telemetryItem(A, n)));
    await expect(outbox.append([telemetryItem(A, 4)])).rejects.toMatchObject({ code: 'FH_OUTBOX_FULL', retryable: true });
    expect(outbox.wouldReject(1)).toBe(true);
  });

  it('dropOldest: the oldest records (any identity, not in flight) go, counted and logged once; the newest stay', async () => {
    const { logger, lines } = recordingLogger();
    const { outbox, reopen } = await setup({ fullPolicy: 'dropOldest', maxMessages: 4, logger });
    await outbox.append([telemetryItem(A, 1), telemetryItem(B, 2), telemetryItem(A, 3), telemetryItem(B, 4)]);
    const inFlight = await outbox.lease(B, 1); // seq 2 is in flight: not dropped
    expect(outbox.wouldReject(1_000_000)).toBe(false);
    await outbox.append([telemetryItem(A, 5), telemetryItem(A, 6)]);
    expect(outbox.stats()).toMatchObject({ dropped: 2, messages: 4, full: true });
    expect(seqs(await outbox.lease(A, 10))).toEqual([5, 6]);
    await outbox.append([telemetryItem(B, 7)]);
    expect(outbox.stats().dropped).toBe(3); // seq 4 (A's are in flight now, and so is 2)
    await outbox.ack(inFlight.map((e) => e.id));
    expect(seqs(await outbox.lease(B, 10))).toEqual([7]);
    expect(lines.filter((l) => l.code === 'FH_OUTBOX_FULL')).toHaveLength(1);
    const after = await reopen({ fullPolicy: 'dropOldest', maxMessages: 4 });
    expect(after.stats().messages).toBe(3);
    expect(seqs(await after.lease(A, 10))).toEqual([5, 6]);
  });

  it('dropOldest drops the oldest of the batch itself when everything queued is in flight', async () => {
    const { outbox } = await setup({ fullPolicy: 'dropOldest', maxMessages: 2 });
    await outbox.append([telemetryItem(A, 1), telemetryItem(A, 2)]);
    await outbox.lease(A, 2);
    await outbox.append([telemetryItem(B, 3), telemetryItem(B, 4), telemetryItem(B, 5)]);
    expect(outbox.stats()).toMatchObject({ dropped: 3, messages: 2 });
    expect(outbox.identities()).toEqual([A]);
  });

  it('dead letters: moved aside with the reason, counted, bounded', async () => {
    const { outbox, reopen } = await setup({ maxDeadLetters: 2 });
    await outbox.append([1, 2, 3, 4].map((n) => telemetryItem(A, n)));
    const leased = await outbox.lease(A, 3);
    await outbox.deadLetter([leased[0]!.id], 'FH_UPSTREAM_REJECTED: too large');
    await outbox.deadLetter([leased[1]!.id, leased[2]!.id], 'FH_UPSTREAM_REJECTED: invalid');
    expect(outbox.stats()).toMatchObject({ deadLettered: 3, deadLetters: 2, messages: 1 });
    const dead = await outbox.deadLetters();
    expect(dead.map((d) => [d.ref, d.reason, d.message && new TextDecoder().decode(d.message.body)])).toEqual([
      [A, 'FH_UPSTREAM_REJECTED: invalid', 'm2'],
      [A, 'FH_UPSTREAM_REJECTED: invalid', 'm3'],
    ]);
    const after = await reopen({ maxDeadLetters: 2 });
    expect(after.stats()).toMatchObject({ messages: 1, deadLetters: 2 });
    expect(seqs(await after.lease(A, 10))).toEqual([4]);
  });

  it('reopen recovers counts, bytes and order; ids keep increasing, also after everything was acked', async () => {
    const { outbox, env, reopen } = await setup();
    for (let n = 0; n < 30; n++) await outbox.append([telemetryItem(n % 3 === 0 ? B : A, n)]);
    const { messages, bytes } = outbox.stats();
    // The quota counts what is stored: key plus value of every record.
    let stored = 0;
    for await (const [key, value] of env.root().sublevel('outbox').sublevel('records').iterate()) stored += key.length + value.byteLength;
    expect(bytes).toBe(stored);
    const leased = [...await outbox.lease(A, 100), ...await outbox.lease(B, 100)];
    expect(leased).toHaveLength(30);
    const lastId = Math.max(...leased.map((e) => e.id));
    const second = await reopen();
    expect(second.stats()).toMatchObject({ messages, bytes, recovered: 30, leased: 0, identities: 2 });
    const a = await second.lease(A, 100);
    const b = await second.lease(B, 100);
    expect(seqs(a)).toEqual([...Array(30).keys()].filter((n) => n % 3 !== 0));
    expect(seqs(b)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
    await second.ack([...a, ...b].map((e) => e.id));
    const third = await reopen();
    expect(third.stats()).toMatchObject({ messages: 0, bytes: 0 });
    await third.append([telemetryItem(A, 99)]);
    const [entry] = await third.lease(A, 1);
    expect(entry!.id).toBeGreaterThan(lastId);
  });

  it('onAvailable fires once the append is durable, and on release', async () => {
    const { outbox } = await setup();
    const seen: IdentityRef[] = [];
    const off = outbox.onAvailable((ref) => seen.push(ref));
    const appending = outbox.append([telemetryItem(A, 1), telemetryItem(M, 2), telemetryItem(A, 3)]);
    expect(seen).toEqual([]);
    await appending;
    expect(seen).toEqual([A, M]);
    const leased = await outbox.lease(A, 5);
    outbox.release(leased.map((e) => e.id));
    expect(seen).toEqual([A, M, A]);
    off();
    await outbox.append([telemetryItem(B, 4)]);
    expect(seen).toHaveLength(3);
  });

  it('concurrent appends through a group-commit writer keep per-identity order', async () => {
    const env = await backend.create();
    const committer = new GroupCommitter(env.root());
    const outbox = await Outbox.open({
      store: env.root().sublevel('outbox'), write: (ops) => committer.write(ops), maxBytes: 1e9, ttlMs: 1e9, fullPolicy: 'reject',
    });
    outboxes.push(outbox);
    await Promise.all([...Array(200).keys()].map((n) => outbox.append([telemetryItem(n % 2 ? A : B, n)])));
    expect(committer.stats.batches).toBeLessThan(200);
    expect(seqs(await outbox.lease(A, 200))).toEqual([...Array(200).keys()].filter((n) => n % 2));
    expect(seqs(await outbox.lease(B, 200))).toEqual([...Array(200).keys()].filter((n) => !(n % 2)));
  });

  it('moves unreadable records aside (FH_OUTBOX_CORRUPT, counted) and drains the rest', async () => {
    const { logger, lines } = recordingLogger();
    const { outbox, env, reopen } = await setup();
    await outbox.append([1, 2, 3].map((n) => telemetryItem(A, n)));
    const [one, two] = await outbox.lease(A, 2);
    outbox.release([one!.id, two!.id]);
    await outbox.close();
    const records = env.root().sublevel('outbox').sublevel('records');
    await records.put(recordKey('dev-a', one!.id), new Uint8Array([9, 9, 9])); // unknown format: found at open
    const value = (await records.get(recordKey('dev-a', two!.id)))!;
    await records.put(recordKey('dev-a', two!.id), value.subarray(0, 20)); // good header, truncated body: found at lease
    const after = await reopen({ logger });
    expect(after.stats()).toMatchObject({ corrupt: 1, messages: 2, deadLetters: 1 });
    expect(seqs(await after.lease(A, 10))).toEqual([3]);
    expect(after.stats()).toMatchObject({ corrupt: 2, messages: 1, deadLetters: 2 });
    expect(lines.filter((l) => l.code === 'FH_OUTBOX_CORRUPT')).toHaveLength(2);
    expect((await after.deadLetters()).map((d) => d.reason.startsWith('FH_OUTBOX_CORRUPT'))).toEqual([true, true]);
  });

  it('after close, calls fail with FH_STORE_NOT_OPEN; a pending append completes first', async () => {
    const { outbox, reopen } = await setup();
    const pending = outbox.append([telemetryItem(A, 1)]);
    await outbox.close();
    await pending;
    await expect(outbox.append([telemetryItem(A, 2)])).rejects.toMatchObject({ code: 'FH_STORE_NOT_OPEN' });
    await expect(outbox.lease(A, 1)).rejects.toMatchObject({ code: 'FH_STORE_NOT_OPEN' });
    expect(outbox.wouldReject(1)).toBe(false);
    const after = await reopen();
    expect(seqs(await after.lease(A, 1))).toEqual([1]);
  });

  it('refuses bad options and arguments as programmer errors', async () => {
    const { outbox, env } = await setup();
    const store = env.root().sublevel('other');
    await expect(Outbox.open({ store, maxBytes: 0, ttlMs: 1, fullPolicy: 'reject' })).rejects.toBeInstanceOf(RangeError);
    await expect(Outbox.open({ store, maxBytes: 1, ttlMs: 1, fullPolicy: 'drop' as 'reject' })).rejects.toBeInstanceOf(RangeError);
    await expect(outbox.lease(A, 0)).rejects.toBeInstanceOf(RangeError);
  });
});
