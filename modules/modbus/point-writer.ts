/**
 * Writes of one device's points: the profile decides what may be written and encodes the value
 * (devices/codecs/modbus-point.ts; FH_PROFILE_* errors for an unknown point, a read-only point or
 * a bad value), then the write goes through the port arbiter ahead of the polls: FC5 for a coil,
 * FC6 for one register, FC16 for several, and for a bool or bit field narrower than its register
 * a read (FC3) of the register first (read-modify-write). Writes of one device run one at a time,
 * at most `maxPending` waiting (FH_MODBUS_BUSY beyond).
 */
import { decodeModbusPoint, encodeModbusPoint, type PointValue } from '../../devices/codecs/modbus-point.js';
import { needsCurrentValue } from '../../devices/codecs/modbus-registers.js';
import { ProfileError } from '../../devices/errors.js';
import type { ModbusProfilePoint } from '../../devices/profile.js';
import type { PortArbiter } from './arbiter.js';
import { ModbusError } from './errors.js';
import type { WireWrite } from './modbus-client.js';

export type WriteVia = 'desired' | 'method';

export interface PointWriterOptions {
  readonly deviceId: string;
  readonly unitId: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly points: ReadonlyMap<string, ModbusProfilePoint>;
  readonly arbiter: PortArbiter;
  /** Writes waiting or running at once (default 8). */
  readonly maxPending?: number;
}

/** The Modbus write that stores encoded registers (or a coil state) at `address`. */
export function wireWriteFor(address: number, encoded: boolean | readonly number[]): WireWrite {
  if (typeof encoded === 'boolean') return { fc: 5, address, value: encoded };
  return encoded.length === 1 ? { fc: 6, address, value: encoded[0]! } : { fc: 16, address, values: encoded };
}

export class PointWriter {
  private chain: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(private readonly o: PointWriterOptions) {}

  /** The point `name` if it may be written through `via`; FH_PROFILE_* otherwise. */
  writablePoint(name: unknown, via: WriteVia): ModbusProfilePoint {
    const point = typeof name === 'string' ? this.o.points.get(name) : undefined;
    if (point === undefined) throw new ProfileError('FH_PROFILE_POINT_UNKNOWN', `device ${this.o.deviceId} has no point ${JSON.stringify(name)}`);
    if (point.writable === false || !point.writable[via]) {
      throw new ProfileError('FH_PROFILE_NOT_WRITABLE', `point ${point.name} is not writable through ${via === 'desired' ? 'desired properties' : 'method write'}`);
    }
    return point;
  }

  /** Writes `value` to point `name`; resolves to the value the device now holds (as reads decode it). */
  write(name: unknown, value: unknown, via: WriteVia): Promise<PointValue> {
    const point = this.writablePoint(name, via);
    const partial = needsCurrentValue(point.modbus);
    // Check the value before any I/O (a bit write is checked against a zero register).
    encodeModbusPoint(point, value, partial ? [0] : undefined);
    if (this.pending >= (this.o.maxPending ?? 8)) {
      return Promise.reject(new ModbusError('FH_MODBUS_BUSY', `device ${this.o.deviceId}: ${this.pending} writes pending`));
    }
    this.pending++;
    const run = this.chain.then(() => this.perform(point, value, partial));
    this.chain = run.catch(() => undefined).finally(() => this.pending--);
    return run;
  }

  private async perform(point: ModbusProfilePoint, value: unknown, partial: boolean): Promise<PointValue> {
    const { arbiter, unitId, timeoutMs, retries } = this.o;
    const address = point.modbus.address;
    let current: number[] | undefined;
    if (partial) {
      current = (await arbiter.submit(unitId, (c) => c.read(unitId, 3, address, 1, timeoutMs), { kind: 'write', retries })) as number[];
    }
    const encoded = encodeModbusPoint(point, value, current);
    await arbiter.submit(unitId, (c) => c.write(unitId, wireWriteFor(address, encoded), timeoutMs), { kind: 'write', retries });
    return typeof encoded === 'boolean' ? encoded : decodeModbusPoint(point, encoded);
  }
}
