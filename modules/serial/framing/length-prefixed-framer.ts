/**
 * Frames that carry their own length: `lengthOffset` header bytes, a 1- or 2-byte length field
 * (BE or LE), then `length + lengthAdjustment` bytes; `stripBytes` leading bytes are cut from what
 * is delivered. These are the parameters of Netty's LengthFieldBasedFrameDecoder (lengthFieldOffset,
 * lengthFieldLength, lengthAdjustment, initialBytesToStrip), which cover the usual layouts: a
 * length that counts only the payload (adjustment 0), one that also counts a trailing CRC
 * (adjustment +2), one that counts the whole frame (adjustment −offset−lengthBytes).
 * A length that implies more than `maxFrameBytes` is reported as too large and the framer slides
 * one byte on to find the next frame start (to the next `sync` pattern when one is given), so a
 * corrupted length never makes it wait for or buffer more than the bound.
 */
import { alignToSync, joinBytes, newCounters, type Framer, type FrameSink } from './framer.js';

export interface LengthPrefixedFramerOptions {
  /** Header bytes before the length field. Default 0. */
  readonly lengthOffset: number;
  readonly lengthBytes: 1 | 2;
  /** Byte order of a 2-byte length. Default BE. */
  readonly byteOrder: 'BE' | 'LE';
  /** Added to the length field to get the bytes that follow it. Default 0. */
  readonly lengthAdjustment: number;
  /** Leading bytes cut from each delivered frame (e.g. offset + lengthBytes: payload only). Default 0. */
  readonly stripBytes: number;
  /** Largest whole frame (header, length field and body), bytes. */
  readonly maxFrameBytes: number;
  /** Bytes every frame starts with (inside the header). */
  readonly sync?: Buffer;
}

export class LengthPrefixedFramer implements Framer {
  readonly counters = newCounters();
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly options: LengthPrefixedFramerOptions, private readonly sink: FrameSink) {
    if (options.lengthOffset < 0 || options.stripBytes < 0) throw new RangeError('lengthOffset and stripBytes must not be negative');
    if (options.sync !== undefined && options.sync.length > options.lengthOffset) throw new RangeError('sync must fit in the header (lengthOffset bytes)');
  }

  get bufferedBytes(): number {
    return this.buffer.length;
  }

  push(chunk: Uint8Array): void {
    const o = this.options;
    const head = o.lengthOffset + o.lengthBytes;
    let data = joinBytes(this.buffer, chunk);
    for (;;) {
      if (o.sync !== undefined) {
        const aligned = alignToSync(data, o.sync);
        this.counters.bytesDropped += aligned.dropped;
        data = aligned.data;
      }
      if (data.length < head) break;
      const field = o.lengthBytes === 1 ? data[o.lengthOffset]! : o.byteOrder === 'BE' ? data.readUInt16BE(o.lengthOffset) : data.readUInt16LE(o.lengthOffset);
      const total = head + field + o.lengthAdjustment;
      if (total > o.maxFrameBytes || total < head) {
        // A length we cannot take (too large, or shorter than its own header): not a frame start.
        if (total > o.maxFrameBytes) {
          this.counters.framesTooLarge++;
          this.sink.tooLarge(total);
        }
        this.counters.bytesDropped++;
        data = data.subarray(1);
        continue;
      }
      if (data.length < total) break;
      // A frame with nothing left after the strip (an empty payload) is consumed, not delivered.
      if (total > o.stripBytes) {
        this.counters.frames++;
        this.sink.frame(Buffer.from(data.subarray(o.stripBytes, total)));
      }
      data = data.subarray(total);
    }
    this.buffer = Buffer.from(data);
  }

  reset(): void {
    this.counters.bytesDropped += this.buffer.length;
    this.buffer = Buffer.alloc(0);
  }
}
