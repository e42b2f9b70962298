/**
 * One open Modbus connection (an RTU serial line or a TCP connection) as promise calls: read and
 * write one unit with a per-call timeout, errors classified into FH_MODBUS_* codes. It is not safe
 * for concurrent calls (RTU has one transaction on the line at a time): the port arbiter owns it
 * and calls it one request after another.
 */
import ModbusSerial from 'modbus-serial';
import { toModbusError } from './errors.js';
import { RtuFramePort, type PortCounters, type SerialFactory, type SerialOptions } from './rtu-port.js';

/** A Modbus write as it goes on the wire. */
export type WireWrite =
  | { readonly fc: 5; readonly address: number; readonly value: boolean }
  | { readonly fc: 6; readonly address: number; readonly value: number }
  | { readonly fc: 15; readonly address: number; readonly values: readonly boolean[] }
  | { readonly fc: 16; readonly address: number; readonly values: readonly number[] };

export interface ModbusConnection {
  /** FC1/FC2 answer booleans, FC3/FC4 register values; exactly `count` of them. */
  read(unitId: number, fc: 1 | 2 | 3 | 4, address: number, count: number, timeoutMs: number): Promise<number[] | boolean[]>;
  write(unitId: number, write: WireWrite, timeoutMs: number): Promise<void>;
  /** Called once when the connection is lost (port closed, socket ended, device gone). */
  onLost(listener: (err: Error) => void): void;
  readonly counters?: PortCounters;
  close(): Promise<void>;
}

// modbus-serial is CommonJS with `module.exports.default = module.exports`: its typings describe the class as `default`.
const ModbusRTU = ModbusSerial.default;
type ModbusRTU = InstanceType<typeof ModbusRTU>;

type Callback<T> = (err: Error | null, result: T) => void;

class ClientConnection implements ModbusConnection {
  private lostListener: ((err: Error) => void) | undefined;
  private lost = false;

  constructor(private readonly client: ModbusRTU, private readonly name: string, readonly counters?: PortCounters) {
    client.on('close', () => this.markLost(new Error('port closed')));
    client.on('error', (err: unknown) => this.markLost(err instanceof Error ? err : new Error(String(err))));
  }

  private markLost(err: Error): void {
    if (this.lost) return;
    this.lost = true;
    this.lostListener?.(err);
  }

  onLost(listener: (err: Error) => void): void {
    this.lostListener = listener;
  }

  private call<T>(unitId: number, what: string, timeoutMs: number, start: (cb: Callback<T>) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const site = { port: this.name, unitId, what };
      if (this.lost) {
        reject(toModbusError(new Error('port lost'), site));
        return;
      }
      this.client.setTimeout(timeoutMs);
      try {
        start((err, result) => (err ? reject(toModbusError(err, site)) : resolve(result)));
      } catch (err) {
        reject(toModbusError(err, site));
      }
    });
  }

  async read(unitId: number, fc: 1 | 2 | 3 | 4, address: number, count: number, timeoutMs: number): Promise<number[] | boolean[]> {
    const what = `FC${fc} ${address}+${count}`;
    const c = this.client;
    if (fc === 1 || fc === 2) {
      const res = await this.call<{ data: boolean[] }>(unitId, what, timeoutMs, (cb) =>
        (fc === 1 ? c.writeFC1 : c.writeFC2).call(c, unitId, address, count, cb as never));
      return res.data.slice(0, count);
    }
    const res = await this.call<{ data: number[] }>(unitId, what, timeoutMs, (cb) =>
      (fc === 3 ? c.writeFC3 : c.writeFC4).call(c, unitId, address, count, cb as never));
    return res.data;
  }

  async write(unitId: number, w: WireWrite, timeoutMs: number): Promise<void> {
    const c = this.client;
    const what = `FC${w.fc} ${w.address}`;
    await this.call<unknown>(unitId, what, timeoutMs, (cb) => {
      switch (w.fc) {
        case 5: c.writeFC5(unitId, w.address, w.value, cb as never); break;
        case 6: c.writeFC6(unitId, w.address, w.value, cb as never); break;
        case 15: c.writeFC15(unitId, w.address, [...w.values], cb as never); break;
        case 16: c.writeFC16(unitId, w.address, [...w.values], cb as never); break;
      }
    });
  }

  close(): Promise<void> {
    this.lost = true;
    return new Promise((resolve) => {
      try {
        this.client.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}

const openClient = (client: ModbusRTU): Promise<void> =>
  new Promise((resolve, reject) => client.open((err: Error | null) => (err ? reject(err) : resolve())));

/** Opens an RTU line on a serial device (FH_MODBUS_PORT when it cannot be opened). */
export async function openRtu(name: string, options: SerialOptions, factory: SerialFactory): Promise<ModbusConnection> {
  try {
    const port = new RtuFramePort(factory(options));
    const client = new ModbusRTU(port);
    await openClient(client);
    return new ClientConnection(client, name, port.counters);
  } catch (err) {
    throw toModbusError(err, { port: name, unitId: 0, what: `open ${options.path}` });
  }
}

/** Opens a Modbus TCP connection, giving up after `connectTimeoutMs` (FH_MODBUS_PORT). */
export async function openTcp(name: string, host: string, port: number, connectTimeoutMs: number): Promise<ModbusConnection> {
  const client = new ModbusRTU();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connectTCP(host, { port }),
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`connect timed out after ${connectTimeoutMs} ms`)), connectTimeoutMs); }),
    ]);
    return new ClientConnection(client, name);
  } catch (err) {
    client.close(() => undefined);
    throw toModbusError(err, { port: name, unitId: 0, what: `connect ${host}:${port}` });
  } finally {
    clearTimeout(timer);
  }
}
