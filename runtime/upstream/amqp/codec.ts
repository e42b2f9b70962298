/**
 * Messages of the AMQP upstream link, encoded as the official device SDK encodes them
 * (azure-iot-amqp-base AmqpMessage, amqp_twin_client, amqp_device_method_client; wire contract C
 * "Message formats"): Data-section bodies, uuid-shaped ids as AMQP uuid, `iothub-*` annotations
 * and properties. Pure functions; no link state.
 */
import rhea, { type Message as AmqpMessage } from 'rhea';
import type { JsonObject, JsonValue, Message, SystemProperties } from '../../../hub-core/core/types.js';

/** The SDK sends an id as AMQP uuid only when it is a canonical RFC 4122 uuid (versions 1-5). */
const SDK_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Wire form of a message or correlation id. */
export function idToWire(id: string): string | Buffer {
  return SDK_UUID.test(id) ? rhea.string_to_uuid(id) : id;
}

/** Text of a received id: AMQP uuid (16-byte Buffer) as canonical lowercase text, numbers as decimal. */
export function idText(id: unknown): string | undefined {
  if (typeof id === 'string') return id;
  if (typeof id === 'number' || typeof id === 'bigint') return String(id);
  if (Buffer.isBuffer(id)) return id.length === 16 ? rhea.uuid_to_string(id) : id.toString('hex');
  return undefined;
}

function dataSection(bytes: Uint8Array | string): unknown {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return rhea.message.data_section(buf);
}

/** Bytes of a received body: Data section(s), or an amqp-value (string, binary, JSON). */
export function bodyBytes(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  const section = body as { typecode?: unknown; content?: unknown; multiple?: boolean };
  if (typeof section.typecode === 'number' && 'content' in section) {
    if (section.typecode === 0x75) {
      const parts = section.multiple === true && Array.isArray(section.content) ? section.content : [section.content];
      return Buffer.concat(parts.filter((p): p is Uint8Array => p instanceof Uint8Array));
    }
    return Buffer.from(JSON.stringify(section.content) ?? '', 'utf8');
  }
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body) ?? '', 'utf8');
}

/** A body as JSON; empty is null, text that is not JSON stays a string. */
export function jsonBody(body: unknown): JsonValue {
  const text = bodyBytes(body).toString('utf8');
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

/** An application property by name, falling back to a case-insensitive match (`IoThub-status`). */
export function appProperty(m: AmqpMessage, name: string): unknown {
  const props = (m.application_properties ?? {}) as Record<string, unknown>;
  if (name in props) return props[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(props)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/**
 * Telemetry as the SDK sends it on `address`: `to` = the address, ids (uuid-typed when
 * uuid-shaped), content type and encoding, expiry, application properties, module output
 * name as `iothub-outputname`, `iothub-interface-id` and `dt-subject` as annotations.
 */
export function encodeTelemetry(message: Message, address: string): AmqpMessage {
  const s = message.system;
  const out: AmqpMessage = { to: address, body: dataSection(message.body) };
  if (s.messageId) out.message_id = idToWire(s.messageId);
  if (s.correlationId) out.correlation_id = idToWire(s.correlationId);
  if (s.contentType) out.content_type = s.contentType;
  if (s.contentEncoding) out.content_encoding = s.contentEncoding;
  const expiry = s.expiryTimeUtc === undefined ? NaN : Date.parse(s.expiryTimeUtc);
  if (Number.isFinite(expiry)) out.absolute_expiry_time = new Date(expiry);
  const props: Record<string, string> = { ...message.properties };
  if (s.outputName) props['iothub-outputname'] = s.outputName;
  if (Object.keys(props).length > 0) out.application_properties = props;
  const annotations: Record<string, string> = {};
  if (s.interfaceId) annotations['iothub-interface-id'] = s.interfaceId;
  if (s.subject) annotations['dt-subject'] = s.subject;
  if (Object.keys(annotations).length > 0) out.message_annotations = annotations;
  return out;
}

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function isoTime(v: unknown): string | undefined {
  const d = v instanceof Date ? v : typeof v === 'number' ? new Date(v) : undefined;
  return d !== undefined && Number.isFinite(d.getTime()) ? d.toISOString() : undefined;
}

/** A cloud-to-device message as the gateway's core keeps it (`iothub-ack` becomes `system.ack`). */
export function decodeC2d(m: AmqpMessage): Message {
  const system: SystemProperties = {};
  const set = <K extends keyof SystemProperties>(key: K, value: SystemProperties[K] | undefined): void => {
    if (value !== undefined && value !== '') system[key] = value;
  };
  set('messageId', idText(m.message_id));
  set('correlationId', idText(m.correlation_id));
  set('to', typeof m.to === 'string' ? m.to : undefined);
  set('contentType', typeof m.content_type === 'string' ? m.content_type : undefined);
  set('contentEncoding', typeof m.content_encoding === 'string' ? m.content_encoding : undefined);
  set('expiryTimeUtc', isoTime(m.absolute_expiry_time));
  set('userId', m.user_id === undefined ? undefined : text(m.user_id));
  const annotations = (m.message_annotations ?? {}) as Record<string, unknown>;
  set('enqueuedTime', isoTime(annotations['iothub-enqueuedtime']));
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries((m.application_properties ?? {}) as Record<string, unknown>)) {
    if (k.toLowerCase() === 'iothub-ack') set('ack', text(v));
    else properties[k] = text(v);
  }
  return { body: new Uint8Array(bodyBytes(m.body)), system, properties };
}

/** A direct-method request: name from `IoThub-methodname`, JSON payload, the raw correlation id to echo. */
export function decodeMethodRequest(m: AmqpMessage): { methodName: string; payload: JsonValue; correlationId: unknown } | undefined {
  const name = appProperty(m, 'IoThub-methodname');
  if (typeof name !== 'string' || name === '' || m.correlation_id === undefined) return undefined;
  return { methodName: name, payload: jsonBody(m.body), correlationId: m.correlation_id };
}

/** The method answer: the request's correlation id as received, `IoThub-status` as int, JSON body. */
export function encodeMethodResponse(correlationId: unknown, status: number, payload: JsonValue): AmqpMessage {
  return {
    correlation_id: correlationId as string,
    application_properties: { 'IoThub-status': rhea.types.wrap_int(Math.trunc(status)) },
    body: dataSection(JSON.stringify(payload ?? null)),
  };
}

/** Twin resources (wire contract C "Twin request"). */
export const TWIN_REPORTED = '/properties/reported';
export const TWIN_DESIRED_NOTIFICATIONS = '/notifications/twin/properties/desired';

/** A twin request (sent pre-settled); the correlation id is a uuid *string*, as the SDK sends it. */
export function encodeTwinRequest(correlationId: string, operation: 'GET' | 'PATCH' | 'PUT' | 'DELETE', resource?: string, body?: string): AmqpMessage {
  const annotations: Record<string, string> = { operation };
  if (resource !== undefined) annotations.resource = resource;
  // GET and PUT carry a single space, as the SDK sends them.
  return { correlation_id: correlationId, message_annotations: annotations, body: dataSection(body ?? ' ') };
}

/** A twin response, or a desired-properties notification (no correlation id). */
export type TwinInbound =
  | { kind: 'response'; correlationId: string; status: number; version?: number; body: JsonValue }
  | { kind: 'desired'; patch: JsonObject };

export function decodeTwinInbound(m: AmqpMessage): TwinInbound | undefined {
  const correlationId = idText(m.correlation_id);
  const body = jsonBody(m.body);
  if (correlationId === undefined) {
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? { kind: 'desired', patch: body } : undefined;
  }
  const annotations = (m.message_annotations ?? {}) as Record<string, unknown>;
  // No annotations at all means success [SDK _onResponseMessage].
  const status = annotations.status === undefined ? 200 : Number(annotations.status);
  const version = annotations.version === undefined ? undefined : Number(annotations.version);
  const out: TwinInbound = { kind: 'response', correlationId, status: Number.isFinite(status) ? status : 500, body };
  if (version !== undefined && Number.isFinite(version)) out.version = version;
  return out;
}
