/**
 * Twin patch validation and size accounting, as IoT Hub does them
 * (shared/docs/iothub-wire-contract.md section F; Azure "device twins: tags and properties format").
 */
import { HubError } from '../errors.js';
import { isJsonObject, setOwn } from './twin-doc-json.js';
import type { JsonObject, JsonValue } from './types.js';

/** The three writable parts of a twin. */
export type TwinSection = 'desired' | 'reported' | 'tags';

/** IoT Hub's twin limits. Sizes in bytes. */
export const TWIN_LIMITS = {
  /** properties.desired, excluding `$version`/`$metadata`. */
  desiredBytes: 32768,
  reportedBytes: 32768,
  tagsBytes: 8192,
  /** Nesting of objects (and arrays); a top-level property holding an object is at depth 1. */
  maxDepth: 10,
  /** UTF-8 bytes of one key. */
  keyBytes: 1024,
  /** UTF-8 bytes of one string value. */
  stringBytes: 4096,
  /** Largest integer value. */
  maxInt: 4503599627370495,
  /** Smallest integer value: Azure documents -4503599627370496 (one more than -maxInt). */
  minInt: -4503599627370496,
} as const;

/** The JSON path prefix of a section in error messages (`properties.desired`, `tags`). */
export function sectionPath(section: TwinSection): string {
  return section === 'tags' ? 'tags' : `properties.${section}`;
}

function childPath(parent: string, key: string): string {
  // Dot notation unless the key itself would make the path ambiguous or unreadable.
  return key !== '' && !/[.\[\]"\s\u0000-\u001f\u007f-\u009f]/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function invalid(path: string, why: string): HubError {
  return new HubError('FH_TWIN_INVALID', `${path}: ${why}`);
}

// C0, DEL and C1 controls [TWIN-F keys: "UNICODE control characters (segments C0 and C1)"].
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function checkKey(key: string, path: string): void {
  if (key === '') throw invalid(path, 'key is empty');
  if (Buffer.byteLength(key, 'utf8') > TWIN_LIMITS.keyBytes) throw invalid(path, `key is longer than ${TWIN_LIMITS.keyBytes} bytes`);
  if (key.includes('$')) throw invalid(path, "key contains '$'");
  if (key.includes('.')) throw invalid(path, "key contains '.'");
  if (key.includes(' ')) throw invalid(path, 'key contains a space');
  if (CONTROL.test(key)) throw invalid(path, 'key contains a control character');
}

/** Validates one value; `depth` is the depth a container at this place would have. */
function checkValue(value: unknown, path: string, depth: number): JsonValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (Buffer.byteLength(value, 'utf8') > TWIN_LIMITS.stringBytes) throw invalid(path, `string is longer than ${TWIN_LIMITS.stringBytes} bytes`);
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid(path, 'number is not finite');
    // JSON has one number type here: any integral value is held to the integer range (so 1e20 is
    // refused, where .NET would have kept a double). Fractions are fine.
    if (Number.isInteger(value) && (value > TWIN_LIMITS.maxInt || value < TWIN_LIMITS.minInt)) {
      throw invalid(path, `integer is outside ${TWIN_LIMITS.minInt}..${TWIN_LIMITS.maxInt}`);
    }
    return value;
  }
  if (Array.isArray(value) || isJsonObject(value)) {
    if (depth > TWIN_LIMITS.maxDepth) throw invalid(path, `nesting is deeper than ${TWIN_LIMITS.maxDepth} levels`);
    if (Array.isArray(value)) return value.map((v, i) => checkValue(v, `${path}[${i}]`, depth + 1));
    return checkObject(value, path, depth);
  }
  throw invalid(path, `${value === undefined ? 'undefined' : typeof value} is not a JSON value`);
}

/** Validates the members of an object at `depth` (the section root is depth 0). */
function checkObject(obj: JsonObject, path: string, depth: number): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(obj)) {
    const p = childPath(path, key);
    checkKey(key, p);
    setOwn(out, key, checkValue(value, p, depth + 1));
  }
  return out;
}

/**
 * Validates a patch (or a replacement) of one twin section and returns a validated deep copy.
 * Rules [TWIN-F]: a JSON object; keys non-empty, ≤ 1 KB UTF-8, without `.`, `$`, space or control
 * characters; containers nested ≤ 10 deep (arrays count as a level); strings ≤ 4 KB UTF-8;
 * integral numbers within {@link TWIN_LIMITS} minInt..maxInt; `null` allowed (it deletes).
 * A top-level `$version` in a desired/reported patch is accepted and dropped (clients echo it).
 * @throws HubError FH_TWIN_INVALID naming the JSON path, e.g. `properties.desired.a.b: key contains '$'`.
 */
export function validatePatch(patch: unknown, section: TwinSection): JsonObject {
  const root = sectionPath(section);
  if (!isJsonObject(patch)) throw invalid(root, 'must be a JSON object');
  let body: JsonObject = patch;
  if (section !== 'tags' && Object.prototype.hasOwnProperty.call(patch, '$version')) {
    body = {};
    for (const [k, v] of Object.entries(patch)) if (k !== '$version') setOwn(body, k, v);
  }
  return checkObject(body, root, 0);
}

/** UTF-8 bytes of a string, not counting C0/C1 control characters [TWIN-F size]. */
function stringSize(s: string): number {
  return Buffer.byteLength(s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ''), 'utf8');
}

function valueSize(v: JsonValue): number {
  if (typeof v === 'string') return stringSize(v);
  if (typeof v === 'number') return 8;
  if (typeof v === 'boolean') return 4;
  if (v === null) return 0;
  if (Array.isArray(v)) return v.reduce<number>((n, e) => n + valueSize(e), 0);
  return objectSize(v, false);
}

function objectSize(obj: JsonObject, top: boolean): number {
  let n = 0;
  for (const [k, v] of Object.entries(obj)) {
    // Read-only `$version`/`$metadata` live at the top of a section and are not counted.
    if (top && k.startsWith('$')) continue;
    n += stringSize(k) + valueSize(v);
  }
  return n;
}

/**
 * The IoT Hub size of a section [TWIN-F]: UTF-8 bytes of every key plus every value, where
 * strings count their UTF-8 bytes (control characters excluded), numbers 8, booleans 4, objects
 * and arrays the sum of their contents. `null` counts 0: Azure does not document it and a stored
 * section holds nulls only inside arrays. Top-level `$version`/`$metadata` are excluded.
 */
export function sectionSize(section: JsonObject): number {
  return objectSize(section, true);
}

/** The size limit of a section, bytes. */
export function sectionLimit(kind: TwinSection): number {
  return kind === 'tags' ? TWIN_LIMITS.tagsBytes : kind === 'desired' ? TWIN_LIMITS.desiredBytes : TWIN_LIMITS.reportedBytes;
}

/**
 * Checks a section (after the patch is applied) against its limit; returns its size in bytes.
 * @throws HubError FH_TWIN_INVALID when larger than 32 KB (desired, reported) or 8 KB (tags).
 */
export function checkSectionSize(section: JsonObject, kind: TwinSection): number {
  const size = sectionSize(section);
  const limit = sectionLimit(kind);
  if (size > limit) throw invalid(sectionPath(kind), `size ${size} bytes exceeds the ${limit}-byte limit`);
  return size;
}
