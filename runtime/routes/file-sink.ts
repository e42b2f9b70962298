/**
 * The file sink: a local route target writing one JSON line per message to a rotating file.
 *
 * Line: `{"seq","deviceId","moduleId"?,"enqueuedTime","system","properties","body","bodyEncoding"}`;
 * `body` is the UTF-8 text when the contentType is text or JSON (and no other contentEncoding)
 * and the bytes are valid UTF-8 (`bodyEncoding: "utf8"`), else base64 (`"base64"`).
 *
 * Rotation: when a line would take the file past `maxBytes`, `name` becomes `name.1`, `name.1`
 * becomes `name.2`, … up to `name.<maxFiles>` (the oldest is deleted), so the sink never holds
 * more than (maxFiles + 1) × maxBytes (a single line longer than maxBytes gets a file of its own).
 * deliver() resolves once the lines are written to the OS (with `fsync`, on disk). A failed or
 * interrupted write (kill -9) can leave a torn last line: the file is reopened and cut back to
 * its last complete line before the next write, and the pipeline retries the batch (at-least-once:
 * lines may repeat, none is lost or torn).
 */
import { mkdir, open, rename, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StoredTelemetry } from '../../hub-core/core/types.js';
import { RuntimeError } from '../errors.js';
import { isUtf8TextBody } from './message-body.js';
import type { RouteTarget } from './pipeline.js';

/** Options of {@link FileSink.open}. */
export interface FileSinkOptions {
  /** The active file; rotated files are `<path>.1` (newest) … `<path>.<maxFiles>`. */
  path: string;
  /** Largest size of one file, bytes. */
  maxBytes: number;
  /** Rotated files kept (at least 1). */
  maxFiles: number;
  /** fsync after each batch (survives a power cut). Default false (written to the OS: survives kill -9). */
  fsync?: boolean;
}

/** One line of the file, parsed. */
export interface FileSinkLine {
  seq: number;
  deviceId: string;
  moduleId?: string;
  enqueuedTime?: string;
  system: Record<string, string>;
  properties: Record<string, string>;
  body: string;
  bodyEncoding: 'utf8' | 'base64';
}

/** Counters for health. */
export interface FileSinkStats {
  path: string;
  /** Bytes in the active file. */
  bytes: number;
  lines: number;
  rotations: number;
}

/** The JSON line (with its newline) for one message. */
export function fileSinkLine(item: StoredTelemetry): string {
  const { message } = item;
  const text = isUtf8TextBody(message.system, message.body);
  const line: FileSinkLine = {
    seq: item.seq,
    deviceId: item.deviceId,
    ...(item.moduleId === undefined ? {} : { moduleId: item.moduleId }),
    ...(message.system.enqueuedTime === undefined ? {} : { enqueuedTime: message.system.enqueuedTime }),
    system: message.system as Record<string, string>,
    properties: message.properties,
    body: Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength).toString(text ? 'utf8' : 'base64'),
    bodyEncoding: text ? 'utf8' : 'base64',
  };
  return `${JSON.stringify(line)}\n`;
}

const TAIL_CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

/** Size of `fh`'s content up to and including its last newline (0 when none). */
async function completeLength(fh: FileHandle, size: number): Promise<number> {
  const buf = Buffer.allocUnsafe(TAIL_CHUNK);
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - TAIL_CHUNK);
    const { bytesRead } = await fh.read(buf, 0, end - start, start);
    const at = buf.subarray(0, bytesRead).lastIndexOf(NEWLINE);
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}

function isMissing(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 'ENOENT';
}

/** A rotating JSON-lines file; a {@link RouteTarget}. */
export class FileSink implements RouteTarget {
  readonly #o: Required<FileSinkOptions>;
  #fh: FileHandle | undefined;
  #size = 0;
  #lines = 0;
  #rotations = 0;
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(options: FileSinkOptions) {
    if (typeof options.path !== 'string' || options.path === '') throw new TypeError('FileSink: path is required');
    if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 1) throw new RangeError('FileSink: maxBytes must be a positive integer');
    if (!Number.isSafeInteger(options.maxFiles) || options.maxFiles < 1) throw new RangeError('FileSink: maxFiles must be a positive integer');
    this.#o = { fsync: false, ...options };
  }

  /** Opens (creating the folder and file) and repairs a torn last line. FH_SINK_FAILED when it cannot. */
  static async open(options: FileSinkOptions): Promise<FileSink> {
    const sink = new FileSink(options);
    try {
      await sink.#reopen();
    } catch (err) {
      throw sink.#failure(err);
    }
    return sink;
  }

  /** Appends one line per item, rotating as needed. FH_SINK_FAILED (retryable) when the file cannot be written. */
  deliver(items: readonly StoredTelemetry[]): Promise<void> {
    const run = this.#chain.then(() => this.#write(items));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Waits for writes in progress and closes the file. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#chain;
    const fh = this.#fh;
    this.#fh = undefined;
    await fh?.close();
  }

  stats(): FileSinkStats {
    return { path: this.#o.path, bytes: this.#size, lines: this.#lines, rotations: this.#rotations };
  }

  #failure(err: unknown): RuntimeError {
    const detail = err instanceof Error ? err.message : String(err);
    return new RuntimeError('FH_SINK_FAILED', `file sink ${this.#o.path}: ${detail}`, { cause: err, retryable: true });
  }

  /** Opens the active file for appending, first cutting a torn last line (a crash or failed write). */
  async #reopen(): Promise<void> {
    await mkdir(dirname(this.#o.path), { recursive: true });
    let size = 0;
    try {
      size = (await stat(this.#o.path)).size;
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
    if (size > 0) {
      const fh = await open(this.#o.path, 'r+');
      try {
        const complete = await completeLength(fh, size);
        if (complete < size) await fh.truncate(complete);
        size = complete;
      } finally {
        await fh.close();
      }
    }
    this.#fh = await open(this.#o.path, 'a');
    this.#size = size;
  }

  async #write(items: readonly StoredTelemetry[]): Promise<void> {
    if (this.#closed) throw new RuntimeError('FH_SINK_FAILED', `file sink ${this.#o.path} is closed`, { retryable: true });
    try {
      if (this.#fh === undefined) await this.#reopen();
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      for (const item of items) {
        const line = Buffer.from(fileSinkLine(item), 'utf8');
        const used = this.#size + pendingBytes;
        if (used > 0 && used + line.length > this.#o.maxBytes) {
          await this.#append(pending, pendingBytes);
          pending = [];
          pendingBytes = 0;
          await this.#rotate();
        }
        pending.push(line);
        pendingBytes += line.length;
      }
      await this.#append(pending, pendingBytes);
      if (this.#o.fsync) await (this.#fh as FileHandle).sync();
      this.#lines += items.length;
    } catch (err) {
      // Reopen on the next call: that cuts whatever part of a line this left behind.
      const fh = this.#fh;
      this.#fh = undefined;
      await fh?.close().catch(() => undefined);
      throw this.#failure(err);
    }
  }

  async #append(buffers: Buffer[], bytes: number): Promise<void> {
    if (bytes === 0) return;
    const fh = this.#fh as FileHandle;
    const data = buffers.length === 1 ? buffers[0] as Buffer : Buffer.concat(buffers, bytes);
    for (let done = 0; done < data.length;) {
      const { bytesWritten } = await fh.write(data, done, data.length - done);
      done += bytesWritten;
    }
    this.#size += bytes;
  }

  async #rotate(): Promise<void> {
    const fh = this.#fh as FileHandle;
    if (this.#o.fsync) await fh.sync();
    this.#fh = undefined;
    await fh.close();
    const { path, maxFiles } = this.#o;
    for (let k = maxFiles - 1; k >= 1; k--) {
      try {
        await rename(`${path}.${k}`, `${path}.${k + 1}`); // replaces the oldest
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
    }
    await rename(path, `${path}.1`);
    this.#fh = await open(path, 'a');
    this.#size = 0;
    this.#rotations++;
  }
}
