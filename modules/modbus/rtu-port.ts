/**
 * The RTU framing port modbus-serial's client talks through (instead of its own serial ports): it
 * writes a request, then cuts exactly one answer out of the bytes that arrive, by the length the
 * request implies (or 5 bytes for an exception [MODBUS-SL 2.5.1.1 frames, MODBUS-AP 7]), and hands
 * that frame to the client, which checks CRC, unit and function. Bytes left from an earlier
 * transaction (a late answer after a timeout, line noise) are dropped when the next request goes
 * out, so they can never be taken for its answer. The serial device comes from a factory, so
 * tests can run it over a pty or an in-memory stream.
 */
import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';

/** The part of a `serialport` SerialPort the framing port uses. */
export interface SerialLike {
  readonly isOpen: boolean;
  open(callback: (err: Error | null) => void): void;
  close(callback?: (err: Error | null) => void): void;
  write(data: Buffer): boolean;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'close', listener: (err?: Error | null) => void): this;
  removeAllListeners(): this;
}

export interface SerialOptions {
  readonly path: string;
  readonly baudRate: number;
  readonly parity: 'none' | 'even' | 'odd';
  readonly dataBits: 7 | 8;
  readonly stopBits: 1 | 2;
}

export type SerialFactory = (options: SerialOptions) => SerialLike;

/** The default factory: a real `serialport` SerialPort, not opened yet. */
export const openSerialPort: SerialFactory = (o) =>
  new SerialPort({ path: o.path, baudRate: o.baudRate, parity: o.parity, dataBits: o.dataBits, stopBits: o.stopBits, autoOpen: false }) as unknown as SerialLike;

/** The answer length a request implies; undefined when it cannot be known from the request. */
export function expectedAnswerLength(request: Buffer): number | undefined {
  const fc = request[1];
  switch (fc) {
    case 1:
    case 2: return 5 + Math.ceil(request.readUInt16BE(4) / 8);
    case 3:
    case 4: return 5 + 2 * request.readUInt16BE(4);
    case 5:
    case 6:
    case 15:
    case 16: return 8;
    default: return undefined;
  }
}

const EXCEPTION_LENGTH = 5;
/** Largest RTU ADU [MODBUS-SL 2.5.1.1]. */
const MAX_ADU = 256;

/** Counters of one port, for health and the benchmark. */
export interface PortCounters {
  requests: number;
  bytesOut: number;
  bytesIn: number;
  /** Bytes dropped: late answers, noise, answers of other units. */
  bytesDropped: number;
}

/** The port object modbus-serial's `ModbusRTU` drives (`new ModbusRTU(port)`). */
export class RtuFramePort extends EventEmitter {
  /** modbus-serial keeps its transaction ids on the port; RTU has one transaction at a time. */
  _transactionIdRead = 1;
  _transactionIdWrite = 1;
  readonly counters: PortCounters = { requests: 0, bytesOut: 0, bytesIn: 0, bytesDropped: 0 };
  private buffer: Buffer = Buffer.alloc(0);
  private expect: { unit: number; fc: number; length: number | undefined } | undefined;

  constructor(private readonly serial: SerialLike) {
    super();
    serial.on('data', (chunk) => this.onData(chunk));
    serial.on('error', (err) => this.emit('error', err));
    serial.on('close', () => this.emit('close'));
  }

  get isOpen(): boolean {
    return this.serial.isOpen;
  }

  open(callback: (err: Error | null) => void): void {
    this.serial.open(callback);
  }

  close(callback?: (err?: Error | null) => void): void {
    if (!this.serial.isOpen) {
      callback?.(null);
      return;
    }
    this.serial.close((err) => callback?.(err));
  }

  destroy(): void {
    this.close();
  }

  write(frame: Buffer): void {
    this.counters.bytesDropped += this.buffer.length;
    this.buffer = Buffer.alloc(0);
    this.expect = frame.length >= 2 ? { unit: frame[0]!, fc: frame[1]!, length: expectedAnswerLength(frame) } : undefined;
    this.counters.requests++;
    this.counters.bytesOut += frame.length;
    this.serial.write(frame);
  }

  private onData(chunk: Buffer): void {
    this.counters.bytesIn += chunk.length;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const want = this.expect;
    if (want === undefined) {
      this.drop(this.buffer.length);
      return;
    }
    // Skip to the first byte that can start the answer (unit id, then the function or its exception).
    let start = 0;
    while (start + 1 < this.buffer.length && !(this.buffer[start] === want.unit && (this.buffer[start + 1] === want.fc || this.buffer[start + 1] === (want.fc | 0x80)))) start++;
    if (start > 0) this.drop(start);
    if (this.buffer.length < 2) return;
    const length = this.buffer[1] === (want.fc | 0x80) ? EXCEPTION_LENGTH : (want.length ?? MAX_ADU);
    if (this.buffer.length < length) {
      if (this.buffer.length > MAX_ADU) this.drop(this.buffer.length);
      return;
    }
    const frame = this.buffer.subarray(0, length);
    this.drop(length, false);
    this.expect = undefined;
    this.emit('data', frame);
  }

  private drop(n: number, counted = true): void {
    if (counted) this.counters.bytesDropped += n;
    this.buffer = this.buffer.subarray(n);
  }
}
