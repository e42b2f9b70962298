/**
 * Frames ended by a delimiter (`\r\n` for NMEA and most text devices, `\n`, `;`, or any byte
 * sequence). A frame longer than `maxFrameBytes` (delimiter excluded) is dropped: reported once,
 * then everything up to the next delimiter is discarded, keeping only the `delimiter.length - 1`
 * tail bytes that may begin a delimiter split across chunks. Empty frames (two delimiters in a
 * row, a bare `\n` after `\r\n`) are skipped.
 */
import { joinBytes, newCounters, type Framer, type FrameSink } from './framer.js';

export interface DelimiterFramerOptions {
  /** The bytes that end a frame (at least one). */
  readonly delimiter: Buffer;
  /** Largest frame, delimiter excluded, bytes. */
  readonly maxFrameBytes: number;
  /** Keep the delimiter at the end of each frame. Default false. */
  readonly includeDelimiter?: boolean;
}

export class DelimiterFramer implements Framer {
  readonly counters = newCounters();
  private buffer: Buffer = Buffer.alloc(0);
  /** True while the rest of an oversized frame is being thrown away. */
  private discarding = false;

  constructor(private readonly options: DelimiterFramerOptions, private readonly sink: FrameSink) {
    if (options.delimiter.length === 0) throw new RangeError('the delimiter must have at least one byte');
    if (!(options.maxFrameBytes >= 1)) throw new RangeError('maxFrameBytes must be at least 1');
  }

  get bufferedBytes(): number {
    return this.buffer.length;
  }

  push(chunk: Uint8Array): void {
    const { delimiter, maxFrameBytes } = this.options;
    const data = joinBytes(this.buffer, chunk);
    let start = 0;
    // A delimiter may straddle the old buffer and the chunk: search from just before the seam.
    let from = Math.max(0, this.buffer.length - delimiter.length + 1);
    for (;;) {
      const at = data.indexOf(delimiter, from);
      if (at < 0) break;
      const length = at - start;
      if (this.discarding) {
        this.discarding = false;
        this.counters.bytesDropped += length + delimiter.length;
      } else if (length > maxFrameBytes) {
        this.tooLarge(length);
        this.counters.bytesDropped += length + delimiter.length;
      } else if (length > 0) {
        this.counters.frames++;
        this.sink.frame(Buffer.from(data.subarray(start, this.options.includeDelimiter === true ? at + delimiter.length : at)));
      }
      start = at + delimiter.length;
      from = start;
    }
    let rest = data.subarray(start);
    if (!this.discarding && rest.length > maxFrameBytes) {
      this.tooLarge(rest.length);
      this.discarding = true;
    }
    if (this.discarding) {
      const keep = Math.min(rest.length, delimiter.length - 1);
      this.counters.bytesDropped += rest.length - keep;
      rest = rest.subarray(rest.length - keep);
    }
    // Copy: a subarray would pin the whole chunk in memory.
    this.buffer = Buffer.from(rest);
  }

  reset(): void {
    this.counters.bytesDropped += this.buffer.length;
    this.buffer = Buffer.alloc(0);
    this.discarding = false;
  }

  private tooLarge(bytes: number): void {
    this.counters.framesTooLarge++;
    this.sink.tooLarge(bytes);
  }
}
