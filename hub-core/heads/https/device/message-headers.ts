/**
 * Message properties on the HTTP device API (wire contract D): telemetry arrives with its
 * properties as request headers (or as `properties` objects in a batch), and a received C2D
 * message goes out with its properties as response headers. Header names are matched
 * case-insensitively; application property names keep the case they were sent with.
 */
import type { IncomingMessage } from 'node:http';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { C2dDelivery, IdentityRef, Message, SystemProperties } from '../../../core/types.js';

const APP_PREFIX = 'iothub-app-';

/** Header (lower case) → system property, for device-to-cloud messages. */
const INBOUND_SYSTEM: Readonly<Record<string, keyof SystemProperties>> = {
  'iothub-messageid': 'messageId',
  'iothub-correlationid': 'correlationId',
  'iothub-userid': 'userId',
  'iothub-to': 'to',
  'iothub-expiry': 'expiryTimeUtc',
  'iothub-contenttype': 'contentType',
  'iothub-contentencoding': 'contentEncoding',
  'iothub-interface-id': 'interfaceId',
  'dt-subject': 'subject',
};

/** The path the SDK names in `iothub-to` on every request, to route it; not a message property. */
function isRoutingTo(value: string, ref: IdentityRef): boolean {
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return false;
  }
  const own = ref.moduleId === undefined ? `/devices/${ref.deviceId}` : `/devices/${ref.deviceId}/modules/${ref.moduleId}`;
  return decoded.toLowerCase() === `${own}/messages/events`.toLowerCase();
}

/**
 * Applies one property (a header, or a batch entry's `properties` key) to a message. Unknown
 * names are ignored: HTTP carries many headers that are not message properties. An expiry that
 * parses as a date is stored as ISO (the SDK may send a Date's `toString()`); otherwise as sent,
 * as the MQTT head does, so a device's message is never refused for it.
 */
export function applyProperty(name: string, value: string, ref: IdentityRef, target: Omit<Message, 'body'>): void {
  const lower = name.toLowerCase();
  if (lower.startsWith(APP_PREFIX) && lower.length > APP_PREFIX.length) {
    target.properties[name.slice(APP_PREFIX.length)] = value;
    return;
  }
  const field = INBOUND_SYSTEM[lower];
  if (field === undefined) return;
  if (field === 'to' && isRoutingTo(value, ref)) return;
  if (field === 'expiryTimeUtc') {
    const ms = Date.parse(value);
    target.system.expiryTimeUtc = Number.isNaN(ms) ? value : new Date(ms).toISOString();
    return;
  }
  target.system[field] = value;
}

/** The properties a telemetry request's headers carry (`rawHeaders`, so names keep their case). */
export function telemetryPropertiesFrom(req: IncomingMessage, ref: IdentityRef): Omit<Message, 'body'> {
  const meta: Omit<Message, 'body'> = { system: {}, properties: {} };
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) applyProperty(raw[i] ?? '', raw[i + 1] ?? '', ref, meta);
  return meta;
}

/**
 * A header value as Node will send it. Property values come from any service client (AMQP
 * senders may use any Unicode); a value HTTP cannot carry is sent percent-encoded rather than
 * dropped or failing the whole response.
 */
function safeHeader(name: string, value: string, headers: Record<string, string>): void {
  let n = name;
  let v = value;
  try {
    validateHeaderName(n);
  } catch {
    n = encodeURIComponent(n);
  }
  try {
    validateHeaderValue(n, v);
  } catch {
    v = encodeURIComponent(v);
  }
  try {
    validateHeaderName(n);
    headers[n] = v;
  } catch {
    // A name that is not a token even encoded (cannot happen with encodeURIComponent): skip it.
  }
}

/** Response headers of a received C2D message: the lock as a quoted ETag, system and app properties. */
export function c2dResponseHeaders(delivery: C2dDelivery): Record<string, string> {
  const { system, properties } = delivery.message;
  const headers: Record<string, string> = {
    ETag: `"${delivery.lockToken}"`,
    'Content-Type': 'application/octet-stream',
    'iothub-enqueuedtime': delivery.enqueuedTime,
    'iothub-deliverycount': String(delivery.deliveryCount),
  };
  const optional: Array<[string, string | undefined]> = [
    ['iothub-messageid', system.messageId],
    ['iothub-to', system.to],
    ['iothub-correlationid', system.correlationId],
    ['iothub-userid', system.userId],
    ['iothub-expiry', system.expiryTimeUtc],
    ['iothub-contenttype', system.contentType],
    ['iothub-contentencoding', system.contentEncoding],
  ];
  for (const [name, value] of optional) if (value !== undefined && value !== '') safeHeader(name, value, headers);
  for (const [key, value] of Object.entries(properties)) safeHeader(`${APP_PREFIX}${key}`, value, headers);
  return headers;
}
