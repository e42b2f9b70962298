import { describe, expect, it } from 'vitest';
import {
  decodeTelemetry, encodeTelemetry, enqueuedMsOf, enqueuedTimeOf, FLAG_MODULE, FLAG_STAMPED, FORMAT_VERSION, TelemetryEncoder,
} from './telemetry-codec.js';
import type { Message, SystemProperties } from './types.js';

const NOW = Date.UTC(2025, 2, 4, 5, 6, 7, 89);

/** A message stamped as Telemetry.append stamps it. */
function stamped(deviceId: string, moduleId: string | undefined, body: Uint8Array, system: SystemProperties = {}, properties: Record<string, string> = {}): Message {
  const s: SystemProperties = { ...system, enqueuedTime: enqueuedTimeOf(NOW), connectionDeviceId: deviceId };
  if (moduleId !== undefined) s.connectionModuleId = moduleId;
  return { body, system: s, properties };
}

function roundTrip(deviceId: string, moduleId: string | undefined, message: Message, ms = NOW) {
  const bytes = encodeTelemetry(ms, deviceId, moduleId, message);
  return { bytes, decoded: decodeTelemetry(42, bytes) };
}

const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
const tricky = {
  'unicode é 日本 🚀': 'value é 日本 🚀',
  quote: 'say "hi"',
  backslash: 'C:\\temp\\x',
  control: 'line1\nline2\t\u0001\u001f',
  lone: 'half \ud800 surrogate',
  del: 'x\u007fy',
  '': 'empty key',
  long: 'a'.repeat(300),
};

describe('telemetry codec: round trips', () => {
  it('stores a plain stamped message as ids and body only, and derives the stamps back', () => {
    const body = new TextEncoder().encode('{"t":21.5}');
    const message = stamped('dev-1', undefined, body);
    const { bytes, decoded } = roundTrip('dev-1', undefined, message);
    expect(bytes[0]).toBe(FORMAT_VERSION);
    expect(bytes[1]).toBe(FLAG_STAMPED);
    expect(bytes.byteLength).toBe(16 + 'dev-1'.length + body.byteLength);
    expect(decoded).toEqual({ seq: 42, deviceId: 'dev-1', message });
    expect(decoded.message.system.enqueuedTime).toBe(new Date(NOW).toISOString());
    expect(enqueuedMsOf(bytes)).toBe(NOW);
  });

  it('round-trips a module message, its connectionModuleId derived', () => {
    const message = stamped('dev-1', 'mod.A', allBytes, { messageId: 'm1', outputName: 'out1' }, { k: 'v' });
    const { bytes, decoded } = roundTrip('dev-1', 'mod.A', message);
    expect(bytes[1]).toBe(FLAG_STAMPED | FLAG_MODULE);
    expect(decoded).toEqual({ seq: 42, deviceId: 'dev-1', moduleId: 'mod.A', message });
    expect(decoded.message.system.connectionModuleId).toBe('mod.A');
  });

  it('round-trips empty and binary bodies', () => {
    for (const body of [new Uint8Array(0), allBytes, Buffer.from(allBytes).subarray(100, 130)]) {
      const message = stamped('d', undefined, body);
      const { decoded } = roundTrip('d', undefined, message);
      expect([...decoded.message.body]).toEqual([...body]);
    }
  });

  it('round-trips unicode, escapes, control characters and lone surrogates in properties', () => {
    const system = { messageId: 'é-"1"-\\', contentType: 'application/json; charset=utf-8', subject: '🚀'.repeat(40) };
    const message = stamped('dev-1', undefined, allBytes, system, tricky);
    expect(roundTrip('dev-1', undefined, message).decoded.message).toEqual(message);
    // Long ASCII-only properties (past the byte-loop threshold) too.
    const ascii = stamped('dev-1', undefined, allBytes, { messageId: 'x'.repeat(100) }, { a: 'b'.repeat(100) });
    expect(roundTrip('dev-1', undefined, ascii).decoded.message).toEqual(ascii);
  });

  it('keeps system properties as given when they are not the hub stamps for this message', () => {
    const other = enqueuedTimeOf(NOW - 1);
    for (const system of [
      {},
      { messageId: 'only' },
      { enqueuedTime: other, connectionDeviceId: 'dev-1' },
      { enqueuedTime: enqueuedTimeOf(NOW), connectionDeviceId: 'someone-else' },
      { enqueuedTime: enqueuedTimeOf(NOW), connectionDeviceId: 'dev-1', connectionModuleId: 'forged' },
    ] as SystemProperties[]) {
      const message: Message = { body: allBytes, system, properties: { k: 'v' } };
      const { bytes, decoded } = roundTrip('dev-1', undefined, message);
      expect(bytes[1]! & FLAG_STAMPED).toBe(0);
      expect(decoded.message).toEqual(message);
    }
  });

  it('follows JSON.stringify for undefined and non-string values', () => {
    const system = { messageId: undefined, correlationId: 7, userId: 'u' } as unknown as SystemProperties;
    const message: Message = { body: allBytes, system, properties: { a: undefined, b: 'x' } as unknown as Record<string, string> };
    const { decoded } = roundTrip('d', undefined, message);
    expect(decoded.message.system).toEqual(JSON.parse(JSON.stringify(system)));
    expect(decoded.message.properties).toEqual({ b: 'x' });
    // Stamped with a non-string value: the stamps survive whichever way they are stored.
    const withStamps = stamped('d', 'm', allBytes, { correlationId: 7 } as unknown as SystemProperties);
    expect(roundTrip('d', 'm', withStamps).decoded.message).toEqual(withStamps);
  });

  it('writes the same bytes into a larger buffer at an offset as encodeTelemetry returns', () => {
    const message = stamped('dev-9', 'm', allBytes, { messageId: 'x' }, tricky);
    const alone = encodeTelemetry(NOW, 'dev-9', 'm', message);
    const encoder = new TelemetryEncoder();
    const size = encoder.size(NOW, 'dev-9', 'm', message);
    expect(size).toBe(alone.byteLength);
    const big = Buffer.alloc(size + 100, 0xee);
    encoder.writeTo(big, 37, NOW, 'dev-9', 'm', message);
    expect([...big.subarray(37, 37 + size)]).toEqual([...alone]);
    expect(big[36]).toBe(0xee);
    expect(big[37 + size]).toBe(0xee);
  });
});

describe('telemetry codec: damaged or foreign data', () => {
  const good = encodeTelemetry(NOW, 'dev-1', undefined, stamped('dev-1', undefined, allBytes, {}, { k: 'v' }));
  const corrupt = expect.objectContaining({ code: 'FH_STORE_CORRUPT' });

  it('refuses another format version, including the unversioned layout', () => {
    const other = Uint8Array.from(good);
    other[0] = FORMAT_VERSION + 1;
    expect(() => decodeTelemetry(1, other)).toThrowError(corrupt);
    expect(() => enqueuedMsOf(other)).toThrowError(corrupt);
    // The old layout began with the float64 time: 0x42 for any time since 1970-ish.
    const old = Buffer.alloc(64);
    old.writeDoubleBE(NOW, 0);
    expect(() => decodeTelemetry(1, old)).toThrowError(corrupt);
  });

  it('refuses truncated records and unparseable properties', () => {
    expect(() => decodeTelemetry(1, good.subarray(0, 10))).toThrowError(corrupt);
    expect(() => enqueuedMsOf(good.subarray(0, 15))).toThrowError(corrupt);
    expect(() => decodeTelemetry(1, good.subarray(0, 16 + 5 + 3))).toThrowError(corrupt);
    const bad = Buffer.from(good);
    bad[16 + 5] = 0x7b + 1; // '{' -> '|'
    expect(() => decodeTelemetry(1, bad)).toThrowError(corrupt);
  });
});
