import { describe, expect, it } from 'vitest';
import { HubError } from '../errors.js';
import {
  TWIN_LIMITS, applyPatch, checkSectionSize, deviceView, etagFor, fullMetadata, sectionBody, sectionSize,
  updateMetadata, validatePatch,
} from './twin-doc.js';
import type { JsonObject } from './types.js';

/** Runs fn, expects a HubError, returns it (so tests can assert code and message). */
function hubErr(fn: () => unknown): HubError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HubError) return err;
    throw err;
  }
  throw new Error('expected a HubError');
}

function nest(levels: number, leaf: JsonObject | string): JsonObject {
  let v: JsonObject | string = leaf;
  for (let i = levels; i >= 1; i--) v = { [`l${i}`]: v };
  return v as JsonObject;
}

describe('validatePatch', () => {
  it('returns a validated deep copy', () => {
    const patch = { a: { b: [1, 'x', { c: null }] }, d: 1.5, e: true };
    const out = validatePatch(patch, 'desired');
    expect(out).toEqual(patch);
    expect(out.a).not.toBe(patch.a);
  });
  it.each([['array', [1]], ['null', null], ['string', 'x'], ['number', 3]])('a %s is not a patch', (_k, v) => {
    const err = hubErr(() => validatePatch(v, 'reported'));
    expect(err.code).toBe('FH_TWIN_INVALID');
    expect(err.message).toContain('properties.reported');
  });
  it('drops a top-level $version in desired and reported, refuses it in tags', () => {
    expect(validatePatch({ $version: 4, a: 1 }, 'desired')).toEqual({ a: 1 });
    expect(validatePatch({ a: 1, $version: 9 }, 'reported')).toEqual({ a: 1 });
    expect(hubErr(() => validatePatch({ $version: 4 }, 'tags')).message).toBe("tags.$version: key contains '$'");
  });
  it('names the JSON path of a bad key', () => {
    const err = hubErr(() => validatePatch({ a: { b: { $x: 1 } } }, 'desired'));
    expect(err.code).toBe('FH_TWIN_INVALID');
    expect(err.message).toBe("properties.desired.a.b.$x: key contains '$'");
    expect(hubErr(() => validatePatch({ a: { $version: 1 } }, 'desired')).message).toContain("key contains '$'");
  });
  it.each([
    ['a dot', { 'a.b': 1 }, "'.'"],
    ['a space', { 'a b': 1 }, 'space'],
    ['a C0 control', { 'a\u0001': 1 }, 'control'],
    ['a C1 control', { 'a\u0085': 1 }, 'control'],
    ['nothing', { '': 1 }, 'empty'],
    ['1025 bytes', { ['\u20ac'.repeat(341) + 'ab']: 1 }, 'longer'],
  ])('refuses a key with %s', (_why, patch, text) => {
    const err = hubErr(() => validatePatch(patch, 'tags'));
    expect(err.code).toBe('FH_TWIN_INVALID');
    expect(err.message).toContain(text);
  });
  it('accepts a 1024-byte key and other punctuation', () => {
    const key = '\u20ac'.repeat(341) + 'a'; // 1023 + 1 bytes
    expect(Buffer.byteLength(key)).toBe(1024);
    expect(validatePatch({ [key]: 1, 'a-b:c@d#e': 2 }, 'tags')).toHaveProperty([key], 1);
  });
  it('strings: 4096 UTF-8 bytes pass, 4097 fail', () => {
    expect(validatePatch({ s: 'x'.repeat(4096) }, 'reported').s).toHaveLength(4096);
    expect(hubErr(() => validatePatch({ s: 'x'.repeat(4097) }, 'reported')).message).toContain('properties.reported.s');
    expect(hubErr(() => validatePatch({ s: '\u00e9'.repeat(2049) }, 'reported')).code).toBe('FH_TWIN_INVALID');
  });
  it('integers within -4503599627370496..4503599627370495; fractions fine', () => {
    expect(validatePatch({ a: TWIN_LIMITS.maxInt, b: TWIN_LIMITS.minInt, c: 0.1, d: 1e300 / 1e299 }, 'desired')).toHaveProperty('a');
    expect(hubErr(() => validatePatch({ a: TWIN_LIMITS.maxInt + 1 }, 'desired')).message).toContain('properties.desired.a');
    expect(hubErr(() => validatePatch({ a: { b: [TWIN_LIMITS.minInt - 1] } }, 'desired')).message).toContain('a.b[0]');
  });
  it('depth: the Azure docs example (ten levels of objects) is valid, one more is not', () => {
    expect(() => validatePatch(nest(10, 'value'), 'tags')).not.toThrow();
    expect(() => validatePatch(nest(10, { property: 'value' }), 'tags')).not.toThrow();
    const err = hubErr(() => validatePatch(nest(11, { property: 'value' }), 'tags'));
    expect(err.message).toMatch(/^tags\.l1\.l2\.l3\.l4\.l5\.l6\.l7\.l8\.l9\.l10\.l11: nesting is deeper than 10/);
  });
  it('depth: arrays count as a level', () => {
    expect(() => validatePatch(nest(9, { a: [1] } as JsonObject), 'tags')).not.toThrow();
    expect(() => validatePatch(nest(9, { a: [{ b: 1 }] } as JsonObject), 'tags')).toThrow(HubError);
  });
  it('checks values inside arrays', () => {
    expect(hubErr(() => validatePatch({ a: [1, { 'b.c': 1 }] }, 'reported')).message)
      .toBe('properties.reported.a[1]["b.c"]: key contains \'.\'');
  });
  it('refuses values that are not JSON', () => {
    expect(hubErr(() => validatePatch({ a: undefined }, 'desired')).message).toContain('undefined');
    expect(hubErr(() => validatePatch({ a: () => 1 }, 'desired')).code).toBe('FH_TWIN_INVALID');
    expect(hubErr(() => validatePatch({ a: Number.NaN }, 'desired')).code).toBe('FH_TWIN_INVALID');
    expect(hubErr(() => validatePatch({ a: new Date(0) }, 'desired')).code).toBe('FH_TWIN_INVALID');
  });
  it('a __proto__ key is plain data', () => {
    const out = validatePatch(JSON.parse('{"__proto__":{"polluted":1}}'), 'tags');
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(applyPatch({}, out))).toBe('{"__proto__":{"polluted":1}}');
  });
});

describe('applyPatch', () => {
  const base: JsonObject = { a: 1, o: { x: 1, y: { z: 1 } }, arr: [1, 2], $version: 3 };
  it('merges objects, null deletes, arrays and scalars replace', () => {
    const out = applyPatch(base, { a: 'two', o: { x: null, y: { w: 2 } }, arr: [3], n: { m: 1 } });
    expect(out).toEqual({ a: 'two', o: { y: { z: 1, w: 2 } }, arr: [3], $version: 3, n: { m: 1 } });
  });
  it('an object onto a scalar replaces it; a scalar onto an object replaces it', () => {
    expect(applyPatch({ a: 1, b: { c: 1 } }, { a: { b: 1 }, b: 5 })).toEqual({ a: { b: 1 }, b: 5 });
  });
  it('objects emptied by deletes stay; nulls inside a new object vanish', () => {
    expect(applyPatch({ o: { x: 1 } }, { o: { x: null } })).toEqual({ o: {} });
    expect(applyPatch({}, { o: { x: null, y: 1 } })).toEqual({ o: { y: 1 } });
    expect(applyPatch({ a: 1 }, { missing: null })).toEqual({ a: 1 });
  });
  it('returns a new object and leaves both inputs alone', () => {
    const target: JsonObject = { o: { x: 1 } };
    const patch: JsonObject = { o: { y: [1] } };
    const out = applyPatch(target, patch);
    (out.o as JsonObject).x = 99;
    ((out.o as JsonObject).y as number[]).push(2);
    expect(target).toEqual({ o: { x: 1 } });
    expect(patch).toEqual({ o: { y: [1] } });
  });
});

describe('sectionSize and checkSectionSize', () => {
  it('counts keys plus values: strings in UTF-8, numbers 8, booleans 4, null 0', () => {
    expect(sectionSize({ a: 'xy' })).toBe(3);
    expect(sectionSize({ n: 1.5 })).toBe(9);
    expect(sectionSize({ b: false })).toBe(5);
    expect(sectionSize({ z: null })).toBe(1);
    expect(sectionSize({ o: { p: 'q' } })).toBe(3);
    expect(sectionSize({ e: '\u00e9' })).toBe(3);
    expect(sectionSize({ arr: [1, 'ab', true] })).toBe(3 + 8 + 2 + 4);
  });
  it('excludes $version/$metadata and control characters', () => {
    expect(sectionSize({ a: 1, $version: 7, $metadata: { $lastUpdated: 'x' } })).toBe(9);
    expect(sectionSize({ a: 'x\u0000\u0085y' })).toBe(3);
  });
  it('tags: 8192 bytes pass, 8193 fail', () => {
    expect(checkSectionSize({ k: 'x'.repeat(8191) }, 'tags')).toBe(8192);
    const err = hubErr(() => checkSectionSize({ k: 'x'.repeat(8192) }, 'tags'));
    expect(err.code).toBe('FH_TWIN_INVALID');
    expect(err.message).toContain('8193');
  });
  it('desired and reported: 32768 bytes', () => {
    const big: JsonObject = {};
    for (let i = 0; i < 8; i++) big[`k${i}`] = 'x'.repeat(4094); // 8 * (2 + 4094) = 32768
    expect(checkSectionSize(big, 'desired')).toBe(32768);
    expect(hubErr(() => checkSectionSize({ ...big, z: true }, 'reported')).message).toContain('properties.reported');
  });
});

describe('metadata', () => {
  const t1 = '2024-01-01T00:00:00.000Z';
  const t2 = '2024-01-02T00:00:00.000Z';
  it('mirrors every object level, with $lastUpdatedVersion when a version is given', () => {
    const m = updateMetadata(undefined, { a: 1, b: { c: 2 } }, t1, 3);
    const s = { $lastUpdated: t1, $lastUpdatedVersion: 3 };
    expect(m).toEqual({ a: s, b: { c: s, ...s }, ...s });
    expect(Object.keys(m)).toEqual(['a', 'b', '$lastUpdated', '$lastUpdatedVersion']);
  });
  it('a later patch stamps only what it touches and drops deleted keys', () => {
    const m1 = updateMetadata(undefined, { a: 1, b: { c: 2, e: 3 } }, t1);
    const m2 = updateMetadata(m1, { b: { c: null, d: 1 } }, t2);
    expect(m2).toEqual({
      a: { $lastUpdated: t1 },
      b: { e: { $lastUpdated: t1 }, d: { $lastUpdated: t2 }, $lastUpdated: t2 },
      $lastUpdated: t2,
    });
    expect(m1.b).toEqual({ c: { $lastUpdated: t1 }, e: { $lastUpdated: t1 }, $lastUpdated: t1 });
    expect(updateMetadata(m2, { b: null }, t2)).toEqual({ a: { $lastUpdated: t1 }, $lastUpdated: t2 });
  });
  it('an object replacing a scalar, and a scalar replacing an object', () => {
    const m1 = updateMetadata(undefined, { a: 1, b: { c: 1 } }, t1);
    expect(updateMetadata(m1, { a: { x: 1 }, b: 2 }, t2)).toEqual({
      a: { x: { $lastUpdated: t2 }, $lastUpdated: t2 }, b: { $lastUpdated: t2 }, $lastUpdated: t2,
    });
  });
  it('fullMetadata covers a whole section and skips $ keys', () => {
    expect(fullMetadata({ a: [1], o: { p: 'q' }, $version: 2 }, t1, 2)).toEqual(
      updateMetadata(undefined, { a: [1], o: { p: 'q' } }, t1, 2),
    );
    expect(fullMetadata({}, t1)).toEqual({ $lastUpdated: t1 });
  });
});

describe('etagFor', () => {
  it('is base64 of the big-endian int64 version', () => {
    expect(etagFor(1)).toBe('AAAAAAAAAAE=');
    expect(etagFor(0)).toBe('AAAAAAAAAAA=');
    expect(etagFor(256)).toBe('AAAAAAAAAQA=');
    expect(Buffer.from(etagFor(2 ** 40 + 5), 'base64').readBigInt64BE()).toBe(BigInt(2 ** 40 + 5));
    expect(() => etagFor(-1)).toThrow(RangeError);
  });
});

describe('deviceView', () => {
  it('strips $metadata, keeps $version, deep-copies', () => {
    const desired: JsonObject = { a: { b: 1 }, $metadata: { $lastUpdated: 'x' }, $version: 4 };
    const v = deviceView(desired, { r: true, $version: 7, $metadata: {} });
    expect(v).toEqual({ desired: { a: { b: 1 }, $version: 4 }, reported: { r: true, $version: 7 } });
    expect(v.desired.a).not.toBe(desired.a);
    expect(Object.keys(v.desired)).toEqual(['a', '$version']);
  });
  it('a section without $version is at version 1', () => {
    expect(deviceView({}, {})).toEqual({ desired: { $version: 1 }, reported: { $version: 1 } });
    expect(sectionBody({ a: 1, $version: 2, $metadata: {} })).toEqual({ a: 1 });
  });
});
