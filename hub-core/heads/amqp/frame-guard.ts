/**
 * Checks the byte stream a client sends before rhea sees it. rhea trusts frame sizes: a size
 * below 8 makes it loop or throw deep inside its reader, a huge size makes it buffer until the
 * announced length arrives, and a multi-frame delivery is reassembled without limit. The guard
 * rejects those on their headers so one bad peer costs one connection and bounded memory.
 *
 * Rules: protocol headers `AMQP 0 1 0 0` or `AMQP 3 1 0 0` (SASL, then `AMQP 0 1 0 0` once SASL
 * is done) [AMQP 2.2]; frames of 8 bytes up to `maxFrameBytes` with a data offset of at least 2
 * words [AMQP 2.3.1]; bytes of unfinished multi-frame deliveries at most `maxIncompleteBytes`.
 */
import { scanTransfer } from './frame-scan.js';

/** Why the stream was refused. */
export type GuardViolation = 'protocol-header' | 'frame-size' | 'data-offset' | 'delivery-size';

export interface FrameGuardLimits {
  /** Largest frame accepted, bytes (the max-frame-size the hub advertises). */
  maxFrameBytes: number;
  /** Bytes of transfer frames of not yet complete deliveries, per connection. */
  maxIncompleteBytes: number;
}

const HEADER_BYTES = 8;
const FRAME_HEADER_BYTES = 8;
/** Enough of a frame body to hold a transfer performative (the fields the guard reads). */
const PERFORMATIVE_PEEK = 96;
const AMQP = [0x41, 0x4d, 0x51, 0x50];

export class FrameGuard {
  /** Expecting a protocol header (at the start, and after SASL). */
  private expectHeader = true;
  private sasl = false;
  /** Bytes of the current header or frame prefix being collected. */
  private acc: number[] = [];
  /** Bytes the current prefix needs before it can be judged. */
  private need = HEADER_BYTES;
  /** Bytes of the current frame still to pass unread. */
  private skip = 0;
  private frameSize = 0;
  private readonly incomplete = new Map<string, number>();
  private incompleteTotal = 0;
  /** The first violation; once set every later chunk is refused too. */
  violation: { kind: GuardViolation; detail: string } | undefined;

  constructor(private readonly limits: FrameGuardLimits) {}

  /** Inspects the next chunk; true when it may be passed on. */
  accept(chunk: Uint8Array): boolean {
    if (this.violation !== undefined) return false;
    let p = 0;
    while (p < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - p);
        this.skip -= n;
        p += n;
        continue;
      }
      const n = Math.min(this.need - this.acc.length, chunk.length - p);
      for (let i = 0; i < n; i++) this.acc.push(chunk[p + i] ?? 0);
      p += n;
      if (this.acc.length < this.need) break;
      if (!this.judge()) return false;
    }
    return true;
  }

  /** The collected prefix is complete: check it and decide what comes next. */
  private judge(): boolean {
    const b = Uint8Array.from(this.acc);
    if (this.expectHeader || (this.sasl && this.acc.length === FRAME_HEADER_BYTES && AMQP.every((x, i) => b[i] === x))) {
      return this.judgeHeader(b);
    }
    if (this.acc.length === FRAME_HEADER_BYTES) {
      const size = ((b[0] ?? 0) << 24 >>> 0) + ((b[1] ?? 0) << 16) + ((b[2] ?? 0) << 8) + (b[3] ?? 0);
      const doff = b[4] ?? 0;
      if (size < FRAME_HEADER_BYTES || size > this.limits.maxFrameBytes) return this.refuse('frame-size', `frame of ${size} bytes`);
      if (doff < 2 || doff * 4 > size) return this.refuse('data-offset', `data offset ${doff}`);
      this.frameSize = size;
      // AMQP frames (type 0) with a body may be transfers: read the performative first.
      if (b[5] === 0x00 && size > doff * 4) {
        this.need = Math.min(size, doff * 4 + PERFORMATIVE_PEEK);
        if (this.need > this.acc.length) return true;
      }
    }
    if (!this.account(b)) return false;
    this.skip = this.frameSize - this.acc.length;
    this.acc = [];
    this.need = FRAME_HEADER_BYTES;
    return true;
  }

  private judgeHeader(b: Uint8Array): boolean {
    const amqp = AMQP.every((x, i) => b[i] === x) && b[5] === 1 && b[6] === 0 && b[7] === 0;
    const id = b[4];
    // SASL may come first, once; after it only the AMQP header is valid.
    const allowed = this.sasl ? id === 0 : id === 0 || id === 3;
    if (!amqp || !allowed) return this.refuse('protocol-header', 'not an AMQP 1.0 protocol header');
    this.sasl = id === 3;
    this.expectHeader = false;
    this.acc = [];
    this.need = FRAME_HEADER_BYTES;
    return true;
  }

  /** Tracks bytes of unfinished multi-frame deliveries per channel and link handle. */
  private account(b: Uint8Array): boolean {
    const doff = b[4] ?? 0;
    if (b[5] !== 0x00 || b.length <= doff * 4) return true;
    const transfer = scanTransfer(b.subarray(doff * 4));
    if (transfer === undefined) return true;
    const key = `${((b[6] ?? 0) << 8) + (b[7] ?? 0)}:${transfer.handle}`;
    const held = this.incomplete.get(key) ?? 0;
    if (!transfer.more) {
      this.incomplete.delete(key);
      this.incompleteTotal -= held;
      return true;
    }
    this.incomplete.set(key, held + this.frameSize);
    this.incompleteTotal += this.frameSize;
    if (this.incompleteTotal > this.limits.maxIncompleteBytes) {
      return this.refuse('delivery-size', `unfinished deliveries exceed ${this.limits.maxIncompleteBytes} bytes`);
    }
    return true;
  }

  private refuse(kind: GuardViolation, detail: string): false {
    this.violation = { kind, detail };
    return false;
  }
}
