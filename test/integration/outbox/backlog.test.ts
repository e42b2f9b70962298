/**
 * A 100,000-message backlog on a LevelStore: append across 100 identities, reopen, drain with
 * lease/ack. Checks counts, per-identity order, and that memory does not follow the backlog: the
 * bodies (100 MB here) stay on disk, only small per-identity metadata stays in memory. A leak
 * check with a loose bound, not a speed test; the open time is logged, not asserted.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, expect, test } from 'vitest';
import type { IdentityRef } from '../../../hub-core/core/index.js';
import { LevelStore } from '../../../hub-core/store/index.js';
import { Outbox } from '../../../runtime/upstream/outbox.js';
import { telemetryItem } from '../../../runtime/upstream/outbox-test-kit.js';

const TMP = join(process.cwd(), 'test', '.tmp', 'outbox', `backlog-${process.pid}`);
const MESSAGES = 100_000;
const IDENTITIES = 100;
const BODY_BYTES = 1024;
const MB = 1024 * 1024;
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

// A full collection before each reading, so garbage not yet collected does not count.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** JS heap plus ArrayBuffer memory (where Uint8Array bodies would live), after a full GC. */
function liveBytes(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function open(dir: string): Promise<{ outbox: Outbox; close: () => Promise<void>; openMs: number }> {
  const store = new LevelStore(dir);
  await store.open();
  const started = performance.now();
  const outbox = await Outbox.open({ store: store.sublevel('outbox'), maxBytes: 4096 * MB, ttlMs: 86_400_000, fullPolicy: 'reject' });
  const openMs = performance.now() - started;
  return { outbox, openMs, close: async () => { await outbox.close(); await store.close(); } };
}

test('100,000 messages over 100 identities: reopen, drain in order, memory bounded', async () => {
  mkdirSync(TMP, { recursive: true });
  const dir = join(TMP, 'db');
  const refs: IdentityRef[] = [...Array(IDENTITIES).keys()].map((i) => ({ deviceId: `leaf-${i}` }));
  const baseline = liveBytes();
  let peak = 0;
  const sample = (): void => {
    peak = Math.max(peak, liveBytes() - baseline);
  };

  // Append in batches of 100 (one per identity), 8 in flight at a time, as a route pipeline would.
  const first = await open(dir);
  let next = 0;
  const sender = async (): Promise<void> => {
    while (next < MESSAGES) {
      const from = next;
      next += IDENTITIES;
      await first.outbox.append(refs.map((ref, i) => telemetryItem(ref, from + i, { bodyBytes: BODY_BYTES })));
      if ((from / IDENTITIES) % 250 === 0) sample();
    }
  };
  await Promise.all([...Array(8).keys()].map(sender));
  const appended = first.outbox.stats();
  expect(appended).toMatchObject({ messages: MESSAGES, identities: IDENTITIES });
  expect(appended.bytes).toBeGreaterThan(MESSAGES * BODY_BYTES);
  sample();
  await first.close();

  const second = await open(dir);
  const { outbox } = second;
  sample();
  const reopened = outbox.stats();
  expect(reopened).toMatchObject({ messages: MESSAGES, bytes: appended.bytes, recovered: MESSAGES, identities: IDENTITIES });
  const rss = process.memoryUsage().rss;
  console.log(JSON.stringify({ outboxOpen: { messages: MESSAGES, bytes: reopened.bytes, openMs: Math.round(second.openMs), rssMB: Math.round(rss / MB) } }));

  // Round-robin drain, 100 per lease; each identity's seqs must come as i, i+100, i+200, ...
  const expected = new Map(refs.map((ref, i) => [ref.deviceId, i]));
  const disorder: string[] = [];
  let drained = 0;
  let rounds = 0;
  while (outbox.identities().length > 0) {
    for (const ref of outbox.identities()) {
      const entries = await outbox.lease(ref, 100);
      for (const e of entries) {
        const want = expected.get(ref.deviceId)!;
        if (e.seq !== want || e.message.body.byteLength !== BODY_BYTES) disorder.push(`${ref.deviceId}: got ${e.seq}, want ${want}`);
        expected.set(ref.deviceId, want + IDENTITIES);
      }
      await outbox.ack(entries.map((e) => e.id));
      drained += entries.length;
    }
    if (++rounds % 3 === 0) sample();
  }
  sample();
  expect(disorder.slice(0, 5)).toEqual([]);
  expect(drained).toBe(MESSAGES);
  expect([...expected.values()].every((v, i) => v === i + MESSAGES)).toBe(true);
  expect(outbox.stats()).toMatchObject({ messages: 0, bytes: 0, leased: 0, identities: 0, duplicatesResent: 0 });
  await second.close();

  console.log(JSON.stringify({ outboxBacklogMemory: { peakGrowthMB: Math.round(peak / MB), heapUsedMB: Math.round(process.memoryUsage().heapUsed / MB) } }));
  // The bodies alone are 100 MB: holding them would blow through this bound.
  expect(peak).toBeLessThan(48 * MB);
  expect(process.memoryUsage().heapUsed).toBeLessThan(200 * MB);
}, 300_000);
