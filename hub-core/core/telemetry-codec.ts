/**
 * Binary framing of stored telemetry. It is on the hot path (every device message is encoded
 * once, and decoded by every reader), so the body stays raw bytes instead of base64 in JSON:
 *
 *   [0]        format version, {@link FORMAT_VERSION}; decoders refuse others (FH_STORE_CORRUPT)
 *   [1]        flags: {@link FLAG_STAMPED}, {@link FLAG_MODULE}
 *   [2..10)    enqueued time, ms since the epoch, float64 BE (the retention sweep reads only this)
 *   [10]       a: device id length, UTF-8 bytes
 *   [11]       b: module id length (0 without FLAG_MODULE)
 *   [12..16)   n: properties length, uint32 BE (0: none)
 *   then       device id (a bytes), module id (b bytes), properties (n bytes), body (the rest)
 *
 * Properties are UTF-8 JSON {s?: system properties, p?: application properties}, each left out
 * when empty. With FLAG_STAMPED the hub's stamps (system enqueuedTime, connectionDeviceId and,
 * from a module, connectionModuleId) are not stored: they equal the enqueued time and the ids, so
 * the decoder derives them. A plain message is then ids and body only.
 *
 * Why: JSON.stringify of a whole header object (~1 µs) and Buffer#write of its text (~0.3 µs) were
 * the two largest costs per message in the mqtt-ingest profile once the stamps were cheap. The
 * JSON is written by hand: no copy of the system properties to drop the stamps, and strings that
 * need no escaping (most keys and values) are copied between quotes; the rest go through
 * JSON.stringify, so the text is the same JSON. Measured faster than JSON.stringify, also with
 * properties.
 */
import { HubError } from '../errors.js';
import { IsoTimeCache } from './iso-time.js';
import type { Message, StoredTelemetry, SystemProperties } from './types.js';

/** Bumped whenever the layout changes; old stored data is then refused, never misread. */
export const FORMAT_VERSION = 2;
/** The stamps are not stored but derived on decode (see the file comment). */
export const FLAG_STAMPED = 1;
/** The message comes from a module: the module id follows the device id. */
export const FLAG_MODULE = 2;
const PREFIX_BYTES = 16;
/** Ids are at most 128 ASCII characters (ids.ts); the length byte allows 255. */
const MAX_ID_BYTES = 255;
/** Date's range (ECMAScript TimeClip): toISOString throws outside it. */
const MAX_TIME_MS = 8.64e15;
/** Up to this many characters a byte loop beats Buffer#write's fixed cost (measured). */
const SHORT_ASCII = 32;

/** Encoding and decoding keep separate caches: a reader of old data must not evict the live ms. */
const encodeIso = new IsoTimeCache();
const decodeIso = new IsoTimeCache();

/**
 * The enqueuedTime stamp for `ms`: `new Date(ms).toISOString()`, cached per ms. Stamping with it
 * lets the encoder recognise the stamp by identity instead of comparing the text.
 */
export function enqueuedTimeOf(ms: number): string {
  return encodeIso.of(ms);
}

/** While building the properties text: false once it holds a non-ASCII character. */
let ascii = true;

function isAscii(s: string, from = 0): boolean {
  for (let i = from; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** A JSON string literal for `s`; the plain copy between quotes when nothing needs escaping. */
function jsonString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7f) {
      if (ascii && !isAscii(s, i)) ascii = false;
      // JSON.stringify escapes what must be (and lone surrogates) and keeps other non-ASCII raw.
      return JSON.stringify(s);
    }
  }
  return '"' + s + '"';
}

function isStamp(key: string): boolean {
  return key === 'enqueuedTime' || key === 'connectionDeviceId' || key === 'connectionModuleId';
}

/**
 * The JSON object text of `obj` ('' when empty), without the stamps when `skipStamps`. Undefined
 * values are left out, as JSON.stringify does. A non-string value (no head sends one; types are
 * not the wire) makes it JSON.stringify the whole object: stamps kept are harmless, the decoder
 * sets the same values over them.
 */
function objectJson(obj: Record<string, unknown>, skipStamps: boolean): string {
  let out = '';
  for (const key in obj) {
    const value = obj[key];
    if (value === undefined || (skipStamps && isStamp(key))) continue;
    if (typeof value !== 'string') {
      const json = JSON.stringify(obj);
      if (!isAscii(json)) ascii = false;
      return json;
    }
    out += (out === '' ? '{' : ',') + jsonString(key) + ':' + jsonString(value);
  }
  return out === '' ? '' : out + '}';
}

/** The properties text of a message ('' when there is nothing to store); sets {@link ascii}. */
function propertiesJson(system: SystemProperties, properties: Record<string, string>, stamped: boolean): string {
  ascii = true;
  const s = objectJson(system as Record<string, unknown>, stamped);
  const p = objectJson(properties, false);
  if (s === '' && p === '') return '';
  return s === '' ? `{"p":${p}}` : p === '' ? `{"s":${s}}` : `{"s":${s},"p":${p}}`;
}

/** True when `system` carries exactly the stamps the decoder derives for this time and these ids. */
function hasHubStamps(enqueuedMs: number, deviceId: string, moduleId: string | undefined, system: SystemProperties): boolean {
  return system.connectionDeviceId === deviceId && system.connectionModuleId === moduleId
    && typeof system.enqueuedTime === 'string' && Math.abs(enqueuedMs) <= MAX_TIME_MS
    && system.enqueuedTime === encodeIso.of(enqueuedMs);
}

/** UTF-8 length of an id (its character count when ASCII, as ids are). */
function idBytes(id: string): number {
  const n = isAscii(id) ? id.length : Buffer.byteLength(id, 'utf8');
  if (n > MAX_ID_BYTES) throw new RangeError(`telemetry ids are at most ${MAX_ID_BYTES} bytes`);
  return n;
}

/** Writes `text` (`bytes` long in UTF-8) at `at`: a byte loop for short ASCII such as ids. */
function writeText(out: Buffer, at: number, text: string, bytes: number): void {
  const asciiText = bytes === text.length;
  if (asciiText && bytes <= SHORT_ASCII) {
    for (let i = 0; i < bytes; i++) out[at + i] = text.charCodeAt(i);
  } else {
    out.write(text, at, bytes, asciiText ? 'latin1' : 'utf8');
  }
}

/**
 * Encodes messages in two steps, so a record can be written straight into a segment buffer:
 * {@link size} (every check that can throw) then {@link writeTo}, synchronously, with the same
 * message. Holds the step's state; one instance per synchronous user.
 */
export class TelemetryEncoder {
  private json = '';
  private stamped = false;
  private a = 0;
  private b = 0;
  private n = 0;

  /** The encoded size of a message (its system properties usually already stamped by the hub). */
  size(enqueuedMs: number, deviceId: string, moduleId: string | undefined, message: Message): number {
    const system = message.system ?? {};
    this.stamped = hasHubStamps(enqueuedMs, deviceId, moduleId, system);
    this.json = propertiesJson(system, message.properties ?? {}, this.stamped);
    this.n = ascii ? this.json.length : Buffer.byteLength(this.json, 'utf8');
    this.a = idBytes(deviceId);
    this.b = moduleId === undefined ? 0 : idBytes(moduleId);
    return PREFIX_BYTES + this.a + this.b + this.n + message.body.byteLength;
  }

  /** Writes the message last sized, with the same arguments, at `out[at..]`. */
  writeTo(out: Buffer, at: number, enqueuedMs: number, deviceId: string, moduleId: string | undefined, message: Message): void {
    const { a, b, n } = this;
    out[at] = FORMAT_VERSION;
    out[at + 1] = (this.stamped ? FLAG_STAMPED : 0) | (moduleId === undefined ? 0 : FLAG_MODULE);
    out.writeDoubleBE(enqueuedMs, at + 2);
    out[at + 10] = a;
    out[at + 11] = b;
    out.writeUInt32BE(n, at + 12);
    writeText(out, at + PREFIX_BYTES, deviceId, a);
    if (moduleId !== undefined) writeText(out, at + PREFIX_BYTES + a, moduleId, b);
    if (n !== 0) writeText(out, at + PREFIX_BYTES + a + b, this.json, n);
    out.set(message.body, at + PREFIX_BYTES + a + b + n);
    this.json = '';
  }
}

const encoder = new TelemetryEncoder();

/** Encodes a message (its system properties usually already stamped by the hub) on its own. */
export function encodeTelemetry(enqueuedMs: number, deviceId: string, moduleId: string | undefined, message: Message): Uint8Array {
  const out = Buffer.allocUnsafe(encoder.size(enqueuedMs, deviceId, moduleId, message));
  encoder.writeTo(out, 0, enqueuedMs, deviceId, moduleId, message);
  return out;
}

function view(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The record as a Buffer, its prefix checked: FH_STORE_CORRUPT when truncated or of another format. */
function checked(bytes: Uint8Array): Buffer {
  const buf = view(bytes);
  if (buf.length < PREFIX_BYTES) throw new HubError('FH_STORE_CORRUPT', 'stored telemetry is truncated');
  if (buf[0] !== FORMAT_VERSION) throw new HubError('FH_STORE_CORRUPT', `stored telemetry has unknown format version ${buf[0]}`);
  return buf;
}

/** The enqueued time (ms) of an encoded message, without decoding the rest. */
export function enqueuedMsOf(bytes: Uint8Array): number {
  return checked(bytes).readDoubleBE(2);
}

interface Properties {
  s?: SystemProperties;
  p?: Record<string, string>;
}

/** Decodes a stored message; `seq` comes from its key. The body is a copy (readers may keep it). */
export function decodeTelemetry(seq: number, bytes: Uint8Array): StoredTelemetry {
  const buf = checked(bytes);
  const flags = buf[1]!;
  const a = buf[10]!;
  const b = buf[11]!;
  const at = PREFIX_BYTES + a + b + buf.readUInt32BE(12);
  if (at > buf.length) throw new HubError('FH_STORE_CORRUPT', 'stored telemetry header is truncated');
  const deviceId = buf.toString('utf8', PREFIX_BYTES, PREFIX_BYTES + a);
  const moduleId = (flags & FLAG_MODULE) === 0 ? undefined : buf.toString('utf8', PREFIX_BYTES + a, PREFIX_BYTES + a + b);
  let props: Properties = {};
  if (at > PREFIX_BYTES + a + b) {
    try {
      props = JSON.parse(buf.toString('utf8', PREFIX_BYTES + a + b, at)) as Properties;
    } catch (cause) {
      throw new HubError('FH_STORE_CORRUPT', 'stored telemetry properties are not JSON', { cause });
    }
    if (typeof props !== 'object' || props === null) throw new HubError('FH_STORE_CORRUPT', 'stored telemetry properties are not an object');
  }
  const system = props.s ?? {};
  if ((flags & FLAG_STAMPED) !== 0) {
    system.enqueuedTime = decodeIso.of(buf.readDoubleBE(2));
    system.connectionDeviceId = deviceId;
    if (moduleId !== undefined) system.connectionModuleId = moduleId;
  }
  const body = new Uint8Array(buf.subarray(at));
  const stored: StoredTelemetry = { seq, deviceId, message: { body, system, properties: props.p ?? {} } };
  if (moduleId !== undefined) stored.moduleId = moduleId;
  return stored;
}

/**
 * The IoT Hub size of a message: body bytes plus the UTF-8 bytes of every application property
 * key and value. Throws FH_MSG_INVALID when the body is not bytes or a property is not a string.
 */
export function messageSize(message: Message): number {
  if (!(message?.body instanceof Uint8Array)) throw new HubError('FH_MSG_INVALID', 'the message body must be bytes');
  let size = message.body.byteLength;
  const properties = message.properties ?? {};
  // for-in instead of Object.entries: no array of pairs per message (the usual object is empty).
  for (const key in properties) {
    const value = properties[key];
    if (typeof value !== 'string') throw new HubError('FH_MSG_INVALID', `application property ${key} is not a string`);
    size += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
  }
  return size;
}
