/**
 * Binary framing of stored telemetry. It is on the hot path (every device message is encoded
 * once, and decoded by every reader), so the body stays raw bytes instead of base64 in JSON:
 *
 *   [0..8)   enqueued time, ms since the epoch, float64 BE (the retention sweep reads only this)
 *   [8..12)  header length n, uint32 BE
 *   [12..12+n) header: UTF-8 JSON {d, m?, s: system properties, p: application properties}
 *   [12+n..) body bytes
 */
import { HubError } from '../errors.js';
import type { Message, StoredTelemetry, SystemProperties } from './types.js';

interface Header {
  d: string;
  m?: string;
  s: SystemProperties;
  p: Record<string, string>;
}

const PREFIX_BYTES = 12;

/** Encodes a message (its system properties already stamped by the hub) for the store. */
export function encodeTelemetry(enqueuedMs: number, deviceId: string, moduleId: string | undefined, message: Message): Uint8Array {
  const header: Header = moduleId === undefined
    ? { d: deviceId, s: message.system, p: message.properties }
    : { d: deviceId, m: moduleId, s: message.system, p: message.properties };
  const json = JSON.stringify(header);
  const headerBytes = Buffer.byteLength(json, 'utf8');
  const out = Buffer.allocUnsafe(PREFIX_BYTES + headerBytes + message.body.byteLength);
  out.writeDoubleBE(enqueuedMs, 0);
  out.writeUInt32BE(headerBytes, 8);
  out.write(json, PREFIX_BYTES, 'utf8');
  out.set(message.body, PREFIX_BYTES + headerBytes);
  return out;
}

function view(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The enqueued time (ms) of an encoded message, without decoding the rest. */
export function enqueuedMsOf(bytes: Uint8Array): number {
  if (bytes.byteLength < PREFIX_BYTES) throw new HubError('FH_STORE_CORRUPT', 'stored telemetry is truncated');
  return view(bytes).readDoubleBE(0);
}

/** Decodes a stored message; `seq` comes from its key. The body is a copy (readers may keep it). */
export function decodeTelemetry(seq: number, bytes: Uint8Array): StoredTelemetry {
  const buf = view(bytes);
  if (buf.length < PREFIX_BYTES) throw new HubError('FH_STORE_CORRUPT', 'stored telemetry is truncated');
  const headerBytes = buf.readUInt32BE(8);
  if (PREFIX_BYTES + headerBytes > buf.length) throw new HubError('FH_STORE_CORRUPT', 'stored telemetry header is truncated');
  let header: Header;
  try {
    header = JSON.parse(buf.toString('utf8', PREFIX_BYTES, PREFIX_BYTES + headerBytes)) as Header;
  } catch (cause) {
    throw new HubError('FH_STORE_CORRUPT', 'stored telemetry header is not JSON', { cause });
  }
  const body = new Uint8Array(buf.subarray(PREFIX_BYTES + headerBytes));
  const stored: StoredTelemetry = { seq, deviceId: header.d, message: { body, system: header.s, properties: header.p } };
  if (header.m !== undefined) stored.moduleId = header.m;
  return stored;
}

/**
 * The IoT Hub size of a message: body bytes plus the UTF-8 bytes of every application property
 * key and value. Throws FH_MSG_INVALID when the body is not bytes or a property is not a string.
 */
export function messageSize(message: Message): number {
  if (!(message?.body instanceof Uint8Array)) throw new HubError('FH_MSG_INVALID', 'the message body must be bytes');
  let size = message.body.byteLength;
  for (const [key, value] of Object.entries(message.properties ?? {})) {
    if (typeof value !== 'string') throw new HubError('FH_MSG_INVALID', `application property ${key} is not a string`);
    size += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
  }
  return size;
}
