/**
 * Property bags: the `k=v&k=v` tail of telemetry and C2D topics (wire contract B, "Device → hub
 * PUBLISH" and "Hub → device PUBLISH"). Device-side system properties arrive through Node's
 * `querystring`, so `$` comes as `%24`; other SDKs send a raw `$`. Both decode to the same key.
 */
import type { Message, SystemProperties } from '../../core/types.js';

/** System property keys on the wire → {@link SystemProperties} fields (device → hub). */
const INBOUND_SYSTEM: Readonly<Record<string, keyof SystemProperties>> = {
  '$.mid': 'messageId',
  '$.cid': 'correlationId',
  '$.uid': 'userId',
  '$.to': 'to',
  '$.ct': 'contentType',
  '$.ce': 'contentEncoding',
  '$.ifid': 'interfaceId',
  '$.exp': 'expiryTimeUtc',
  '$.on': 'outputName',
  '$.sub': 'subject',
};

/**
 * System fields written on C2D topics, in Azure's order. The Node SDK recognises exactly these
 * (`_extractPropertiesFromTopicPart`); anything else becomes an application property.
 */
const OUTBOUND_SYSTEM: ReadonlyArray<[string, keyof SystemProperties]> = [
  ['$.mid', 'messageId'],
  ['$.to', 'to'],
  ['$.exp', 'expiryTimeUtc'],
  ['$.cid', 'correlationId'],
  ['$.uid', 'userId'],
  ['$.ct', 'contentType'],
  ['$.ce', 'contentEncoding'],
];

/** Percent-decodes leniently: a malformed escape keeps the raw text instead of failing the message. */
function decode(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * `encodeURIComponent` plus `!'()*`: the SDK splits the C2D topic on `/` and reads segment 5
 * (`topicParts[4]`), then splits on `&` and `=`; everything outside the unreserved set is escaped.
 */
export function encodeComponent(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The parsed bag: system properties and application properties. */
export interface ParsedBag {
  system: SystemProperties;
  properties: Record<string, string>;
}

/**
 * Parses a property bag (the text after `…/events/`, with or without the trailing `/`).
 * Split on `&`, then on the first `=`; percent-decode key and value. A key without `=` gets the
 * empty string (the contract says null; application properties are string → string).
 */
export function parsePropertyBag(bag: string): ParsedBag {
  const system: SystemProperties = {};
  const properties: Record<string, string> = {};
  let text = bag;
  while (text.endsWith('/')) text = text.slice(0, -1);
  if (text.length === 0) return { system, properties };
  for (const pair of text.split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    const field = INBOUND_SYSTEM[key];
    if (field !== undefined) system[field] = value;
    else properties[key] = value;
  }
  return { system, properties };
}

/**
 * Encodes a C2D (or module input) message's bag: system properties as `%24.mid=…`, then the
 * application properties, then `iothub-ack` when set. Every key and value is percent-encoded
 * and empty values are written `k=` (a bare `k` decodes to the string "undefined" in the SDK).
 * `defaultTo` fills `$.to` when the message has none, as Azure always sends it.
 */
export function encodeC2dBag(message: Message, defaultTo?: string): string {
  const parts: string[] = [];
  for (const [key, field] of OUTBOUND_SYSTEM) {
    const value = message.system[field] ?? (field === 'to' ? defaultTo : undefined);
    if (value !== undefined) parts.push(`${encodeComponent(key)}=${encodeComponent(value)}`);
  }
  for (const [key, value] of Object.entries(message.properties)) {
    parts.push(`${encodeComponent(key)}=${encodeComponent(value)}`);
  }
  if (message.system.ack !== undefined && !('iothub-ack' in message.properties)) {
    parts.push(`iothub-ack=${encodeComponent(message.system.ack)}`);
  }
  return parts.join('&');
}

/**
 * Parses `?$rid=…&$version=…` style query strings on `$iothub/…` topics (raw `$`, as every SDK
 * sends here). Returns the decoded pairs; a missing `?` yields an empty map.
 */
export function parseTopicQuery(topic: string): Map<string, string> {
  const out = new Map<string, string>();
  const q = topic.indexOf('?');
  if (q === -1) return out;
  for (const pair of topic.slice(q + 1).split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    out.set(decode(eq === -1 ? pair : pair.slice(0, eq)), eq === -1 ? '' : decode(pair.slice(eq + 1)));
  }
  return out;
}
