/**
 * Frames of a fixed size (binary sensors that send N-byte records). With `sync`, every frame must
 * start with those bytes: bytes before it are dropped and counted, so the framer realigns after
 * noise or a reconnect in mid-frame. Without `sync`, alignment is taken on trust from the first
 * byte after the port opened.
 */
import { alignToSync, joinBytes, newCounters, type Framer, type FrameSink } from './framer.js';

export interface FixedLengthFramerOptions {
  /** Bytes per frame (sync included). */
  readonly length: number;
  /** Bytes every frame starts with. */
  readonly sync?: Buffer;
}

export class FixedLengthFramer implements Framer {
  readonly counters = newCounters();
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly options: FixedLengthFramerOptions, private readonly sink: FrameSink) {
    if (!Number.isInteger(options.length) || options.length < 1) throw new RangeError('length must be a positive integer');
    if (options.sync !== undefined && options.sync.length > options.length) throw new RangeError('sync is longer than the frame');
  }

  get bufferedBytes(): number {
    return this.buffer.length;
  }

  push(chunk: Uint8Array): void {
    let data = joinBytes(this.buffer, chunk);
    const { length, sync } = this.options;
    for (;;) {
      if (sync !== undefined) {
        const aligned = alignToSync(data, sync);
        this.counters.bytesDropped += aligned.dropped;
        data = aligned.data;
      }
      if (data.length < length) break;
      this.counters.frames++;
      this.sink.frame(Buffer.from(data.subarray(0, length)));
      data = data.subarray(length);
    }
    this.buffer = Buffer.from(data);
  }

  reset(): void {
    this.counters.bytesDropped += this.buffer.length;
    this.buffer = Buffer.alloc(0);
  }
}
