/**
 * The read planner: how many requests a set of points takes, with and without coalescing, at the
 * protocol limits (125 registers, 2000 bits), with gaps, overlaps and mixed tables.
 */
import { describe, expect, it } from 'vitest';
import { planReads, plannedUnits, type PlanItem } from './planner.js';

const reg = (point: string, address: number, count = 1, table: PlanItem['table'] = 'holding'): PlanItem => ({ point, table, address, count });

describe('planReads', () => {
  it('reads contiguous registers of one table in one request', () => {
    const plan = planReads([reg('a', 0, 2), reg('b', 2, 2), reg('c', 4)]);
    expect(plan).toEqual([{ table: 'holding', fc: 3, address: 0, count: 5, items: [
      { point: 'a', offset: 0, count: 2 }, { point: 'b', offset: 2, count: 2 }, { point: 'c', offset: 4, count: 1 },
    ] }]);
  });

  it('without coalescing makes one request per point', () => {
    const items = [reg('a', 0, 2), reg('b', 2, 2), reg('c', 4), reg('d', 5, 1, 'input')];
    expect(planReads(items, { coalesce: false })).toHaveLength(4);
    expect(planReads(items)).toHaveLength(2);
  });

  it('bridges holes up to maxGap and no further', () => {
    // a ends at 2; b starts at 10: a hole of 8 registers.
    expect(planReads([reg('a', 0, 2), reg('b', 10)], { maxGap: 8 })).toHaveLength(1);
    expect(planReads([reg('a', 0, 2), reg('b', 11)], { maxGap: 8 })).toHaveLength(2);
    expect(planReads([reg('a', 0, 2), reg('b', 2)], { maxGap: 0 })).toHaveLength(1);
    expect(planReads([reg('a', 0, 2), reg('b', 3)], { maxGap: 0 })).toHaveLength(2);
    const bridged = planReads([reg('a', 0, 2), reg('b', 10)], { maxGap: 8 })[0]!;
    expect(bridged).toMatchObject({ address: 0, count: 11 });
    expect(bridged.items[1]).toEqual({ point: 'b', offset: 10, count: 1 });
  });

  it('never exceeds 125 registers per request', () => {
    const items = Array.from({ length: 100 }, (_, i) => reg(`p${i}`, i * 2, 2)); // 200 contiguous registers
    const plan = planReads(items);
    expect(plan.map((r) => r.count)).toEqual([124, 76]); // a 2-register point never straddles two requests
    expect(plan.every((r) => r.count <= 125)).toBe(true);
    expect(plan.flatMap((r) => r.items)).toHaveLength(100);
    expect(plannedUnits(plan)).toBe(200);
  });

  it('honours a smaller per-device limit', () => {
    const items = Array.from({ length: 30 }, (_, i) => reg(`p${i}`, i));
    expect(planReads(items, { maxRegisters: 10 }).map((r) => r.count)).toEqual([10, 10, 10]);
    expect(planReads(items, { maxRegisters: 500 }).map((r) => r.count)).toEqual([30]); // clamped to 125, fits
  });

  it('reads up to 2000 coils per request, gaps counted in registers of 16 bits', () => {
    const coils = Array.from({ length: 2500 }, (_, i) => reg(`c${i}`, i, 1, 'coil'));
    expect(planReads(coils).map((r) => [r.fc, r.count])).toEqual([[1, 2000], [1, 500]]);
    const sparse = [reg('x', 0, 1, 'discrete'), reg('y', 129, 1, 'discrete'), reg('z', 300, 1, 'discrete')];
    // maxGap 8 registers = 128 bits: x..y (hole 128) merge, y..z (hole 170) do not.
    expect(planReads(sparse, { maxGap: 8 }).map((r) => [r.fc, r.address, r.count])).toEqual([[2, 0, 130], [2, 300, 1]]);
  });

  it('keeps tables apart and orders holding, input, coil, discrete', () => {
    const plan = planReads([reg('d', 0, 1, 'discrete'), reg('i', 0, 2, 'input'), reg('h', 0, 2), reg('c', 0, 1, 'coil'), reg('h2', 2)]);
    expect(plan.map((r) => [r.fc, r.count])).toEqual([[3, 3], [4, 2], [1, 1], [2, 1]]);
  });

  it('shares registers between points that overlap (bits of one register)', () => {
    const plan = planReads([reg('flags', 7), reg('alarm', 7), reg('run', 7), reg('word', 8)]);
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({ address: 7, count: 2 });
    expect(plan[0]!.items.filter((i) => i.offset === 0).map((i) => i.point).sort()).toEqual(['alarm', 'flags', 'run']);
  });

  it('sorts unsorted input', () => {
    expect(planReads([reg('b', 20, 2), reg('a', 0, 2), reg('c', 10, 2)], { maxGap: 10 }).map((r) => [r.address, r.count])).toEqual([[0, 22]]);
  });

  it('counts a realistic meter map', () => {
    // An SDM120-like map: 9 float32 input registers spread over 0..0x48 with holes of 4..12 registers.
    const addresses = [0, 6, 12, 18, 24, 30, 70, 72, 342];
    const items = addresses.map((a, i) => reg(`m${i}`, a, 2, 'input'));
    expect(planReads(items, { coalesce: false })).toHaveLength(9);
    expect(planReads(items, { maxGap: 4 }).map((r) => [r.address, r.count])).toEqual([[0, 32], [70, 4], [342, 2]]);
    expect(planReads(items, { maxGap: 0 })).toHaveLength(8); // only 70/72 touch
  });

  it('rejects a point larger than one request or outside the address space', () => {
    expect(() => planReads([reg('s', 0, 126)])).toThrow(RangeError);
    expect(() => planReads([reg('s', 65_535, 2)])).toThrow(RangeError);
    expect(() => planReads([reg('s', -1)])).toThrow(RangeError);
    expect(planReads([])).toEqual([]);
  });
});
