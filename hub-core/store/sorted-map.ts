/**
 * A string-keyed map that keeps its keys sorted by UTF-8 byte order (binary search into an
 * array). Iteration is by seeking: {@link SortedMap.next} finds the first key after the last one
 * seen, so writes between steps never invalidate a cursor.
 */
import { compareKeys, type NormalRange } from './validate.js';

/** Sorted in-memory map used by MemoryStore; values are stored as given (callers copy). */
export class SortedMap {
  #keys: string[] = [];
  #values = new Map<string, Uint8Array>();

  get size(): number {
    return this.#keys.length;
  }

  get(key: string): Uint8Array | undefined {
    return this.#values.get(key);
  }

  set(key: string, value: Uint8Array): void {
    if (!this.#values.has(key)) this.#keys.splice(this.#bound(key, false), 0, key);
    this.#values.set(key, value);
  }

  delete(key: string): boolean {
    if (!this.#values.delete(key)) return false;
    this.#keys.splice(this.#bound(key, false), 1);
    return true;
  }

  /**
   * The next key in `range` after `after` (exclusive; in reverse order when range.reverse), or
   * the first key of the range when `after` is undefined. Limit is the caller's business.
   */
  next(range: NormalRange, after: string | undefined): string | undefined {
    const keys = this.#keys;
    let key: string | undefined;
    if (!range.reverse) {
      const from = after !== undefined ? { key: after, inclusive: false } : range.lower;
      key = keys[from ? this.#bound(from.key, !from.inclusive) : 0];
      if (key === undefined || !this.#belowUpper(key, range)) return undefined;
    } else {
      const from = after !== undefined ? { key: after, inclusive: false } : range.upper;
      // Last key <= bound (inclusive) or < bound (exclusive).
      key = keys[from ? this.#bound(from.key, from.inclusive) - 1 : keys.length - 1];
      if (key === undefined || !this.#aboveLower(key, range)) return undefined;
    }
    return key;
  }

  /** Every key in the range, in order (a copy: safe to delete while walking it). */
  keysIn(range: NormalRange): string[] {
    const out: string[] = [];
    for (let k = this.next(range, undefined); k !== undefined && out.length < range.limit; k = this.next(range, k)) {
      out.push(k);
    }
    return out;
  }

  #belowUpper(key: string, range: NormalRange): boolean {
    if (!range.upper) return true;
    const c = compareKeys(key, range.upper.key);
    return c < 0 || (c === 0 && range.upper.inclusive);
  }

  #aboveLower(key: string, range: NormalRange): boolean {
    if (!range.lower) return true;
    const c = compareKeys(key, range.lower.key);
    return c > 0 || (c === 0 && range.lower.inclusive);
  }

  /** Index of the first key > `key` when `strict`, else of the first key >= `key`. */
  #bound(key: string, strict: boolean): number {
    let lo = 0;
    let hi = this.#keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareKeys(this.#keys[mid]!, key);
      if (c < 0 || (strict && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
