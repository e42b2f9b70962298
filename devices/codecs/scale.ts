/**
 * Scale and offset: value = raw × scale + offset, and its inverse for writes. Binary floating point
 * turns 305 × 0.1 into 30.500000000000004; when the raw value is an exact decimal (an integer
 * register, a parsed decimal string) the result is rounded to the decimals the factors can produce,
 * so telemetry shows 30.5. Float registers are scaled as they are.
 */

/** Decimal places of a finite number as JavaScript prints it (0.01 → 2, 1e-7 → 7, 12 → 0). */
export function decimalsOf(n: number): number {
  if (!Number.isFinite(n)) return 0;
  const s = String(Math.abs(n));
  const [mantissa = '', exp] = s.split('e');
  const frac = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, frac - (exp === undefined ? 0 : Number(exp)));
}

const MAX_DECIMALS = 15;

/**
 * raw × scale + offset. With `exact` (raw is an exact decimal, e.g. an integer register), the result
 * is rounded to decimalsOf(raw) + decimalsOf(scale) places (at least decimalsOf(offset), at most 15).
 */
export function applyScale(raw: number, scale: number, offset: number, exact: boolean): number {
  const value = raw * scale + offset;
  if (!exact || !Number.isFinite(value) || (scale === 1 && offset === 0)) return value;
  const places = Math.min(MAX_DECIMALS, Math.max(decimalsOf(raw) + decimalsOf(scale), decimalsOf(offset)));
  return Number(value.toFixed(places));
}

/** The raw value for an engineering value: (value − offset) / scale. Integer targets round it (`Math.round`). */
export function invertScale(value: number, scale: number, offset: number, integer: boolean): number {
  if (scale === 0) throw new RangeError('scale must not be 0');
  const raw = (value - offset) / scale;
  return integer ? Math.round(raw) : raw;
}
