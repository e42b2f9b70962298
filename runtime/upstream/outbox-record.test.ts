/**
 * Outbox record keys and bytes: a hex fixture of the value layout, round trips, and the
 * prefix-free key ranges that keep identities apart (ids may contain `!`).
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../hub-core/store/index.js';
import {
  decodeRecord, HEADER_BYTES, identityRange, outboxIdentityKey, parseIdentityKey, parseRecordKey, readHeader, RecordEncoder, recordKey,
} from './outbox-record.js';
import { telemetryItem } from './outbox-test-kit.js';

const T0 = Date.UTC(2024, 0, 1);
const JSON_PROPS = '{"s":{"messageId":"msg-7"},"p":{"n":"7"}}';

describe('outbox record value', () => {
  it('is the header (format, outbox time, hub seq) then the hub telemetry record (hex fixture)', () => {
    const item = telemetryItem({ deviceId: 'd1', moduleId: 'm' }, 7, { body: 'hi', atMs: T0 });
    const value = new RecordEncoder().encode(item, T0 + 1000);
    const expected = [
      '01', '4278cc251f7e8000', '401c000000000000', // format 1, enqueuedAtMs T0+1s, seq 7
      '02', '03', '4278cc251f400000', '02', '01', // codec v2, stamped|module, hub time T0, id lengths
      JSON_PROPS.length.toString(16).padStart(8, '0'),
      Buffer.from('d1m' + JSON_PROPS + 'hi').toString('hex'),
    ].join('');
    expect(Buffer.from(value).toString('hex')).toBe(expected);
    expect(readHeader(value)).toEqual({ enqueuedAtMs: T0 + 1000, seq: 7 });
  });

  it('round-trips the message, with the hub stamps derived back', () => {
    const item = telemetryItem({ deviceId: 'dev', moduleId: 'mod' }, 42, { body: 'payload', atMs: T0 });
    item.message.system.contentType = 'application/json';
    item.message.properties['ü'] = 'ä "q"';
    const { telemetry, enqueuedAtMs } = decodeRecord(new RecordEncoder().encode(item, T0 + 5));
    expect(enqueuedAtMs).toBe(T0 + 5);
    expect(telemetry).toEqual(item);
  });

  it('keeps stamps that are not the hub\u2019s as they are', () => {
    const item = telemetryItem({ deviceId: 'dev' }, 1);
    item.message.system.enqueuedTime = 'not a time';
    expect(decodeRecord(new RecordEncoder().encode(item, T0)).telemetry.message.system.enqueuedTime).toBe('not a time');
  });

  it('refuses truncated or foreign values with FH_OUTBOX_CORRUPT', () => {
    const value = new RecordEncoder().encode(telemetryItem({ deviceId: 'dev' }, 1), T0);
    for (const bad of [value.subarray(0, HEADER_BYTES - 1), value.subarray(0, HEADER_BYTES + 3), Uint8Array.of(2, ...value.subarray(1))]) {
      expect(() => decodeRecord(bad)).toThrow(expect.objectContaining({ code: 'FH_OUTBOX_CORRUPT' }));
    }
    expect(readHeader(new Uint8Array(3))).toBeUndefined();
  });
});

describe('outbox record keys', () => {
  it('parse back to identity and id; other keys are not record keys', () => {
    expect(recordKey('dev/mod', 255)).toBe('dev/mod|00000000000000ff');
    expect(parseRecordKey('dev/mod|00000000000000ff')).toEqual({ ik: 'dev/mod', id: 255 });
    for (const key of ['next', '|00000000000000ff', 'dev|0000000000000g00', 'dev!00000000000000ff']) expect(parseRecordKey(key)).toBeUndefined();
    expect(parseIdentityKey('a!b/m')).toEqual({ deviceId: 'a!b', moduleId: 'm' });
    expect(outboxIdentityKey({ deviceId: 'a', moduleId: 'b' })).toBe('a/b');
    expect(() => outboxIdentityKey({ deviceId: 'a|b' })).toThrow(TypeError);
  });

  it('give every identity its own range, even when ids share prefixes or contain !', async () => {
    const store = new MemoryStore();
    await store.open();
    const iks = ['a', 'a!b', 'a!', 'a/m', 'a/m!', 'ab', 'a-', 'a~'];
    const value = new Uint8Array(1);
    await store.batch(iks.flatMap((ik) => [1, 2].map((id) => ({ type: 'put' as const, key: recordKey(ik, id), value }))));
    for (const ik of iks) {
      const keys: string[] = [];
      for await (const key of store.keys(identityRange(ik))) keys.push(key);
      expect(keys).toEqual([recordKey(ik, 1), recordKey(ik, 2)]);
    }
  });
});
