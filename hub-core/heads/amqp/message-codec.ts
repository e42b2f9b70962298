/**
 * AMQP message ⇄ hub-core {@link Message}: device telemetry and service C2D messages in, C2D
 * deliveries and feedback batches out (wire contract C "Message formats", E "C2D over AMQP",
 * "Feedback"). Bodies leave the hub as Data sections only: the device SDK reads
 * `body.content`, so an amqp-value body would arrive empty.
 */
import rhea, { type Message as AmqpMessage } from 'rhea';
import type { C2dDelivery, FeedbackRecord, Message, SystemProperties } from '../../core/types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMPTY = new Uint8Array(0);

/** Content type of feedback batches [contract E "Feedback"]. */
export const FEEDBACK_CONTENT_TYPE = 'application/vnd.microsoft.iothub.feedback.json';
/** Records per feedback message [contract E: batch ≤ 64 entries]. */
export const FEEDBACK_BATCH_MAX = 64;

/**
 * A message the hub sends. rhea's typing says `user_id` is a string, but the AMQP field is
 * binary and rhea encodes a Buffer as such; the cast to rhea's type happens at the send site.
 */
export type OutboundMessage = Omit<AmqpMessage, 'user_id'> & { user_id?: Buffer };

/** A body section as rhea decodes it (Data 0x75, AmqpSequence 0x76). */
interface Section {
  typecode: number;
  content: unknown;
  multiple?: boolean;
}

function isSection(v: unknown): v is Section {
  return typeof v === 'object' && v !== null && typeof (v as Section).typecode === 'number' && 'content' in v;
}

/**
 * The canonical string of a message-id/correlation-id: uuids (16-byte Buffers, as rhea decodes
 * AMQP uuid) become lowercase 8-4-4-4-12 text, numbers their decimal form; strings stay as sent.
 */
export function idToString(id: unknown): string | undefined {
  if (id === undefined || id === null) return undefined;
  if (typeof id === 'string') return id;
  if (typeof id === 'number' || typeof id === 'bigint') return String(id);
  if (Buffer.isBuffer(id)) return id.length === 16 ? rhea.uuid_to_string(id) : id.toString('hex');
  return undefined;
}

/** The wire form of an id: AMQP uuid when the text is uuid-shaped (as Azure sends), else a string. */
export function idToWire(id: string): string | Buffer {
  return UUID.test(id) ? rhea.string_to_uuid(id) : id;
}

/** Body bytes of any body section: Data (one or several), amqp-value (string, binary, JSON) or a sequence. */
export function bodyBytes(body: unknown): Uint8Array {
  if (body === undefined || body === null) return EMPTY;
  if (isSection(body)) {
    if (body.typecode === 0x75) {
      const parts = body.multiple === true && Array.isArray(body.content) ? body.content : [body.content];
      return Buffer.concat(parts.filter((p): p is Uint8Array => p instanceof Uint8Array));
    }
    return Buffer.from(JSON.stringify(body.content) ?? '', 'utf8');
  }
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body) ?? '', 'utf8');
}

/** Application property values are typed in AMQP; the core keeps strings. */
function propertyText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function userIdText(v: unknown): string | undefined {
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return typeof v === 'string' ? v : undefined;
}

function isoTime(v: unknown): string | undefined {
  const d = v instanceof Date ? v : typeof v === 'number' ? new Date(v) : undefined;
  return d !== undefined && Number.isFinite(d.getTime()) ? d.toISOString() : undefined;
}

/**
 * Decodes a message a device sends (telemetry) or a service sends (C2D). Device messages carry
 * the module output name as app property `iothub-outputname`; service messages carry the
 * feedback request as `iothub-ack`. Both become system properties, not app properties.
 */
export function decodeInbound(m: AmqpMessage, kind: 'telemetry' | 'c2d'): Message {
  const system: SystemProperties = {};
  const set = <K extends keyof SystemProperties>(key: K, value: SystemProperties[K] | undefined): void => {
    if (value !== undefined && value !== '') system[key] = value;
  };
  set('messageId', idToString(m.message_id));
  set('correlationId', idToString(m.correlation_id));
  set('contentType', typeof m.content_type === 'string' ? m.content_type : undefined);
  set('contentEncoding', typeof m.content_encoding === 'string' ? m.content_encoding : undefined);
  set('expiryTimeUtc', isoTime(m.absolute_expiry_time));
  set('userId', userIdText(m.user_id));
  if (kind === 'telemetry') set('to', typeof m.to === 'string' ? m.to : undefined);
  const annotations = (m.message_annotations ?? {}) as Record<string, unknown>;
  set('interfaceId', typeof annotations['iothub-interface-id'] === 'string' ? annotations['iothub-interface-id'] : undefined);
  set('subject', typeof annotations['dt-subject'] === 'string' ? annotations['dt-subject'] : undefined);
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries((m.application_properties ?? {}) as Record<string, unknown>)) {
    if (kind === 'telemetry' && key === 'iothub-outputname') set('outputName', propertyText(value));
    else if (kind === 'c2d' && key === 'iothub-ack') set('ack', propertyText(value));
    else properties[key] = propertyText(value);
  }
  return { body: bodyBytes(m.body), system, properties };
}

/**
 * A C2D delivery (or module input message) as the device receives it: Data body, system
 * properties, app properties with `iothub-ack`, and the hub's annotations.
 */
export function encodeC2d(delivery: C2dDelivery): OutboundMessage {
  const { message } = delivery;
  const s = message.system;
  const out: OutboundMessage = {
    body: rhea.message.data_section(Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength)),
    delivery_count: delivery.deliveryCount,
  };
  if (s.messageId !== undefined) out.message_id = s.messageId;
  if (s.to !== undefined) out.to = s.to;
  if (s.correlationId !== undefined) out.correlation_id = s.correlationId;
  if (s.userId !== undefined) out.user_id = Buffer.from(s.userId, 'utf8');
  if (s.contentType !== undefined) out.content_type = s.contentType;
  if (s.contentEncoding !== undefined) out.content_encoding = s.contentEncoding;
  const expiry = s.expiryTimeUtc === undefined ? NaN : Date.parse(s.expiryTimeUtc);
  if (Number.isFinite(expiry)) out.absolute_expiry_time = new Date(expiry);
  const props: Record<string, unknown> = { ...message.properties };
  if (s.ack !== undefined) props['iothub-ack'] = s.ack;
  if (Object.keys(props).length > 0) out.application_properties = props;
  const annotations: Record<string, unknown> = {};
  const enqueued = Date.parse(delivery.enqueuedTime);
  if (Number.isFinite(enqueued)) annotations['iothub-enqueuedtime'] = new Date(enqueued);
  if (s.inputName !== undefined) annotations['x-opt-input-name'] = s.inputName;
  if (Object.keys(annotations).length > 0) out.message_annotations = annotations;
  return out;
}

/** One feedback message: a JSON array of at most {@link FEEDBACK_BATCH_MAX} records. */
export function encodeFeedback(records: FeedbackRecord[], hubName: string): OutboundMessage {
  return {
    message_id: rhea.generate_uuid(),
    content_type: FEEDBACK_CONTENT_TYPE,
    user_id: Buffer.from(hubName, 'utf8'),
    body: rhea.message.data_section(Buffer.from(JSON.stringify(records), 'utf8')),
  };
}

/** A file-upload notification message (wire contract E "File notifications"). */
export function encodeFileNotification(notification: Record<string, unknown>, hubName: string): OutboundMessage {
  return {
    message_id: rhea.generate_uuid(),
    content_type: 'application/json',
    user_id: Buffer.from(hubName, 'utf8'),
    body: rhea.message.data_section(Buffer.from(JSON.stringify(notification), 'utf8')),
  };
}
