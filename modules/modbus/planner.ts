/**
 * The read planner (pure): turns the points a device polls together into the Modbus read requests
 * that fetch them. With coalescing, neighbouring points of one table share a request as long as
 * the request stays within the function's size limit [MODBUS-AP 6.1-6.4: FC1/FC2 read at most
 * 2000 coils or inputs, FC3/FC4 at most 125 registers] (and the profile's own `maxRegistersPerRead`)
 * and the unread hole between two points is at most `maxGap` registers (for bit tables `maxGap`
 * x 16 bits: a register's worth). Without coalescing every point is a request of its own.
 */
import type { ModbusTable } from '../../devices/profile.js';

/** What one point occupies: `count` registers (or bits, for coil/discrete) from `address`. */
export interface PlanItem {
  readonly point: string;
  readonly table: ModbusTable;
  readonly address: number;
  readonly count: number;
}

/** A read request and where each of its points sits in the answer. */
export interface ReadRequest {
  readonly table: ModbusTable;
  /** 1 read coils, 2 read discrete inputs, 3 read holding registers, 4 read input registers. */
  readonly fc: 1 | 2 | 3 | 4;
  readonly address: number;
  readonly count: number;
  /** Each point with its offset (registers or bits) from `address`. */
  readonly items: readonly { readonly point: string; readonly offset: number; readonly count: number }[];
}

export interface PlanOptions {
  /** Merge neighbouring points into one request (default true). */
  readonly coalesce?: boolean;
  /** Largest hole (registers) a merged request may read and discard (default 8). */
  readonly maxGap?: number;
  /** Registers per FC3/FC4 request, at most 125 (default 125). */
  readonly maxRegisters?: number;
  /** Bits per FC1/FC2 request, at most 2000 (default 2000). */
  readonly maxBits?: number;
}

/** Protocol limits [MODBUS-AP 6.1-6.4]. */
export const MAX_READ_REGISTERS = 125;
export const MAX_READ_BITS = 2000;
/** Bits per register: the unit of the gap on bit tables. */
const BITS_PER_GAP_UNIT = 16;

export const FUNCTION_FOR_TABLE: Readonly<Record<ModbusTable, 1 | 2 | 3 | 4>> = { coil: 1, discrete: 2, holding: 3, input: 4 };
const TABLE_ORDER: readonly ModbusTable[] = ['holding', 'input', 'coil', 'discrete'];

export const isBitTable = (table: ModbusTable): boolean => table === 'coil' || table === 'discrete';

/**
 * The read requests for `items`, ordered by table (holding, input, coil, discrete) then address.
 * Throws RangeError for an item that alone exceeds the limit or leaves the 0..65535 address space
 * (a profile mistake, caught when the module starts).
 */
export function planReads(items: readonly PlanItem[], options: PlanOptions = {}): ReadRequest[] {
  const coalesce = options.coalesce ?? true;
  const maxGap = options.maxGap ?? 8;
  const maxRegisters = Math.min(options.maxRegisters ?? MAX_READ_REGISTERS, MAX_READ_REGISTERS);
  const maxBits = Math.min(options.maxBits ?? MAX_READ_BITS, MAX_READ_BITS);
  if (!(maxGap >= 0) || !(maxRegisters >= 1) || !(maxBits >= 1)) throw new RangeError('planReads: maxGap must be >= 0 and the limits >= 1');
  const requests: ReadRequest[] = [];
  for (const table of TABLE_ORDER) {
    const bits = isBitTable(table);
    const limit = bits ? maxBits : maxRegisters;
    const gap = bits ? maxGap * BITS_PER_GAP_UNIT : maxGap;
    const own = items.filter((i) => i.table === table).sort((a, b) => a.address - b.address || b.count - a.count);
    let open: { address: number; end: number; items: { point: string; offset: number; count: number }[] } | undefined;
    const close = (): void => {
      if (open === undefined) return;
      requests.push({ table, fc: FUNCTION_FOR_TABLE[table], address: open.address, count: open.end - open.address, items: open.items });
      open = undefined;
    };
    for (const item of own) {
      if (!Number.isInteger(item.address) || !Number.isInteger(item.count) || item.count < 1 || item.address < 0 || item.address + item.count > 65_536) {
        throw new RangeError(`point ${item.point}: ${table} ${item.address}+${item.count} is outside the address space 0..65535`);
      }
      if (item.count > limit) throw new RangeError(`point ${item.point}: ${item.count} ${bits ? 'bits' : 'registers'} exceed the ${limit} one request may read`);
      const end = item.address + item.count;
      const fits = open !== undefined && coalesce && item.address - open.end <= gap && Math.max(open.end, end) - open.address <= limit;
      if (!fits) {
        close();
        open = { address: item.address, end, items: [] };
      }
      open!.items.push({ point: item.point, offset: item.address - open!.address, count: item.count });
      open!.end = Math.max(open!.end, end);
    }
    close();
  }
  return requests;
}

/** Registers (or bits) a plan reads in total, including the holes it reads and discards. */
export function plannedUnits(requests: readonly ReadRequest[]): number {
  return requests.reduce((n, r) => n + r.count, 0);
}
