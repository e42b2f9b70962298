/**
 * One configured port at work: its {@link SerialLink} feeds the framer, each frame goes through
 * the parser to the listeners (the devices), and writes are queued one at a time (bounded,
 * `maxPendingWrites`; a write may wait for the next frame as its reply). Frames too large and
 * frames that do not parse are dropped and counted, with the last one's coded error kept for the
 * health and a warning logged at most every 10 s per code, so a babbling line cannot flood the
 * log. A partial frame is discarded when the port is lost.
 */
import type { Logger } from '../../runtime/modules/api.js';
import { ModuleError, type ModuleErrorCode } from '../errors.js';
import type { Clock, TimerHandle } from './clock.js';
import type { Framer } from './framing/framer.js';
import { FrameParseError, type FrameParser, type ParsedFrame, type ParseFailure } from './parsing/parser.js';
import { SerialLink, type LineSettings, type LinkState, type SerialFactory } from './serial-link.js';
import type { WriteRequest } from './writes.js';

/** What a write answered. */
export interface WriteResult {
  bytesWritten: number;
  /** The next frame after the write, when a reply was asked for. */
  reply?: { text: string; hex: string; fields?: Record<string, unknown>; error?: { code: string; message: string } };
}

export interface PortCounters {
  /** Frames cut by the framer. */
  frames: number;
  /** Frames that parsed to fields. */
  parsed: number;
  /** Frames that carried nothing (blank, filtered sentence types). */
  ignored: number;
  parseErrors: Record<ParseFailure, number>;
  writes: number;
  writeFailures: number;
}

/** The last frame or parse problem, for the health. */
export interface FrameProblem {
  readonly code: ModuleErrorCode;
  readonly message: string;
  readonly at: string;
}

export interface PortRunnerOptions {
  readonly name: string;
  readonly settings: LineSettings;
  readonly makeFramer: (sink: { frame(f: Buffer): void; tooLarge(bytes: number): void }) => Framer;
  readonly parser: FrameParser;
  readonly factory: SerialFactory;
  readonly clock: Clock;
  readonly reopen: { readonly minDelayMs: number; readonly maxDelayMs: number };
  readonly maxPendingWrites: number;
  readonly logger: Logger;
  /** Link state changed (`state`) or counters/problems moved (`counters`). */
  readonly onChange: (what: 'state' | 'counters') => void;
}

const LOG_EVERY_MS = 10_000;

export class PortRunner {
  readonly link: SerialLink;
  readonly framer: Framer;
  readonly counters: PortCounters = { frames: 0, parsed: 0, ignored: 0, parseErrors: { syntax: 0, checksum: 0, nomatch: 0 }, writes: 0, writeFailures: 0 };
  /** Frames in a row that were too large or did not parse (0 after a good one). */
  consecutiveBadFrames = 0;
  lastProblem: FrameProblem | undefined;
  private readonly listeners: ((frame: ParsedFrame) => void)[] = [];
  private readonly loggedAt = new Map<string, number>();
  private replyWaiter: ((frame: Buffer, parsed: ParsedFrame | undefined, error: FrameParseError | undefined) => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private pendingWrites = 0;

  constructor(private readonly o: PortRunnerOptions) {
    this.framer = o.makeFramer({ frame: (f) => this.onFrame(f), tooLarge: (n) => this.onTooLarge(n) });
    this.link = new SerialLink({
      name: o.name, settings: o.settings, factory: o.factory, clock: o.clock, reopen: o.reopen, logger: o.logger,
      onData: (chunk) => this.framer.push(chunk),
      onState: (state) => this.onLinkState(state),
    });
  }

  get name(): string {
    return this.o.name;
  }

  /** Delivers every parsed frame to `listener`. */
  onParsed(listener: (frame: ParsedFrame) => void): void {
    this.listeners.push(listener);
  }

  /** Opens the port; resolves after the first attempt (a failure is retried in the background). */
  start(): Promise<void> {
    return this.link.start();
  }

  async close(): Promise<void> {
    await this.link.close();
    this.framer.reset();
  }

  /** Queues a write; FH_SERIAL_WRITE_FAILED (busy, port down, I/O), FH_SERIAL_REPLY_TIMEOUT. */
  write(request: WriteRequest): Promise<WriteResult> {
    if (this.pendingWrites >= this.o.maxPendingWrites) {
      this.counters.writeFailures++;
      return Promise.reject(new ModuleError('FH_SERIAL_WRITE_FAILED', `port ${this.o.name}: ${this.pendingWrites} writes pending; retry later`, { retryable: true }));
    }
    this.pendingWrites++;
    const run = this.queue.then(() => this.writeNow(request)).finally(() => {
      this.pendingWrites--;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeNow(request: WriteRequest): Promise<WriteResult> {
    let reply: Promise<WriteResult['reply']> | undefined;
    let timer: TimerHandle | undefined;
    if (request.replyTimeoutMs !== undefined) {
      const ms = request.replyTimeoutMs;
      // Listen before writing: a fast device may answer before the drain callback.
      reply = new Promise((resolve, reject) => {
        timer = this.o.clock.setTimeout(() => {
          this.replyWaiter = undefined;
          reject(new ModuleError('FH_SERIAL_REPLY_TIMEOUT', `port ${this.o.name}: no reply within ${ms} ms`, { retryable: true }));
        }, ms);
        this.replyWaiter = (frame, parsed, error) => {
          timer?.cancel();
          this.replyWaiter = undefined;
          resolve({
            text: frame.toString('utf8'), hex: frame.toString('hex'),
            ...(parsed !== undefined ? { fields: { ...parsed.fields } } : {}),
            ...(error !== undefined ? { error: error.toJSON() } : {}),
          });
        };
      });
      reply.catch(() => undefined);
    }
    try {
      await this.link.write(request.bytes);
    } catch (err) {
      timer?.cancel();
      this.replyWaiter = undefined;
      this.counters.writeFailures++;
      throw err;
    }
    this.counters.writes++;
    this.o.onChange('counters');
    return reply === undefined ? { bytesWritten: request.bytes.length } : { bytesWritten: request.bytes.length, reply: await reply };
  }

  private onFrame(frame: Buffer): void {
    this.counters.frames++;
    let parsed: ParsedFrame | undefined;
    let error: FrameParseError | undefined;
    try {
      parsed = this.o.parser.parse(frame);
    } catch (err) {
      // Never let a parser bug escape into the port's data event (it would crash the process).
      error = err instanceof FrameParseError ? err : new FrameParseError('syntax', `parser failed: ${(err as Error).message}`, { cause: err });
    }
    this.replyWaiter?.(frame, parsed, error);
    if (error !== undefined) {
      this.counters.parseErrors[error.reason]++;
      this.problem('FH_SERIAL_PARSE_ERROR', error.message, { reason: error.reason });
      return;
    }
    this.consecutiveBadFrames = 0;
    if (parsed === undefined) {
      this.counters.ignored++;
      return;
    }
    this.counters.parsed++;
    for (const listener of this.listeners) {
      try {
        listener(parsed);
      } catch (err) {
        this.o.logger.error({ event: 'serial-listener-failed', port: this.o.name, err: (err as Error).message }, 'a frame listener failed');
      }
    }
    this.o.onChange('counters');
  }

  private onTooLarge(bytes: number): void {
    this.problem('FH_SERIAL_FRAME_TOO_LARGE', `port ${this.o.name}: frame of ${bytes}+ bytes dropped (beyond maxFrameBytes)`, { bytes });
  }

  private problem(code: ModuleErrorCode, message: string, extra: Record<string, unknown>): void {
    this.consecutiveBadFrames++;
    this.lastProblem = { code, message, at: new Date(this.o.clock.now()).toISOString() };
    const now = this.o.clock.now();
    const last = this.loggedAt.get(code);
    const fields = { event: 'serial-frame-dropped', code, port: this.o.name, ...extra, framesTooLarge: this.framer.counters.framesTooLarge, parseErrors: this.counters.parseErrors };
    if (last === undefined || now - last >= LOG_EVERY_MS) {
      this.loggedAt.set(code, now);
      this.o.logger.warn(fields, message);
    } else {
      this.o.logger.debug(fields, message);
    }
    this.o.onChange('counters');
  }

  private onLinkState(state: LinkState): void {
    // A frame cut by the loss would join the first bytes after the reopen: drop it.
    if (state !== 'open') this.framer.reset();
    this.o.onChange('state');
  }
}
