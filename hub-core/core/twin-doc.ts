/**
 * Pure twin document logic with IoT Hub semantics (shared/docs/iothub-wire-contract.md, F):
 * patch validation, merge, size limits, `$metadata`, etags and the device view. Stateless: the
 * twins service stores the documents, bumps versions and notifies devices.
 *
 * Typical service patch of desired (the twins service's job, shown for the order of calls):
 * `p = validatePatch(raw, 'desired')` → `next = applyPatch(body, p)` → `checkSectionSize(next,
 * 'desired')` → `$version + 1` → `updateMetadata(old.$metadata, p, now, v)` → notify `{...p, $version}`.
 */
import { cloneJson, getOwn, isJsonObject, setOwn } from './twin-doc-json.js';
import type { JsonObject } from './types.js';

export {
  TWIN_LIMITS, checkSectionSize, sectionLimit, sectionPath, sectionSize, validatePatch,
} from './twin-doc-validate.js';
export type { TwinSection } from './twin-doc-validate.js';
export { fullMetadata, updateMetadata } from './twin-doc-metadata.js';
export { cloneJson, isJsonObject, resolveJsonPath } from './twin-doc-json.js';

function merge(target: JsonObject, patch: JsonObject): JsonObject {
  const out = cloneJson(target);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
    } else if (isJsonObject(value)) {
      const prev = getOwn(out, key);
      // Merging into {} (not copying) drops nulls nested in a new object, as IoT Hub does.
      setOwn(out, key, merge(isJsonObject(prev) ? prev : {}, value));
    } else {
      setOwn(out, key, cloneJson(value));
    }
  }
  return out;
}

/**
 * Applies a JSON merge patch with IoT Hub twin semantics [TWIN-F patch]: objects merge
 * recursively, `null` deletes, arrays and scalars replace; an object patch onto a scalar replaces
 * it; objects emptied by deletes stay as `{}`. Returns a NEW object (deep copy); neither input is
 * changed. Keys of `target` the patch does not name (such as `$version`, `$metadata`) are kept.
 */
export function applyPatch(target: JsonObject, patch: JsonObject): JsonObject {
  return merge(target, patch);
}

/**
 * The etag of a twin or device version, as Azure makes it: Base64 of the version as a big-endian
 * int64 (1 → `AAAAAAAAAAE=`). Treat etags as opaque when comparing.
 */
export function etagFor(version: number): string {
  if (!Number.isSafeInteger(version) || version < 0) throw new RangeError(`version must be a non-negative integer, got ${version}`);
  const buf = Buffer.alloc(8);
  buf.writeBigInt64BE(BigInt(version));
  return buf.toString('base64');
}

/** A section's properties without its top-level `$` keys (`$version`, `$metadata`), deep-copied. */
export function sectionBody(section: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(section)) if (!k.startsWith('$')) setOwn(out, k, cloneJson(v));
  return out;
}

function view(section: JsonObject): JsonObject {
  const out = sectionBody(section);
  const version = getOwn(section, '$version');
  // A section without $version is a fresh twin's: IoT Hub starts both sections at 1.
  out.$version = typeof version === 'number' ? version : 1;
  return out;
}

/** The device's view of a twin, as an MQTT/AMQP twin GET returns it. */
export interface DeviceTwinView {
  desired: JsonObject;
  reported: JsonObject;
}

/**
 * What a device's twin GET returns [TWIN-F, B "Twin response"]: `{desired: {...props, $version},
 * reported: {...props, $version}}`, without `$metadata` or tags. Deep copies.
 */
export function deviceView(desired: JsonObject, reported: JsonObject): DeviceTwinView {
  return { desired: view(desired), reported: view(reported) };
}
