/**
 * Telemetry segments: the messages appended in one event-loop turn are stored as ONE store entry
 * keyed by the seq of its first message. The store then pays its per-operation cost (key
 * encoding, batch bookkeeping, LevelDB's write path) once per turn instead of once per message,
 * which was most of the hub's CPU per message under load (measured with the mqtt-ingest bench).
 *
 *   [0..4)  record count n, uint32 BE
 *   then n times: [uint32 BE length][record bytes]   (records as telemetry-codec encodes them)
 *
 * Message i of a segment whose key is seqKey(first) has seq first + i. The writer builds this
 * layout in place, records encoded straight into it ({@link SegmentWriter.reserve});
 * {@link encodeSegment} builds it from separate records.
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

/** Smallest buffer a segment starts with; it grows by doubling (up to the byte cap). */
const MIN_SEGMENT_BUFFER = 8 * 1024;

interface OpenSegment {
  first: number;
  count: number;
  /** Record bytes, without the length prefixes: what SEGMENT_MAX_BYTES bounds. */
  bytes: number;
  /** The segment value being built: the count (set on flush), then [length][record]... */
  buf: Buffer;
  used: number;
  /**
   * Settles once the segment is written. Every record of the segment shares this one promise:
   * a promise and a waiter per message were a measurable share of the ingest CPU (and GC).
   */
  written: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Collects records appended in the same event-loop turn into segments and writes each with
 * `write(firstSeq, value)`. Every record's promise resolves once the segment holding it is
 * written. Segments are handed to `write` in seq order; the group committer keeps that order.
 * Records are written straight into the segment's buffer (see {@link reserve}), which is never
 * touched again once handed to `write`.
 */
export class SegmentWriter {
  private open: OpenSegment | undefined;
  private scheduled = false;
  /** Bytes of the last segment: the next starts with half as much again, so it rarely grows. */
  private lastUsed = MIN_SEGMENT_BUFFER;

  constructor(private readonly write: (firstSeq: number, value: Uint8Array) => Promise<void>) {}

  /** Adds a record: {@link reserve} plus a copy, then the (shared) promise of its segment. */
  append(seq: number, record: Uint8Array): Promise<void> {
    const at = this.reserve(seq, record.byteLength);
    this.buffer.set(record, at);
    return this.written;
  }

  /**
   * Makes room for the `size`-byte record with sequence number `seq` (consecutive with the previous
   * call's) and returns its offset in {@link buffer}. The caller writes the record there at once,
   * before it yields: the segment is written on the next turn. This lets the codec encode into the
   * segment, with no buffer per message and no copy of every record into the segment.
   */
  reserve(seq: number, size: number): number {
    let seg = this.open;
    if (seg === undefined || seg.count >= SEGMENT_MAX_RECORDS || seg.bytes + size > SEGMENT_MAX_BYTES) {
      if (seg !== undefined) this.flush(seg);
      seg = this.start(seq, size);
    } else if (seg.used + 4 + size > seg.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * seg.buf.length, seg.used + 4 + size));
      seg.buf.copy(grown, 0, 0, seg.used);
      seg.buf = grown;
    }
    seg.buf.writeUInt32BE(size, seg.used);
    const at = seg.used + 4;
    seg.used = at + size;
    seg.count++;
    seg.bytes += size;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        if (this.open !== undefined) this.flush(this.open);
      });
    }
    return at;
  }

  /** The buffer holding the record last reserved (valid until the next reserve). */
  get buffer(): Buffer {
    return this.current().buf;
  }

  /**
   * Settles once the segment holding the record last reserved is written (rejects if that write
   * fails). Shared by every record of the segment: await or chain on it, never compare it.
   */
  get written(): Promise<void> {
    return this.current().written;
  }

  private current(): OpenSegment {
    if (this.open === undefined) throw new Error('SegmentWriter: nothing reserved in this turn');
    return this.open;
  }

  private start(first: number, size: number): OpenSegment {
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const written = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const buf = Buffer.allocUnsafe(Math.max(MIN_SEGMENT_BUFFER, this.lastUsed + (this.lastUsed >>> 1), 8 + size));
    const seg: OpenSegment = { first, count: 0, bytes: 0, buf, used: 4, written, resolve, reject };
    this.open = seg;
    return seg;
  }

  private flush(seg: OpenSegment): void {
    if (this.open === seg) this.open = undefined;
    seg.buf.writeUInt32BE(seg.count, 0);
    this.lastUsed = seg.used;
    this.write(seg.first, seg.buf.subarray(0, seg.used)).then(seg.resolve, seg.reject);
  }
}
