/**
 * The RTU framing port and the client over an in-memory serial stream that answers with scripted
 * bytes: frames split across chunks, noise and stale bytes, and every failure class as its code
 * (CRC, exception with its name, timeout, port lost, port that cannot open).
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { openRtu, type ModbusConnection } from './modbus-client.js';
import { expectedAnswerLength, type SerialLike } from './rtu-port.js';

/** CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF), appended low byte first [MODBUS-SL 6.2.2]. */
function withCrc(bytes: number[]): Buffer {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return Buffer.from([...bytes, crc & 0xff, crc >>> 8]);
}

class FakeSerial extends EventEmitter implements SerialLike {
  isOpen = false;
  readonly written: Buffer[] = [];
  /** Answers a written request with chunks (or nothing). */
  answer: (request: Buffer) => Buffer[] = () => [];
  failOpen = false;

  open(callback: (err: Error | null) => void): void {
    if (this.failOpen) return callback(new Error('Error: No such file or directory, cannot open /dev/ttyUSB9'));
    this.isOpen = true;
    callback(null);
  }

  close(callback?: (err: Error | null) => void): void {
    this.isOpen = false;
    callback?.(null);
  }

  write(data: Buffer): boolean {
    this.written.push(Buffer.from(data));
    const chunks = this.answer(data);
    setTimeout(() => chunks.forEach((c) => this.emit('data', c)), 1);
    return true;
  }

  /** The device vanished (what serialport does when a USB adapter is unplugged). */
  vanish(): void {
    this.isOpen = false;
    this.emit('close', new Error('disconnected'));
  }
}

const OPTIONS = { path: '/dev/ttyFAKE', baudRate: 9600, parity: 'none', dataBits: 8, stopBits: 1 } as const;

async function open(serial: FakeSerial): Promise<ModbusConnection> {
  return openRtu('line', OPTIONS, () => serial);
}

describe('RTU framing and the Modbus client', () => {
  it('knows the answer length of each function', () => {
    expect(expectedAnswerLength(withCrc([1, 3, 0, 0, 0, 10]))).toBe(25);
    expect(expectedAnswerLength(withCrc([1, 1, 0, 0, 0, 9]))).toBe(7);
    expect(expectedAnswerLength(withCrc([1, 2, 0, 0, 7, 208]))).toBe(255);
    expect(expectedAnswerLength(withCrc([1, 6, 0, 0, 0, 1]))).toBe(8);
    expect(expectedAnswerLength(withCrc([1, 17]))).toBeUndefined();
  });

  it('reassembles an answer split across chunks, after noise, and drops stale bytes', async () => {
    const serial = new FakeSerial();
    const conn = await open(serial);
    const frame = withCrc([5, 3, 4, 0x12, 0x34, 0xab, 0xcd]);
    serial.answer = () => [Buffer.from([0x00, 0xff]), frame.subarray(0, 3), frame.subarray(3)];
    expect(await conn.read(5, 3, 100, 2, 200)).toEqual([0x1234, 0xabcd]);
    expect(serial.written[0]).toEqual(withCrc([5, 3, 0, 100, 0, 2]));
    // A late answer of unit 9 sits in the buffer when the next request goes out: it is dropped.
    serial.emit('data', withCrc([9, 3, 2, 0, 1]));
    serial.answer = () => [withCrc([5, 4, 2, 0, 42])];
    expect(await conn.read(5, 4, 0, 1, 200)).toEqual([42]);
    expect(conn.counters).toMatchObject({ requests: 2, bytesDropped: 2 + 7 });
    await conn.close();
  });

  it('reads coils as booleans, exactly as many as asked', async () => {
    const serial = new FakeSerial();
    const conn = await open(serial);
    serial.answer = () => [withCrc([1, 1, 2, 0b1000_0101, 0b1])];
    expect(await conn.read(1, 1, 0, 9, 200)).toEqual([true, false, true, false, false, false, false, true, true]);
    await conn.close();
  });

  it('turns a bad CRC into FH_MODBUS_CRC', async () => {
    const serial = new FakeSerial();
    const conn = await open(serial);
    const frame = withCrc([1, 3, 2, 0, 7]);
    frame[4] = frame[4]! ^ 0x40; // a bit flipped on the line
    serial.answer = () => [frame];
    await expect(conn.read(1, 3, 0, 1, 200)).rejects.toMatchObject({ code: 'FH_MODBUS_CRC', retryable: true });
    await conn.close();
  });

  it('turns an exception answer into FH_MODBUS_EXCEPTION with its code and name', async () => {
    const serial = new FakeSerial();
    const conn = await open(serial);
    serial.answer = () => [withCrc([1, 0x83, 2])];
    await expect(conn.read(1, 3, 9000, 1, 200)).rejects.toMatchObject({
      code: 'FH_MODBUS_EXCEPTION', exceptionCode: 2, exceptionName: 'ILLEGAL DATA ADDRESS', retryable: false,
    });
    serial.answer = () => [withCrc([1, 0x86, 6])];
    await expect(conn.write(1, { fc: 6, address: 0, value: 1 }, 200)).rejects.toMatchObject({ exceptionCode: 6, exceptionName: 'SERVER DEVICE BUSY' });
    await conn.close();
  });

  it('turns silence, and an answer from another unit, into FH_MODBUS_TIMEOUT', async () => {
    const serial = new FakeSerial();
    const conn = await open(serial);
    await expect(conn.read(1, 3, 0, 1, 30)).rejects.toMatchObject({ code: 'FH_MODBUS_TIMEOUT' });
    serial.answer = () => [withCrc([2, 3, 2, 0, 7])];
    await expect(conn.read(1, 3, 0, 1, 30)).rejects.toMatchObject({ code: 'FH_MODBUS_TIMEOUT' });
    await conn.close();
  });

  it('writes coils and registers with FC5, FC6, FC15 and FC16 frames', async () => {
    const serial = new FakeSerial();
    const conn = await open(serial);
    serial.answer = (req) => [withCrc([...req.subarray(0, 6)])];
    await conn.write(1, { fc: 5, address: 3, value: true }, 200);
    await conn.write(1, { fc: 6, address: 4, value: 0xbeef }, 200);
    await conn.write(1, { fc: 16, address: 10, values: [1, 2] }, 200);
    await conn.write(1, { fc: 15, address: 0, values: [true, false, true] }, 200);
    expect(serial.written.map((b) => b.subarray(0, 6).toString('hex'))).toEqual(['01050003ff00', '01060004beef', '0110000a0002', '010f00000003']);
    await conn.close();
  });

  it('reports a vanished device once, then refuses calls with FH_MODBUS_PORT', async () => {
    const serial = new FakeSerial();
    const conn = await open(serial);
    const lost: Error[] = [];
    conn.onLost((err) => lost.push(err));
    serial.vanish();
    expect(lost).toHaveLength(1);
    await expect(conn.read(1, 3, 0, 1, 50)).rejects.toMatchObject({ code: 'FH_MODBUS_PORT' });
  });

  it('fails to open with FH_MODBUS_PORT', async () => {
    const serial = new FakeSerial();
    serial.failOpen = true;
    await expect(open(serial)).rejects.toMatchObject({ code: 'FH_MODBUS_PORT', retryable: true });
  });
});
