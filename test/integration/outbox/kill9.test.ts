/**
 * kill -9 of a process using the outbox (the real Outbox from dist/ on a LevelStore, in a child
 * `node` process): while appending, every append that resolved is in the store afterwards, in
 * order per identity; while draining, nothing is missing that was not sent and acked, and nothing
 * whose ack resolved comes back.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { IdentityRef } from '../../../hub-core/core/index.js';
import { LevelStore } from '../../../hub-core/store/index.js';
import { Outbox, type OutboxEntry } from '../../../runtime/upstream/outbox.js';
import { telemetryItem } from '../../../runtime/upstream/outbox-test-kit.js';
import { distUrl, killLeftovers, runAndKill } from './child.js';

const TMP = join(process.cwd(), 'test', '.tmp', 'outbox', `kill9-${process.pid}`);
let n = 0;
const folder = (): string => join(TMP, `db-${n++}`);
const refKey = (r: IdentityRef): string => (r.moduleId === undefined ? r.deviceId : `${r.deviceId}/${r.moduleId}`);

async function openOutbox(dir: string): Promise<{ outbox: Outbox; close: () => Promise<void> }> {
  const store = new LevelStore(dir);
  await store.open();
  const outbox = await Outbox.open({ store: store.sublevel('outbox'), maxBytes: 1e10, ttlMs: 1e12, fullPolicy: 'reject' });
  return { outbox, close: async () => { await outbox.close(); await store.close(); } };
}

/** Leases everything, per identity, in order. */
async function leaseAll(outbox: Outbox): Promise<Map<string, OutboxEntry[]>> {
  const out = new Map<string, OutboxEntry[]>();
  for (const ref of outbox.identities()) out.set(refKey(ref), await outbox.lease(ref, 1_000_000));
  return out;
}

/** Per identity, seqs and outbox ids both strictly increase in lease order. */
function expectOrdered(byIdentity: Map<string, OutboxEntry[]>): void {
  for (const [ik, entries] of byIdentity) {
    const unordered = entries.filter((e, i) => i > 0 && (e.seq <= entries[i - 1]!.seq || e.id <= entries[i - 1]!.id));
    expect(unordered.map((e) => `${ik}#${e.seq}`)).toEqual([]);
    for (const e of entries) {
      expect(refKey(e.ref)).toBe(ik);
      expect(e.message.properties.n).toBe(String(e.seq));
      expect(new TextDecoder().decode(e.message.body).startsWith(`m${e.seq}x`)).toBe(true);
    }
  }
}

describe('outbox: kill -9', () => {
  let dist: string;
  beforeAll(() => {
    mkdirSync(TMP, { recursive: true });
    dist = distUrl();
  }, 300_000);
  afterEach(killLeftovers);
  afterAll(() => rmSync(TMP, { recursive: true, force: true }));

  test('while appending: every append that resolved is there after SIGKILL, in order per identity', async () => {
    const dir = folder();
    const run = await runAndKill(dist, dir, 'append', 'ack', 5000);
    expect(run.signal).toBe('SIGKILL');
    expect(run.resolved.length).toBeGreaterThanOrEqual(5000);

    const { outbox, close } = await openOutbox(dir);
    try {
      const byIdentity = await leaseAll(outbox);
      const present = new Set([...byIdentity.values()].flat().map((e) => e.seq));
      expect(run.resolved.filter((s) => !present.has(s))).toEqual([]);
      expectOrdered(byIdentity);
      expect(byIdentity.size).toBe(9);
      expect(outbox.stats()).toMatchObject({ recovered: present.size, corrupt: 0 });
      // Ids go on increasing after the restart.
      const maxId = Math.max(...[...byIdentity.values()].flat().map((e) => e.id));
      await outbox.append([telemetryItem({ deviceId: 'dev-0' }, 1e9)]);
      const after = (await outbox.lease({ deviceId: 'dev-0' }, 10)).map((e) => e.id);
      expect(after).toHaveLength(1);
      expect(after[0]).toBeGreaterThan(maxId);
    } finally {
      await close();
    }
  });

  test('while draining: nothing unsent is missing and no message whose ack resolved comes back', async () => {
    const dir = folder();
    const identities: IdentityRef[] = [...Array(8).keys()].map((i) => ({ deviceId: `dev-${i}` }));
    identities.push({ deviceId: 'dev-0', moduleId: 'mod!x' });
    const all: number[] = [];
    {
      const { outbox, close } = await openOutbox(dir);
      for (let batch = 0; batch < 120; batch++) {
        const items = [...Array(50).keys()].map((i) => {
          const seq = batch * 50 + i;
          all.push(seq);
          return telemetryItem(identities[(seq * 5) % identities.length]!, seq, { bodyBytes: 100 });
        });
        await outbox.append(items);
      }
      await close();
    }

    const run = await runAndKill(dist, dir, 'drain', 'acked', 2000);
    expect(run.signal).toBe('SIGKILL');

    const { outbox, close } = await openOutbox(dir);
    try {
      const byIdentity = await leaseAll(outbox);
      const remaining = new Set([...byIdentity.values()].flat().map((e) => e.seq));
      const acked = new Set(run.resolved);
      expect(run.resolved.filter((s) => remaining.has(s))).toEqual([]);
      // Gone without an "acked" line: only messages already sent whose ack resolved as the child
      // died, before it could print (at most the 4 batches in flight). Nothing else is missing.
      const sent = new Set(run.lines.get('sent'));
      const gone = all.filter((s) => !acked.has(s) && !remaining.has(s));
      expect(gone.filter((s) => !sent.has(s))).toEqual([]);
      expect(gone.length).toBeLessThanOrEqual(4 * 20);
      expect(remaining.size).toBeLessThan(all.length - 1999);
      expectOrdered(byIdentity);
    } finally {
      await close();
    }
  });
});
