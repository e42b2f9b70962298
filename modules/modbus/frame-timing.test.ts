/**
 * RTU timing against worked figures: t3.5 at 9600 and 19200 baud is 3.5 characters of 11 bits;
 * above 19200 baud it is the fixed 1.75 ms; line capacity from frame sizes.
 */
import { describe, expect, it } from 'vitest';
import { charTimeMs, interFrameGapMs, lineRegistersPerSecond, readResponseBytes, readTransactionMs } from './frame-timing.js';

describe('RTU frame timing', () => {
  it('t3.5 is 3.5 characters of 11 bits up to 19200 baud, then 1.75 ms', () => {
    expect(charTimeMs(9600)).toBeCloseTo(1.1458, 4);
    expect(interFrameGapMs(9600)).toBeCloseTo(4.0104, 4);
    expect(interFrameGapMs(19_200)).toBeCloseTo(2.0052, 4);
    expect(interFrameGapMs(38_400)).toBe(1.75);
    expect(interFrameGapMs(115_200)).toBe(1.75);
    expect(() => charTimeMs(0)).toThrow(RangeError);
  });

  it('computes a read transaction and the line capacity from frame sizes', () => {
    expect(readResponseBytes(125)).toBe(255); // the largest RTU ADU is 256 bytes
    // 115200 baud, 1 register: (8 + 7) chars x 11 bits / 115200 = 1.432 ms, + 2 x 1.75 ms gaps.
    expect(readTransactionMs(115_200, 1)).toBeCloseTo(4.9323, 3);
    expect(lineRegistersPerSecond(115_200, 1)).toBeCloseTo(202.7, 1);
    // 125 registers per request: (8 + 255) x 11 / 115200 = 25.11 ms + 3.5 ms.
    expect(lineRegistersPerSecond(115_200, 125)).toBeCloseTo(4369, 0);
    expect(lineRegistersPerSecond(9600, 10)).toBeCloseTo(10 * 1000 / (33 * 11 * 1000 / 9600 + 2 * 3.5 * 11 * 1000 / 9600), 6);
  });
});
