/**
 * What every framer is: a push-driven cutter of a byte stream into frames (Transform-like, but a
 * plain class so it is pure and testable with chunked input and a fake clock). Each framer holds
 * at most `maxFrameBytes` of a frame in progress: bytes of a frame that grows past the bound are
 * dropped (the frame is reported once through `tooLarge` and counted), so garbage without
 * delimiters never grows memory.
 */

/** Where a framer delivers its output. */
export interface FrameSink {
  /** A complete frame (a copy: the framer keeps no reference to it). */
  frame(frame: Buffer): void;
  /** A frame exceeded the bound and is being dropped; `bytes` is its size when it was detected. */
  tooLarge(bytes: number): void;
}

/** Counters of one framer. */
export interface FramerCounters {
  /** Frames delivered. */
  frames: number;
  /** Frames dropped for exceeding `maxFrameBytes` (one per frame, however long it ran on). */
  framesTooLarge: number;
  /** Bytes thrown away: oversized frames, bytes before a sync pattern, partial frames at a reset. */
  bytesDropped: number;
}

export interface Framer {
  /** Feeds bytes as they arrived (any chunking). */
  push(chunk: Uint8Array): void;
  /** Drops a frame in progress (the port was lost or closed) and cancels timers; counted as dropped. */
  reset(): void;
  /** Bytes held for the frame in progress (never more than the framer's bound). */
  readonly bufferedBytes: number;
  readonly counters: FramerCounters;
}

export function newCounters(): FramerCounters {
  return { frames: 0, framesTooLarge: 0, bytesDropped: 0 };
}

/** `a` followed by `b` (no copy when one is empty). */
export function joinBytes(a: Buffer, b: Uint8Array): Buffer {
  if (a.length === 0) return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (b.length === 0) return a;
  return Buffer.concat([a, b]);
}

/**
 * Drops bytes before `sync` at the start of `data`. Returns the aligned data and how many bytes
 * were dropped; with no sync in sight, keeps only the tail that could start one.
 */
export function alignToSync(data: Buffer, sync: Buffer): { data: Buffer; dropped: number } {
  if (sync.length === 0 || data.subarray(0, sync.length).equals(sync.subarray(0, Math.min(sync.length, data.length)))) {
    return { data, dropped: 0 };
  }
  const at = data.indexOf(sync, 1);
  if (at >= 0) return { data: data.subarray(at), dropped: at };
  // No full sync: keep the longest tail that is a prefix of it (it may complete with the next chunk).
  for (let keep = Math.min(sync.length - 1, data.length - 1); keep > 0; keep--) {
    if (data.subarray(data.length - keep).equals(sync.subarray(0, keep))) return { data: data.subarray(data.length - keep), dropped: data.length - keep };
  }
  return { data: data.subarray(data.length), dropped: data.length };
}
