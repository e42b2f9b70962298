/**
 * Argument checks and key ordering shared by every store backend. Programmer mistakes throw
 * TypeError/RangeError (never HubError), so a caller can tell a bug from a store failure.
 */
import { HubError } from '../errors.js';
import type { RangeOptions, WriteOptions } from './store.js';

/** A range with its bounds resolved, as every backend receives it. */
export interface NormalRange {
  lower?: { key: string; inclusive: boolean };
  upper?: { key: string; inclusive: boolean };
  reverse: boolean;
  /** Infinity when unlimited. */
  limit: number;
}

/** Sublevel names: lower-case ASCII, digits and dashes (also safe as level prefixes). */
const SUBLEVEL_NAME = /^[a-z0-9-]+$/;

/** The error every method reports while the store is not open. */
export function notOpen(status: string): HubError {
  return new HubError('FH_STORE_NOT_OPEN', `The store is not open (status: ${status}).`);
}

/** Keys are non-empty strings: LevelDB rejects empty keys, so the memory store does too. */
export function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw new TypeError('Store key must be a string');
  if (key.length === 0) throw new TypeError('Store key must not be empty');
}

/** Values are bytes; strings or JSON must be encoded first (see encodeJson). */
export function assertValue(value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError('Store value must be a Uint8Array');
}

/** Checks a sublevel name against [a-z0-9-]+. */
export function assertSublevelName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !SUBLEVEL_NAME.test(name)) {
    throw new TypeError(`Sublevel name must match ${SUBLEVEL_NAME.source}: ${String(name)}`);
  }
}

/** Returns whether fsync was asked for; rejects a non-boolean `sync`. */
export function syncOption(options: WriteOptions | undefined): boolean {
  if (options === undefined || options === null) return false;
  if (typeof options !== 'object') throw new TypeError('Write options must be an object');
  if (options.sync !== undefined && typeof options.sync !== 'boolean') {
    throw new TypeError('Write option sync must be a boolean');
  }
  return options.sync === true;
}

/** Validates a range and resolves gt/gte and lt/lte into one bound each. */
export function normalizeRange(range: RangeOptions | undefined): NormalRange {
  if (range === undefined || range === null) return { reverse: false, limit: Infinity };
  if (typeof range !== 'object') throw new TypeError('Range options must be an object');
  const { gt, gte, lt, lte, reverse, limit } = range;
  // Both forms at once is ambiguous (level silently prefers one); make it a bug instead.
  if (gt !== undefined && gte !== undefined) throw new TypeError('Range: give gt or gte, not both');
  if (lt !== undefined && lte !== undefined) throw new TypeError('Range: give lt or lte, not both');
  for (const bound of [gt, gte, lt, lte]) {
    if (bound !== undefined && typeof bound !== 'string') throw new TypeError('Range bounds must be strings');
  }
  if (reverse !== undefined && typeof reverse !== 'boolean') throw new TypeError('Range reverse must be a boolean');
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit))) {
    throw new RangeError('Range limit must be an integer');
  }
  const out: NormalRange = {
    reverse: reverse === true,
    limit: limit === undefined || limit < 0 ? Infinity : limit,
  };
  if (gt !== undefined) out.lower = { key: gt, inclusive: false };
  else if (gte !== undefined) out.lower = { key: gte, inclusive: true };
  if (lt !== undefined) out.upper = { key: lt, inclusive: false };
  else if (lte !== undefined) out.upper = { key: lte, inclusive: true };
  return out;
}

/** Back to level's option shape (only the bounds that are set). */
export function toLevelRange(range: NormalRange): RangeOptions {
  const out: RangeOptions = { reverse: range.reverse, limit: range.limit === Infinity ? -1 : range.limit };
  if (range.lower) out[range.lower.inclusive ? 'gte' : 'gt'] = range.lower.key;
  if (range.upper) out[range.upper.inclusive ? 'lte' : 'lt'] = range.upper.key;
  return out;
}

/**
 * Orders keys by their UTF-8 bytes, which is code point order, as LevelDB does. JS `<` compares
 * UTF-16 units and puts U+E000..U+FFFF after astral characters (surrogates 0xD800..0xDFFF), so
 * the first differing unit is remapped: surrogates above the BMP, U+E000..U+FFFF below them.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixup(x) - fixup(y);
  }
  return a.length - b.length;
}

function fixup(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** Whether `key` lies inside the bounds of `range` (limit and direction ignored). */
export function inRange(key: string, range: NormalRange): boolean {
  if (range.lower) {
    const c = compareKeys(key, range.lower.key);
    if (c < 0 || (c === 0 && !range.lower.inclusive)) return false;
  }
  if (range.upper) {
    const c = compareKeys(key, range.upper.key);
    if (c > 0 || (c === 0 && !range.upper.inclusive)) return false;
  }
  return true;
}
