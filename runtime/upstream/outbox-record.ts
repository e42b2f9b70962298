/**
 * Keys and bytes of one outbox record.
 *
 * Key: `identityKey + '|' + seqKey(id)` (`dev|00000000000000a3`, `dev/mod|…`). Ids never contain
 * `|` (IoT Hub's id alphabet is [A-Za-z0-9-.+%_#*?!(),:=@$'], and `/` only joins device and
 * module), so every identity owns the prefix-free range [`ik|`, `ik}`) and the store's key order
 * is the identity's send order. (A `!` separator would not do: `!` is a legal id character, so
 * device `a`'s range would hold device `a!b`'s records.)
 *
 * Value: a fixed header, then the hub's stored-telemetry record (hub-core telemetry-codec, v2):
 *
 *   [0]        {@link RECORD_FORMAT}; other values are refused (FH_OUTBOX_CORRUPT)
 *   [1..9)     enqueuedAtMs, float64 BE: when the outbox took the message (TTL base)
 *   [9..17)    the hub's telemetry sequence number, float64 BE
 *   [17..)     telemetry-codec record: hub enqueued time, ids, properties JSON, raw body
 *
 * Why binary and this codec: the body stays raw bytes (base64 in JSON would add a third to every
 * record on an SD card and cost a parse per message), the codec is the hub's own, tested and
 * versioned, and stores the hub's stamps as a flag instead of text. The fixed header lets
 * recovery at open read the age without decoding anything else.
 */
import { identityKey, type IdentityRef, type StoredTelemetry } from '../../hub-core/core/index.js';
import { decodeTelemetry, TelemetryEncoder } from '../../hub-core/core/telemetry-codec.js';
import { parseSeqKey, seqKey } from '../../hub-core/store/index.js';
import { RuntimeError } from '../errors.js';

/** Bumped whenever the value layout changes. */
export const RECORD_FORMAT = 1;
/** Bytes before the telemetry-codec record. */
export const HEADER_BYTES = 17;
const SEPARATOR = '|';
/** The character after {@link SEPARATOR}: the exclusive upper bound of an identity's range. */
const AFTER_SEPARATOR = '}';
const SEQ_KEY_CHARS = 16;

/** The record key of message `id` of the identity with key `ik`. */
export function recordKey(ik: string, id: number): string {
  return ik + SEPARATOR + seqKey(id);
}

/** The key range holding every record of identity `ik`, in id order. */
export function identityRange(ik: string): { gt: string; lt: string } {
  return { gt: ik + SEPARATOR, lt: ik + AFTER_SEPARATOR };
}

/** The identity key (`d` or `d/m`) of a ref; TypeError for an id that would break the key. */
export function outboxIdentityKey(ref: IdentityRef): string {
  const ik = identityKey(ref);
  if (ik.length === 0 || ik.includes(SEPARATOR)) throw new TypeError(`outbox: bad identity ${JSON.stringify(ik)}`);
  return ik;
}

/** Inverse of {@link outboxIdentityKey}. */
export function parseIdentityKey(ik: string): IdentityRef {
  const slash = ik.indexOf('/');
  return slash < 0 ? { deviceId: ik } : { deviceId: ik.slice(0, slash), moduleId: ik.slice(slash + 1) };
}

/** Splits a record key; undefined when it is not one. */
export function parseRecordKey(key: string): { ik: string; id: number } | undefined {
  const at = key.length - SEQ_KEY_CHARS - 1;
  if (at < 1 || key[at] !== SEPARATOR) return undefined;
  const hex = key.slice(at + 1);
  if (!/^[0-9a-f]{16}$/.test(hex)) return undefined;
  const id = parseSeqKey(hex);
  return Number.isSafeInteger(id) ? { ik: key.slice(0, at), id } : undefined;
}

/** The header of a record value; undefined when it is truncated or of another format. */
export function readHeader(value: Uint8Array): { enqueuedAtMs: number; seq: number } | undefined {
  if (value.byteLength < HEADER_BYTES || value[0] !== RECORD_FORMAT) return undefined;
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const enqueuedAtMs = view.getFloat64(1);
  const seq = view.getFloat64(9);
  if (!Number.isFinite(enqueuedAtMs) || !Number.isFinite(seq)) return undefined;
  return { enqueuedAtMs, seq };
}

/** Encodes records; holds the codec's two-step state, so one instance per synchronous user. */
export class RecordEncoder {
  readonly #telemetry = new TelemetryEncoder();

  /** The value for `item`, taken by the outbox at `enqueuedAtMs`. */
  encode(item: StoredTelemetry, enqueuedAtMs: number): Buffer {
    const { deviceId, moduleId, message } = item;
    const hubMs = hubEnqueuedMs(item, enqueuedAtMs);
    const size = this.#telemetry.size(hubMs, deviceId, moduleId, message);
    const out = Buffer.allocUnsafe(HEADER_BYTES + size);
    out[0] = RECORD_FORMAT;
    out.writeDoubleBE(enqueuedAtMs, 1);
    out.writeDoubleBE(item.seq, 9);
    this.#telemetry.writeTo(out, HEADER_BYTES, hubMs, deviceId, moduleId, message);
    return out;
  }
}

/**
 * The hub's enqueued time of a message, so the codec recognises the hub's stamps and stores a
 * flag instead of their text; the outbox's time when the message carries no valid stamp.
 */
function hubEnqueuedMs(item: StoredTelemetry, fallback: number): number {
  const stamp = item.message.system?.enqueuedTime;
  if (typeof stamp !== 'string') return fallback;
  const ms = Date.parse(stamp);
  return Number.isFinite(ms) ? ms : fallback;
}

/** A decoded record. */
export interface DecodedRecord {
  enqueuedAtMs: number;
  telemetry: StoredTelemetry;
}

/** Decodes a record value; FH_OUTBOX_CORRUPT when it cannot be read. */
export function decodeRecord(value: Uint8Array): DecodedRecord {
  const header = readHeader(value);
  if (header === undefined) throw new RuntimeError('FH_OUTBOX_CORRUPT', 'outbox record header is truncated or of an unknown format');
  try {
    return { enqueuedAtMs: header.enqueuedAtMs, telemetry: decodeTelemetry(header.seq, value.subarray(HEADER_BYTES)) };
  } catch (cause) {
    throw new RuntimeError('FH_OUTBOX_CORRUPT', `outbox record cannot be decoded: ${(cause as Error).message}`, { cause });
  }
}
