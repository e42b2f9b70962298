/**
 * One serial line kept open: opens the device, hands every chunk read to `onData`, and when the
 * port cannot be opened (FH_SERIAL_OPEN_FAILED) or goes away while open (FH_SERIAL_PORT_LOST: a
 * USB adapter unplugged, the path gone, a read error, an unexpected close) reopens it with capped
 * exponential backoff (minDelayMs, doubling, up to maxDelayMs; no jitter: a local device has no
 * thundering herd) until it is back, without restarting anything else. Each attempt uses a fresh
 * port object from the factory, so tests can run it over a pty or a fake.
 */
import { SerialPort } from 'serialport';
import type { Logger } from '../../runtime/modules/api.js';
import { ModuleError } from '../errors.js';
import type { Clock, TimerHandle } from './clock.js';

/** The part of a `serialport` SerialPort the link uses. */
export interface SerialLike {
  readonly isOpen: boolean;
  open(callback: (err: Error | null) => void): void;
  close(callback?: (err: Error | null) => void): void;
  write(data: Buffer, callback?: (err: Error | null | undefined) => void): boolean;
  drain(callback: (err: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'close', listener: (err?: Error | null) => void): this;
  removeAllListeners(): this;
}

/** Line settings (serialport's names). */
export interface LineSettings {
  readonly path: string;
  readonly baudRate: number;
  readonly dataBits: 5 | 6 | 7 | 8;
  readonly parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
  readonly stopBits: 1 | 1.5 | 2;
}

export type SerialFactory = (settings: LineSettings) => SerialLike;

/** The default factory: a `serialport` SerialPort (exclusive lock), not opened yet. */
export const openSerialPort: SerialFactory = (s) =>
  new SerialPort({ path: s.path, baudRate: s.baudRate, dataBits: s.dataBits, parity: s.parity, stopBits: s.stopBits, autoOpen: false }) as unknown as SerialLike;

/** `opening` (an attempt runs), `open`, `down` (waiting to retry), `closed` (stopped). */
export type LinkState = 'opening' | 'open' | 'down' | 'closed';

export interface LinkCounters {
  opens: number;
  openFailures: number;
  losses: number;
  bytesIn: number;
  bytesOut: number;
}

export interface SerialLinkOptions {
  readonly name: string;
  readonly settings: LineSettings;
  readonly factory: SerialFactory;
  readonly clock: Clock;
  readonly reopen: { readonly minDelayMs: number; readonly maxDelayMs: number };
  readonly logger: Logger;
  readonly onData: (chunk: Buffer) => void;
  readonly onState: (state: LinkState) => void;
}

export class SerialLink {
  readonly counters: LinkCounters = { opens: 0, openFailures: 0, losses: 0, bytesIn: 0, bytesOut: 0 };
  private current: LinkState = 'down';
  private port: SerialLike | undefined;
  private lastError: ModuleError | undefined;
  /** Failed attempts since the port was last open (a loss counts as one). */
  private failures = 0;
  private timer: TimerHandle | undefined;
  private retryAt: number | undefined;
  private firstAttempt: Promise<void> | undefined;

  constructor(private readonly o: SerialLinkOptions) {}

  get state(): LinkState {
    return this.current;
  }

  /** Why the port is not open (undefined while open). */
  get error(): ModuleError | undefined {
    return this.current === 'open' ? undefined : this.lastError;
  }

  /** When the next attempt is due (ms since the epoch), while `down`. */
  get nextAttemptAt(): number | undefined {
    return this.current === 'down' ? this.retryAt : undefined;
  }

  /** Starts opening; resolves when the first attempt has succeeded or failed (retries go on). */
  start(): Promise<void> {
    this.firstAttempt ??= this.attempt();
    return this.firstAttempt;
  }

  /** Writes and drains. FH_SERIAL_WRITE_FAILED when the port is not open or the write fails. */
  write(bytes: Buffer): Promise<void> {
    const port = this.port;
    if (port === undefined || this.current !== 'open') {
      return Promise.reject(new ModuleError('FH_SERIAL_WRITE_FAILED', `port ${this.o.name} is not open (${this.current})`, { retryable: true, cause: this.lastError }));
    }
    return new Promise<void>((resolve, reject) => {
      const fail = (err: Error): void => reject(new ModuleError('FH_SERIAL_WRITE_FAILED', `write to ${this.o.name} failed: ${err.message}`, { retryable: true, cause: err }));
      port.write(bytes, (err) => {
        if (err) return fail(err);
        port.drain((drainErr) => {
          if (drainErr) return fail(drainErr);
          this.counters.bytesOut += bytes.length;
          resolve();
        });
      });
    });
  }

  /** Stops retrying and closes the port. Idempotent. */
  async close(): Promise<void> {
    if (this.current === 'closed') return;
    this.setState('closed');
    this.timer?.cancel();
    this.timer = undefined;
    const port = this.port;
    this.port = undefined;
    if (port !== undefined) await closeQuietly(port);
  }

  private attempt(): Promise<void> {
    if (this.current === 'closed') return Promise.resolve();
    this.setState('opening');
    return new Promise<void>((resolve) => {
      let port: SerialLike;
      try {
        port = this.o.factory(this.o.settings);
      } catch (err) {
        this.openFailed(err as Error);
        resolve();
        return;
      }
      port.open((err) => {
        if (this.current === 'closed') {
          if (!err) void closeQuietly(port);
        } else if (err) {
          this.openFailed(err);
        } else {
          this.opened(port);
        }
        resolve();
      });
    });
  }

  private opened(port: SerialLike): void {
    this.port = port;
    this.failures = 0;
    this.counters.opens++;
    port.on('data', (chunk) => {
      this.counters.bytesIn += chunk.length;
      this.o.onData(chunk);
    });
    port.on('close', (err) => this.lost(port, err ?? new Error('the port closed')));
    port.on('error', (err) => {
      // serialport closes the port itself on a fatal read error; a port still open only failed one call.
      if (port.isOpen) this.o.logger.warn({ event: 'serial-port-error', port: this.o.name, err: err.message }, 'serial port error');
      else this.lost(port, err);
    });
    this.o.logger.info({ event: 'serial-port-open', port: this.o.name, path: this.o.settings.path, opens: this.counters.opens }, 'serial port open');
    this.setState('open');
  }

  private openFailed(err: Error): void {
    this.failures++;
    this.counters.openFailures++;
    this.lastError = new ModuleError('FH_SERIAL_OPEN_FAILED', `cannot open ${this.o.settings.path} (port ${this.o.name}): ${err.message}`, { retryable: true, cause: err });
    const delay = this.backoff();
    // The first failure is a warning; repeats while it stays away are debug (the health shows them).
    const level = this.failures === 1 ? 'warn' : 'debug';
    this.o.logger[level]({ event: 'serial-open-failed', code: this.lastError.code, port: this.o.name, err: err.message, retryInMs: delay, failures: this.failures }, 'serial port cannot be opened');
    this.retryIn(delay);
  }

  private lost(port: SerialLike, err: Error): void {
    if (this.port !== port || this.current === 'closed') return;
    this.port = undefined;
    port.removeAllListeners();
    // Keep a listener: a late 'error' from the dead port must not become an uncaught exception.
    port.on('error', () => undefined);
    if (port.isOpen) void closeQuietly(port);
    this.counters.losses++;
    this.failures = 1;
    this.lastError = new ModuleError('FH_SERIAL_PORT_LOST', `lost ${this.o.settings.path} (port ${this.o.name}): ${err.message}`, { retryable: true, cause: err });
    const delay = this.backoff();
    this.o.logger.warn({ event: 'serial-port-lost', code: this.lastError.code, port: this.o.name, err: err.message, retryInMs: delay }, 'serial port lost; reopening');
    this.retryIn(delay);
  }

  /** minDelayMs × 2^(failures − 1), capped at maxDelayMs. */
  private backoff(): number {
    const { minDelayMs, maxDelayMs } = this.o.reopen;
    return Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(30, Math.max(0, this.failures - 1)));
  }

  private retryIn(ms: number): void {
    this.retryAt = this.o.clock.now() + ms;
    this.setState('down');
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      void this.attempt();
    }, ms);
  }

  private setState(state: LinkState): void {
    if (this.current === state) return;
    this.current = state;
    this.o.onState(state);
  }
}

function closeQuietly(port: SerialLike): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!port.isOpen) return resolve();
    port.close(() => resolve());
  });
}
