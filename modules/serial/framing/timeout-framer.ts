/**
 * Frames ended by silence: a frame is what arrived until no byte came for `silenceMs` (devices that
 * send one binary or text burst per reading with no delimiter). The bound is `maxFrameBytes`: a
 * burst that grows past it is reported once and the rest of it, up to the next silence, is
 * dropped. Time comes from a {@link Clock}, so tests drive it with a fake one.
 */
import type { Clock, TimerHandle } from '../clock.js';
import { newCounters, type Framer, type FrameSink } from './framer.js';

export interface TimeoutFramerOptions {
  /** Silence that ends a frame, ms. */
  readonly silenceMs: number;
  readonly maxFrameBytes: number;
}

export class TimeoutFramer implements Framer {
  readonly counters = newCounters();
  private parts: Buffer[] = [];
  private size = 0;
  private discarding = false;
  private timer: TimerHandle | undefined;

  constructor(private readonly options: TimeoutFramerOptions, private readonly sink: FrameSink, private readonly clock: Clock) {
    if (!(options.silenceMs > 0)) throw new RangeError('silenceMs must be positive');
    if (!(options.maxFrameBytes >= 1)) throw new RangeError('maxFrameBytes must be at least 1');
  }

  get bufferedBytes(): number {
    return this.size;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.discarding) {
      this.counters.bytesDropped += chunk.length;
    } else if (this.size + chunk.length > this.options.maxFrameBytes) {
      this.counters.framesTooLarge++;
      this.sink.tooLarge(this.size + chunk.length);
      this.counters.bytesDropped += this.size + chunk.length;
      this.parts = [];
      this.size = 0;
      this.discarding = true;
    } else {
      this.parts.push(Buffer.from(chunk));
      this.size += chunk.length;
    }
    this.timer?.cancel();
    this.timer = this.clock.setTimeout(() => this.silence(), this.options.silenceMs);
  }

  reset(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.counters.bytesDropped += this.size;
    this.parts = [];
    this.size = 0;
    this.discarding = false;
  }

  private silence(): void {
    this.timer = undefined;
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    if (this.size === 0) return;
    const frame = Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    this.counters.frames++;
    this.sink.frame(frame);
  }
}
