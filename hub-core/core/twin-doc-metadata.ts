/**
 * Twin `$metadata`: IoT Hub keeps `$lastUpdated` (and, in desired, `$lastUpdatedVersion`) for every
 * object level, not just the leaves, "to preserve updates that remove object keys" [TWIN-F metadata].
 */
import { cloneJson, getOwn, isJsonObject, setOwn } from './twin-doc-json.js';
import type { JsonObject } from './types.js';

function stamp(out: JsonObject, nowIso: string, version: number | undefined): void {
  // Re-added so the stamps come after the children, as IoT Hub prints them.
  delete out.$lastUpdated;
  delete out.$lastUpdatedVersion;
  out.$lastUpdated = nowIso;
  if (version !== undefined) out.$lastUpdatedVersion = version;
}

function leaf(nowIso: string, version: number | undefined): JsonObject {
  const m: JsonObject = {};
  stamp(m, nowIso, version);
  return m;
}

function merge(meta: JsonObject | undefined, patch: JsonObject, nowIso: string, version: number | undefined): JsonObject {
  const out: JsonObject = meta ? cloneJson(meta) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
    } else if (isJsonObject(value)) {
      // An object merges into what was there. When that was a scalar, its metadata holds only
      // stamps, so merging into it leaves no stale children.
      const prev = getOwn(out, key);
      setOwn(out, key, merge(isJsonObject(prev) ? prev : undefined, value, nowIso, version));
    } else {
      // Scalars and arrays replace: their metadata is a fresh leaf.
      setOwn(out, key, leaf(nowIso, version));
    }
  }
  stamp(out, nowIso, version);
  return out;
}

/**
 * The new `$metadata` of a section after `patch` (already validated, `$version` stripped) was
 * applied. Each key the patch touches gets `$lastUpdated: nowIso` (plus `$lastUpdatedVersion:
 * version` when given, i.e. for desired); object values mirror their children; keys the patch
 * deletes (null) lose their metadata; the root and every patched object level are stamped too.
 * Untouched keys keep their old metadata. Returns a new object; the input is not changed.
 * @param nowIso ISO 8601 UTC with milliseconds, e.g. `2024-01-02T03:04:05.678Z`.
 * @param version the section's new `$version` (desired only).
 */
export function updateMetadata(metadata: JsonObject | undefined, patch: JsonObject, nowIso: string, version?: number): JsonObject {
  return merge(metadata, patch, nowIso, version);
}

/**
 * `$metadata` for a whole section written at once (a replace, or a new twin): every key and every
 * object level stamped with `nowIso` (and `version` for desired). Top-level `$` keys are skipped.
 */
export function fullMetadata(section: JsonObject, nowIso: string, version?: number): JsonObject {
  const body: JsonObject = {};
  for (const [k, v] of Object.entries(section)) if (!k.startsWith('$')) setOwn(body, k, v);
  return merge(undefined, body, nowIso, version);
}
