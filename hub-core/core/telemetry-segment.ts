/**
 * Telemetry segments: the messages appended in one event-loop turn are stored as ONE store entry
 * keyed by the seq of its first message. The store then pays its per-operation cost (key
 * encoding, batch bookkeeping, LevelDB's write path) once per turn instead of once per message,
 * which was most of the hub's CPU per message under load (measured with the mqtt-ingest bench).
 *
 *   [0..4)  record count n, uint32 BE
 *   then n times: [uint32 BE length][record bytes]   (records as telemetry-codec encodes them)
 *
 * Message i of a segment whose key is seqKey(first) has seq first + i.
 */
import { HubError } from '../errors.js';

/** Segments close at this many records or bytes; a single larger record still gets its own. */
export const SEGMENT_MAX_RECORDS = 1024;
export const SEGMENT_MAX_BYTES = 1 << 20;

/** Concatenates encoded records into one segment value. */
export function encodeSegment(records: readonly Uint8Array[]): Uint8Array {
  let size = 4;
  for (const r of records) size += 4 + r.byteLength;
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32BE(records.length, 0);
  let at = 4;
  for (const r of records) {
    out.writeUInt32BE(r.byteLength, at);
    out.set(r, at + 4);
    at += 4 + r.byteLength;
  }
  return out;
}

/** The records of a segment, as views into `bytes` (no copies). FH_STORE_CORRUPT when damaged. */
export function decodeSegment(bytes: Uint8Array): Uint8Array[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 4) throw new HubError('FH_STORE_CORRUPT', 'stored telemetry segment is truncated');
  const count = buf.readUInt32BE(0);
  const records: Uint8Array[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (at + 4 > buf.length) throw new HubError('FH_STORE_CORRUPT', 'stored telemetry segment is truncated');
    const len = buf.readUInt32BE(at);
    if (at + 4 + len > buf.length) throw new HubError('FH_STORE_CORRUPT', 'stored telemetry record is truncated');
    records.push(buf.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return records;
}

/** Number of records in a segment, read from its header only. */
export function segmentCount(bytes: Uint8Array): number {
  if (bytes.byteLength < 4) throw new HubError('FH_STORE_CORRUPT', 'stored telemetry segment is truncated');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32BE(0);
}

interface OpenSegment {
  first: number;
  records: Uint8Array[];
  bytes: number;
  waiters: { resolve: () => void; reject: (err: unknown) => void }[];
}

/**
 * Collects records appended in the same event-loop turn into segments and writes each with
 * `write(firstSeq, value)`. Every append resolves once the segment holding it is written.
 * Segments are handed to `write` in seq order; the group committer keeps that order.
 */
export class SegmentWriter {
  private open: OpenSegment | undefined;
  private scheduled = false;

  constructor(private readonly write: (firstSeq: number, value: Uint8Array) => Promise<void>) {}

  /** Adds the record with sequence number `seq` (consecutive with the previous call's). */
  append(seq: number, record: Uint8Array): Promise<void> {
    let seg = this.open;
    if (seg === undefined || seg.records.length >= SEGMENT_MAX_RECORDS || seg.bytes + record.byteLength > SEGMENT_MAX_BYTES) {
      if (seg !== undefined) this.flush(seg);
      seg = { first: seq, records: [], bytes: 0, waiters: [] };
      this.open = seg;
    }
    seg.records.push(record);
    seg.bytes += record.byteLength;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        if (this.open !== undefined) this.flush(this.open);
      });
    }
    const target = seg;
    return new Promise<void>((resolve, reject) => target.waiters.push({ resolve, reject }));
  }

  private flush(seg: OpenSegment): void {
    if (this.open === seg) this.open = undefined;
    this.write(seg.first, encodeSegment(seg.records)).then(
      () => { for (const w of seg.waiters) w.resolve(); },
      (err: unknown) => { for (const w of seg.waiters) w.reject(err); },
    );
  }
}
