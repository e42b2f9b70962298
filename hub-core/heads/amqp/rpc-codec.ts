/**
 * Request/response messages: CBS put-token (wire contract C "CBS"), direct methods and twin
 * operations ("Message formats"). Correlation ids are echoed exactly as received (string or
 * uuid), because the SDKs match them with `===` on the decoded value.
 */
import rhea, { type Message as AmqpMessage } from 'rhea';
import type { JsonObject, JsonValue, MethodRequest } from '../../core/types.js';
import { bodyBytes, idToString, idToWire, type OutboundMessage } from './message-codec.js';

/** Token types a put-token may carry (compared case-insensitively). */
const TOKEN_TYPES = ['servicebus.windows.net:sastoken', 'azure-devices.net:sastoken'];

/** A parsed CBS request, or why it is not one the hub serves. */
export type CbsRequest =
  | { ok: true; token: string; messageId: unknown; replyTo: string | undefined }
  | { ok: false; status: number; description: string; messageId: unknown; replyTo: string | undefined };

function appProp(m: AmqpMessage, name: string): unknown {
  const props = (m.application_properties ?? {}) as Record<string, unknown>;
  if (name in props) return props[name];
  // The SDKs differ in case (`IoThub-status`, `iothub-status`): fall back to a case-insensitive match.
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(props)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** Reads a put-token request. The identity is taken from the token's sr later, never from `name`. */
export function parseCbsRequest(m: AmqpMessage): CbsRequest {
  const base = { messageId: m.message_id, replyTo: typeof m.reply_to === 'string' ? m.reply_to : undefined };
  const operation = appProp(m, 'operation');
  if (typeof operation !== 'string' || operation.toLowerCase() !== 'put-token') {
    return { ok: false, status: 400, description: 'unsupported CBS operation', ...base };
  }
  const type = appProp(m, 'type');
  if (typeof type !== 'string' || !TOKEN_TYPES.includes(type.toLowerCase())) {
    return { ok: false, status: 400, description: 'unsupported token type', ...base };
  }
  const body: unknown = m.body;
  // The token travels as an amqp-value string; a Data section is tolerated.
  const token = typeof body === 'string' ? body : Buffer.from(bodyBytes(body)).toString('utf8');
  if (token === '') return { ok: false, status: 400, description: 'missing token', ...base };
  return { ok: true, token, ...base };
}

/** The put-token reply: correlation_id = request message_id, int `status-code`. */
export function encodeCbsReply(messageId: unknown, replyTo: string | undefined, status: number, description: string): OutboundMessage {
  const out: OutboundMessage = {
    body: undefined,
    application_properties: { 'status-code': rhea.types.wrap_int(status), 'status-description': description },
  };
  const correlation = wireId(messageId);
  if (correlation !== undefined) out.correlation_id = correlation;
  if (replyTo !== undefined) out.to = replyTo;
  return out;
}

/** An id value to echo: strings and numbers as they are; Buffers as uuid only when 16 bytes. */
function wireId(id: unknown): string | number | Buffer | undefined {
  if (typeof id === 'string' || typeof id === 'number') return id;
  if (Buffer.isBuffer(id)) return id.length === 16 ? id : id.toString('hex');
  return undefined;
}

/** A direct method request: Data body (JSON, `null` for none), rid as correlation_id, method name. */
export function encodeMethodRequest(request: MethodRequest): OutboundMessage {
  return {
    correlation_id: idToWire(request.rid),
    application_properties: { 'IoThub-methodname': request.name },
    // The SDK JSON.parses the body: an empty body would fail, so a null payload is `null`.
    body: rhea.message.data_section(Buffer.from(JSON.stringify(request.payload ?? null), 'utf8')),
  };
}

/** A device's method response; undefined when it has no correlation id. */
export function decodeMethodResponse(m: AmqpMessage): { rid: string; status: number; payload: JsonValue } | undefined {
  const rid = idToString(m.correlation_id);
  if (rid === undefined) return undefined;
  const rawStatus = appProp(m, 'IoThub-status');
  const status = typeof rawStatus === 'number' ? rawStatus : Number.parseInt(String(rawStatus), 10);
  return { rid, status: Number.isFinite(status) ? status : 500, payload: parseJsonBody(m.body) };
}

/** A body as JSON: empty = null; text that is not JSON is kept as a string. */
export function parseJsonBody(body: unknown): JsonValue {
  const text = Buffer.from(bodyBytes(body)).toString('utf8');
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

/** A twin request: `operation` and `resource` annotations, echoed correlation id. */
export interface TwinRequest {
  operation: string;
  resource: string | undefined;
  correlationId: unknown;
  body: unknown;
}

export function decodeTwinRequest(m: AmqpMessage): TwinRequest {
  const annotations = (m.message_annotations ?? {}) as Record<string, unknown>;
  const operation = typeof annotations['operation'] === 'string' ? annotations['operation'].toUpperCase() : '';
  const resource = typeof annotations['resource'] === 'string' ? annotations['resource'] : undefined;
  return { operation, resource, correlationId: m.correlation_id, body: m.body };
}

/** A twin response: `status` (int) and optional `version` annotations, Data body. */
export function encodeTwinResponse(correlationId: unknown, status: number, body: string, version?: number): OutboundMessage {
  const annotations: Record<string, unknown> = { status: rhea.types.wrap_int(status) };
  if (version !== undefined) annotations['version'] = rhea.types.wrap_long(version);
  const out: OutboundMessage = { message_annotations: annotations, body: rhea.message.data_section(Buffer.from(body, 'utf8')) };
  const id = wireId(correlationId);
  if (id !== undefined) out.correlation_id = id;
  return out;
}

/** A desired-properties notification: no correlation id (that is how the SDK tells it apart). */
export function encodeDesiredPatch(patch: JsonObject): OutboundMessage {
  return { body: rhea.message.data_section(Buffer.from(JSON.stringify(patch), 'utf8')) };
}
