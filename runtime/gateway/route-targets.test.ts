/**
 * The `$upstream` target: a pipeline batch larger than a small outbox quota goes in parts, and a
 * retried batch resumes after the last part the outbox took (nothing queued twice).
 */
import { describe, expect, it } from 'vitest';
import { createTestHub } from '../../hub-core/core/test-kit.js';
import { createRootLogger } from '../../hub-core/log.js';
import { MemoryStore } from '../../hub-core/store/memory.js';
import { isRuntimeError } from '../errors.js';
import { Outbox } from '../upstream/outbox.js';
import { telemetryItem } from '../upstream/outbox-test-kit.js';
import { RouteTargets } from './route-targets.js';

describe('RouteTargets: $upstream', () => {
  it('feeds a batch bigger than the quota in parts and resumes a retried batch where it stopped', async () => {
    const { hub } = await createTestHub();
    const store = new MemoryStore();
    await store.open();
    const outbox = await Outbox.open({ store, maxBytes: 65_536, ttlMs: 3_600_000, fullPolicy: 'reject' });
    const targets = await RouteTargets.open({ core: hub, outbox, sinks: {}, gatewayDeviceId: 'gw', logger: createRootLogger('silent') });
    const target = targets.targetFor({ kind: 'upstream' });
    const batch = Array.from({ length: 512 }, (_, i) => telemetryItem({ deviceId: 'd1' }, i + 1, { body: `m${i + 1}`.padEnd(200, '.') }));

    const first = await target.deliver(batch).then(() => undefined, (err: unknown) => err);
    expect(isRuntimeError(first, 'FH_OUTBOX_FULL')).toBe(true);
    expect((first as { retryable: boolean }).retryable).toBe(true);
    const taken = outbox.stats().messages;
    expect(taken).toBeGreaterThan(0);
    expect(taken).toBeLessThan(512);

    // The upstream takes everything queued; the pipeline retries the same batch.
    const seen: string[] = [];
    const drainAll = async (): Promise<void> => {
      for (;;) {
        const leased = await outbox.lease({ deviceId: 'd1' }, 1000);
        if (leased.length === 0) return;
        for (const e of leased) seen.push(Buffer.from(e.message.body).toString().replace(/\.+$/, ''));
        await outbox.ack(leased.map((e) => e.id));
      }
    };
    await drainAll();
    for (let attempt = 0; attempt < 20; attempt++) {
      const ok = await target.deliver(batch).then(() => true, (err: unknown) => (isRuntimeError(err, 'FH_OUTBOX_FULL') ? false : Promise.reject(err)));
      await drainAll();
      if (ok) break;
    }
    expect(seen).toEqual(batch.map((_, i) => `m${i + 1}`));
    await outbox.close();
    await hub.close();
  });
});
