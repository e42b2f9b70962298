/**
 * Small JSON helpers shared by the twin document code and the query evaluator.
 * Every write goes through {@link setOwn} and every read through {@link getOwn}, so a key named
 * `__proto__` or `constructor` (legal in a twin) is plain data, never the prototype.
 */
import type { JsonObject, JsonValue } from './types.js';

/** True for a plain JSON object (not null, not an array, not a Date/Map/class instance). */
export function isJsonObject(v: unknown): v is JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Defines `obj[key] = value` as an own, enumerable property (safe for `__proto__`). */
export function setOwn(obj: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `obj[key]` when it is an own property, else undefined (never an inherited member). */
export function getOwn(obj: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** A deep copy of a JSON value. */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => cloneJson(v)) as T;
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, cloneJson(v));
    return out as T;
  }
  return value;
}

/**
 * Looks a path up in a JSON document: object keys (own properties only) and, on arrays,
 * non-negative integer indexes. Undefined when any step is missing.
 */
export function resolveJsonPath(doc: unknown, path: readonly string[]): unknown {
  let cur: unknown = doc;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(seg)) return undefined;
      cur = cur[Number(seg)];
    } else if (isJsonObject(cur)) {
      cur = getOwn(cur, seg);
    } else {
      return undefined;
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}
