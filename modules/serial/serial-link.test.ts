/**
 * The link's reopen logic on a fake serial device and a fake clock: capped doubling backoff while
 * the device is missing, a loss while open (close event, fatal error) reopened from the minimum
 * delay, writes refused with FH_SERIAL_WRITE_FAILED while down, and close() ending the retries.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../hub-core/core/clock.js';
import { silentLogger } from '../../hub-core/log.js';
import { SerialLink, type LinkState, type SerialLike } from './serial-link.js';

/** A device that is plugged in or not; each port object opens only while it is. */
class FakeDevice {
  present = false;
  opens = 0;
  written: Buffer[] = [];
  current: FakePort | undefined;
  factory = (): SerialLike => new FakePort(this) as unknown as SerialLike;
}

class FakePort extends EventEmitter {
  isOpen = false;
  constructor(private readonly device: FakeDevice) {
    super();
  }
  open(cb: (err: Error | null) => void): void {
    this.device.opens++;
    if (!this.device.present) return cb(new Error('No such file or directory'));
    this.isOpen = true;
    this.device.current = this;
    cb(null);
  }
  close(cb?: (err: Error | null) => void): void {
    this.isOpen = false;
    cb?.(null);
  }
  write(data: Buffer, cb?: (err: Error | null) => void): boolean {
    this.device.written.push(data);
    cb?.(null);
    return true;
  }
  drain(cb: (err: Error | null) => void): void {
    cb(null);
  }
  /** The adapter is unplugged: serialport reports a disconnect by closing. */
  unplug(): void {
    this.device.present = false;
    this.isOpen = false;
    this.emit('close', Object.assign(new Error('bad file descriptor'), { disconnected: true }));
  }
}

function link(device: FakeDevice, clock: FakeClock, states: LinkState[], data: Buffer[] = []): SerialLink {
  return new SerialLink({
    name: 'p', settings: { path: '/dev/fake', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
    factory: device.factory, clock, reopen: { minDelayMs: 100, maxDelayMs: 1000 }, logger: silentLogger(),
    onData: (c) => data.push(c), onState: (s) => states.push(s),
  });
}

describe('SerialLink', () => {
  it('retries a missing device with doubling delays capped at maxDelayMs, then opens it', async () => {
    const device = new FakeDevice();
    const clock = new FakeClock();
    const states: LinkState[] = [];
    const l = link(device, clock, states);
    await l.start();
    expect(l.state).toBe('down');
    expect(l.error?.code).toBe('FH_SERIAL_OPEN_FAILED');
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const due = l.nextAttemptAt! - clock.now();
      delays.push(due);
      await clock.advance(due);
    }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    device.present = true;
    await clock.advance(1000);
    expect(l.state).toBe('open');
    expect(l.error).toBeUndefined();
    expect(l.counters).toMatchObject({ opens: 1, openFailures: 7 });
    await l.close();
  });

  it('reopens after the port is lost while open, and data flows again', async () => {
    const device = new FakeDevice();
    device.present = true;
    const clock = new FakeClock();
    const states: LinkState[] = [];
    const data: Buffer[] = [];
    const l = link(device, clock, states, data);
    await l.start();
    device.current!.emit('data', Buffer.from('a'));
    device.current!.unplug();
    expect(l.state).toBe('down');
    expect(l.error?.code).toBe('FH_SERIAL_PORT_LOST');
    await expect(l.write(Buffer.from('x'))).rejects.toMatchObject({ code: 'FH_SERIAL_WRITE_FAILED', retryable: true });
    await clock.advance(100); // still unplugged: the next delay doubles
    expect(l.nextAttemptAt! - clock.now()).toBe(200);
    device.present = true;
    await clock.advance(200);
    expect(l.state).toBe('open');
    device.current!.emit('data', Buffer.from('b'));
    await l.write(Buffer.from('hello'));
    expect(Buffer.concat(data).toString()).toBe('ab');
    expect(Buffer.concat(device.written).toString()).toBe('hello');
    expect(states).toEqual(['opening', 'open', 'down', 'opening', 'down', 'opening', 'open']);
    expect(l.counters).toMatchObject({ opens: 2, losses: 1, bytesIn: 2, bytesOut: 5 });
    await l.close();
  });

  it('treats a fatal error (port no longer open) as a loss, and a non-fatal one as a warning', async () => {
    const device = new FakeDevice();
    device.present = true;
    const clock = new FakeClock();
    const l = link(device, clock, []);
    await l.start();
    const port = device.current!;
    port.emit('error', new Error('write EAGAIN'));
    expect(l.state).toBe('open');
    port.isOpen = false;
    port.emit('error', new Error('EIO'));
    expect(l.state).toBe('down');
    port.emit('error', new Error('late')); // a late error of the dead port is absorbed
    await l.close();
  });

  it('close stops the retries', async () => {
    const device = new FakeDevice();
    const clock = new FakeClock();
    const l = link(device, clock, []);
    await l.start();
    await l.close();
    expect(l.state).toBe('closed');
    device.present = true;
    await clock.advance(10_000);
    expect(device.opens).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
  });
});
