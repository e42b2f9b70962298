/**
 * RTU line timing from the Modbus serial line specification (MODBUS over Serial Line, V1.02):
 * - [MODBUS-SL 2.5.1] a character in RTU mode is 11 bits: start, 8 data, parity (or a second
 *   stop bit when there is no parity), stop;
 * - [MODBUS-SL 2.5.1.1] frames are separated by a silent interval of at least 3.5 character times
 *   (t3.5); above 19200 baud a fixed 1.750 ms is used instead (and 750 us for t1.5).
 * The arbiter waits `interFrameGapMs` between the end of one transaction and the next request. The
 * capacity functions give the most registers per second a line can carry, the benchmark's yardstick.
 */

/** Bits per RTU character [MODBUS-SL 2.5.1]. */
export const RTU_CHAR_BITS = 11;
/** Request bytes of FC1..FC4: unit, function, address (2), count (2), CRC (2). */
export const READ_REQUEST_BYTES = 8;
/** Answer bytes of FC3/FC4 for N registers: unit, function, byte count, 2N data, CRC (2). */
export const readResponseBytes = (registers: number): number => 5 + 2 * registers;

/** Time of one character on the line, ms. */
export function charTimeMs(baudRate: number): number {
  if (!(baudRate > 0)) throw new RangeError('baudRate must be > 0');
  return (RTU_CHAR_BITS * 1000) / baudRate;
}

/** t3.5: the silent interval between frames, ms [MODBUS-SL 2.5.1.1]. */
export function interFrameGapMs(baudRate: number): number {
  return baudRate > 19_200 ? 1.75 : 3.5 * charTimeMs(baudRate);
}

/**
 * One FC3/FC4 transaction reading `registers` registers at `baudRate`, ms: the request, a gap,
 * the answer, a gap (the slave's own processing time not counted: the line's limit).
 */
export function readTransactionMs(baudRate: number, registers: number): number {
  const chars = READ_REQUEST_BYTES + readResponseBytes(registers);
  return chars * charTimeMs(baudRate) + 2 * interFrameGapMs(baudRate);
}

/** The most registers per second a line can carry when each request reads `registers` registers. */
export function lineRegistersPerSecond(baudRate: number, registers: number): number {
  return (registers * 1000) / readTransactionMs(baudRate, registers);
}
