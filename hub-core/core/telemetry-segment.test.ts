import { describe, expect, it } from 'vitest';
import { decodeSegment, encodeSegment, SEGMENT_MAX_BYTES, SEGMENT_MAX_RECORDS, segmentCount, SegmentWriter } from './telemetry-segment.js';
import { createTestHub, textMessage } from './test-kit.js';
import type { StoredTelemetry } from './types.js';

async function collect(it: AsyncIterable<StoredTelemetry>): Promise<StoredTelemetry[]> {
  const out: StoredTelemetry[] = [];
  for await (const m of it) out.push(m);
  return out;
}

describe('telemetry segments: codec', () => {
  it('round-trips records, including empty and binary ones', () => {
    const records = [Uint8Array.of(), Uint8Array.of(0, 0xff, 10), new TextEncoder().encode('héllo')];
    const seg = encodeSegment(records);
    expect(segmentCount(seg)).toBe(3);
    expect(decodeSegment(seg).map((r) => [...r])).toEqual(records.map((r) => [...r]));
  });

  it('refuses a truncated segment with FH_STORE_CORRUPT', () => {
    const seg = encodeSegment([Uint8Array.of(1, 2, 3, 4)]);
    expect(() => decodeSegment(seg.subarray(0, seg.length - 1))).toThrowError(expect.objectContaining({ code: 'FH_STORE_CORRUPT' }));
    expect(() => segmentCount(Uint8Array.of(0))).toThrowError(expect.objectContaining({ code: 'FH_STORE_CORRUPT' }));
  });
});

describe('telemetry segments: writer', () => {
  it('writes the appends of one turn as one segment, and resolves each after the write', async () => {
    const writes: { first: number; count: number }[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const writer = new SegmentWriter(async (first, value) => { writes.push({ first, count: segmentCount(value) }); await gate; });
    let done = 0;
    const all = [1, 2, 3].map((seq) => writer.append(seq, Uint8Array.of(seq)).then(() => { done++; }));
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual([{ first: 1, count: 3 }]);
    expect(done).toBe(0);
    release();
    await Promise.all(all);
    expect(done).toBe(3);
  });

  it('starts a new segment past the record cap, keeping seq order', async () => {
    const writes: { first: number; count: number }[] = [];
    const writer = new SegmentWriter(async (first, value) => { writes.push({ first, count: segmentCount(value) }); });
    await Promise.all(Array.from({ length: SEGMENT_MAX_RECORDS + 5 }, (_, i) => writer.append(i + 1, Uint8Array.of(1))));
    expect(writes).toEqual([{ first: 1, count: SEGMENT_MAX_RECORDS }, { first: SEGMENT_MAX_RECORDS + 1, count: 5 }]);
  });

  it('rejects every append of a segment whose write failed', async () => {
    const writer = new SegmentWriter(async () => { throw Object.assign(new Error('disk'), { code: 'FH_STORE_IO' }); });
    const results = await Promise.allSettled([writer.append(1, Uint8Array.of(1)), writer.append(2, Uint8Array.of(2))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('telemetry segments: records written in place', () => {
  it('keeps every reserved record intact while the segment buffer grows', async () => {
    const values: Uint8Array[] = [];
    const writer = new SegmentWriter(async (_first, value) => { values.push(Uint8Array.from(value)); });
    // 40 records of 1000 bytes outgrow the first buffer (8 KiB) several times.
    const records = Array.from({ length: 40 }, (_, i) => Uint8Array.from({ length: 1000 }, (_, j) => (i * 7 + j) & 0xff));
    const done = records.map((r, i) => {
      const at = writer.reserve(i + 1, r.byteLength);
      writer.buffer.set(r, at);
      return writer.written;
    });
    await Promise.all(done);
    expect(values).toHaveLength(1);
    expect(decodeSegment(values[0]!).map((r) => [...r])).toEqual(records.map((r) => [...r]));
  });

  it('gives a record larger than the byte cap a segment of its own', async () => {
    const writes: { first: number; count: number; bytes: number }[] = [];
    const writer = new SegmentWriter(async (first, value) => { writes.push({ first, count: segmentCount(value), bytes: value.byteLength }); });
    const big = new Uint8Array(SEGMENT_MAX_BYTES + 10).fill(9);
    await Promise.all([writer.append(1, Uint8Array.of(1)), writer.append(2, big), writer.append(3, Uint8Array.of(3))]);
    expect(writes.map(({ first, count }) => ({ first, count }))).toEqual([{ first: 1, count: 1 }, { first: 2, count: 1 }, { first: 3, count: 1 }]);
    expect(writes[1]!.bytes).toBe(4 + 4 + big.byteLength);
  });

  it('settles each segment on its own write: a later failed segment does not fail an earlier one', async () => {
    const writer = new SegmentWriter(async (first) => { if (first > 1) throw Object.assign(new Error('disk'), { code: 'FH_STORE_IO' }); });
    const results = await Promise.allSettled(Array.from({ length: SEGMENT_MAX_RECORDS + 2 }, (_, i) => writer.append(i + 1, Uint8Array.of(i & 0xff))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(SEGMENT_MAX_RECORDS);
    expect(results.slice(SEGMENT_MAX_RECORDS).map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('refuses buffer and written before anything was reserved', () => {
    const writer = new SegmentWriter(async () => {});
    expect(() => writer.buffer).toThrow();
    expect(() => writer.written).toThrow();
  });
});

describe('telemetry segments: through the core', () => {
  it('reads from the middle of a segment, and a restart continues the seq after its last message', async () => {
    const first = await createTestHub();
    await first.hub.registry.createDevice({ deviceId: 'a' });
    await first.hub.registry.createDevice({ deviceId: 'b' });
    // Concurrent appends land in one segment.
    const stored = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      first.hub.telemetry.append({ deviceId: i % 2 === 0 ? 'a' : 'b' }, textMessage(`m${i + 1}`))));
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const fromMiddle = await collect(first.hub.telemetry.read({ afterSeq: 5 }));
    expect(fromMiddle.map((m) => new TextDecoder().decode(m.message.body))).toEqual(['m6', 'm7', 'm8', 'm9', 'm10']);
    const onlyB = await collect(first.hub.telemetry.read({ afterSeq: 2, deviceId: 'b', limit: 2 }));
    expect(onlyB.map((m) => m.seq)).toEqual([4, 6]);
    await first.hub.close();

    const second = await createTestHub({ store: first.store, clock: first.clock });
    expect(second.hub.telemetry.lastSeq()).toBe(10);
    const next = await second.hub.telemetry.append({ deviceId: 'a' }, textMessage('m11'));
    expect(next.seq).toBe(11);
    expect((await collect(second.hub.telemetry.read({ afterSeq: 9 }))).map((m) => m.seq)).toEqual([10, 11]);
    await second.hub.close();
  });

  it('the retention sweep drops whole expired segments and keeps newer ones', async () => {
    const { hub, clock } = await createTestHub({ limits: { telemetryRetentionMs: 60_000 } });
    await hub.registry.createDevice({ deviceId: 'a' });
    await Promise.all([1, 2, 3].map((i) => hub.telemetry.append({ deviceId: 'a' }, textMessage(`old${i}`))));
    await clock.advance(50_000);
    await hub.telemetry.append({ deviceId: 'a' }, textMessage('new'));
    await clock.advance(20_000);
    expect(await hub.telemetry.sweep()).toBe(3);
    expect((await collect(hub.telemetry.read())).map((m) => m.seq)).toEqual([4]);
    await hub.close();
  });
});
