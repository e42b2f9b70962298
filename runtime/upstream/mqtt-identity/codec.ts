/**
 * Topics and payloads of the Azure IoT Hub MQTT device protocol, written and read exactly as
 * azure-iot-device-mqtt does (wire contract B): the CONNECT username, telemetry topics with their
 * property bag, the C2D property bag, direct-method requests and answers, twin requests,
 * responses and desired-property notifications. Pure functions; no connection state.
 */
import type { IdentityRef, JsonValue, Message, SystemProperties } from '../../../hub-core/core/types.js';

export const API_VERSION = '2021-04-12';

/** The SDK refuses telemetry bodies above 256 KiB (IoT Hub's message size limit). */
export const MAX_TELEMETRY_BYTES = 256 * 1024;

/** clientId: `{d}` or `{d}/{m}` (wire contract B, CONNECT). */
export function clientIdOf(ref: IdentityRef): string {
  return ref.moduleId === undefined ? ref.deviceId : `${ref.deviceId}/${ref.moduleId}`;
}

/** `{HostName}/{d}[/{m}]/?api-version=…&DeviceClientType={UA}`, as the SDK sends it. */
export function usernameOf(hostName: string, ref: IdentityRef, userAgent: string): string {
  return `${hostName}/${clientIdOf(ref)}/?api-version=${API_VERSION}&DeviceClientType=${encodeURIComponent(userAgent)}`;
}

/** Percent-decodes leniently: a malformed escape keeps the raw text. */
function decode(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Splits `k=v&k=v` (keys and values percent-decoded; a bare key gets ''). */
export function parseBag(bag: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const pair of bag.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    out.push(eq === -1 ? [decode(pair), ''] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))]);
  }
  return out;
}

/** System properties in the SDK's order (`querystring.stringify` writes `$` as `%24`). */
const TELEMETRY_SYSTEM: ReadonlyArray<[string, keyof SystemProperties]> = [
  ['$.mid', 'messageId'],
  ['$.cid', 'correlationId'],
  ['$.uid', 'userId'],
  ['$.to', 'to'],
  ['$.ct', 'contentType'],
  ['$.ce', 'contentEncoding'],
  ['$.ifid', 'interfaceId'],
  ['$.exp', 'expiryTimeUtc'],
];

/**
 * The telemetry topic with its property bag: `devices/{d}[/modules/{m}]/messages/events/{bag}`.
 * A module output puts `$.on` first and ends the topic with `/` (the SDK's sendOutputEvent);
 * `subject` travels as `$.sub` among the application properties, as the SDK renames `dt-subject`.
 */
export function telemetryTopic(ref: IdentityRef, message: Message): string {
  const base = ref.moduleId === undefined ? `devices/${ref.deviceId}/messages/events/` : `devices/${ref.deviceId}/modules/${ref.moduleId}/messages/events/`;
  const s = message.system;
  const output = ref.moduleId !== undefined && s.outputName ? s.outputName : undefined;
  const pairs: string[] = [];
  if (output !== undefined) pairs.push(`%24.on=${encodeURIComponent(output)}`);
  for (const [key, field] of TELEMETRY_SYSTEM) {
    const value = s[field];
    if (value !== undefined && value !== '') pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  }
  for (const [k, v] of Object.entries(message.properties)) pairs.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  if (s.subject) pairs.push(`%24.sub=${encodeURIComponent(s.subject)}`);
  return `${base}${pairs.join('&')}${output !== undefined ? '/' : ''}`;
}

/** The body as a Buffer over the same bytes (no copy). */
export function payloadOf(message: Message): Buffer {
  const b = message.body;
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

// ---- subscriptions ----

export function c2dFilter(deviceId: string): string {
  return `devices/${deviceId}/messages/devicebound/#`;
}
export const METHODS_FILTER = '$iothub/methods/POST/#';
export const TWIN_RESPONSE_FILTER = '$iothub/twin/res/#';
export const DESIRED_FILTER = '$iothub/twin/PATCH/properties/desired/#';

// ---- hub -> device ----

const C2D_SYSTEM: Readonly<Record<string, keyof SystemProperties>> = {
  '$.mid': 'messageId',
  '$.to': 'to',
  '$.exp': 'expiryTimeUtc',
  '$.cid': 'correlationId',
  '$.uid': 'userId',
  '$.ct': 'contentType',
  '$.ce': 'contentEncoding',
};

/**
 * A C2D message from `devices/{d}/messages/devicebound/{bag}`, or undefined for another topic.
 * Keys come with raw `$` or `%24`; `iothub-ack` becomes `system.ack` (as the AMQP link does).
 */
export function decodeC2d(deviceId: string, topic: string, payload: Buffer): Message | undefined {
  const prefix = `devices/${deviceId}/messages/devicebound/`;
  if (!topic.startsWith(prefix) && topic !== prefix.slice(0, -1)) return undefined;
  let bag = topic.slice(prefix.length);
  while (bag.endsWith('/')) bag = bag.slice(0, -1);
  const system: SystemProperties = {};
  const properties: Record<string, string> = {};
  for (const [k, v] of parseBag(bag)) {
    const field = C2D_SYSTEM[k];
    if (field !== undefined) {
      if (v !== '') system[field] = v;
    } else if (k.toLowerCase() === 'iothub-ack') system.ack = v;
    else properties[k] = v;
  }
  return { body: new Uint8Array(payload), system, properties };
}

/** `…/?$rid=1&$version=3` → { $rid: '1', $version: '3' } (the part after the last `?`). */
function queryOf(topic: string): Record<string, string> {
  const q = topic.lastIndexOf('?');
  return q === -1 ? {} : Object.fromEntries(parseBag(topic.slice(q + 1)));
}

/** A body as JSON; empty is null; undefined when it is not JSON. */
function jsonOf(payload: Buffer): { ok: true; value: JsonValue } | { ok: false } {
  const text = payload.toString('utf8');
  if (text.trim() === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch {
    return { ok: false };
  }
}

export type MethodRequest = { methodName: string; rid: string; payload: JsonValue; valid: boolean };

/** `$iothub/methods/POST/{name}/?$rid={rid}`; `valid` is false when the body is not JSON (answered 400). */
export function decodeMethodRequest(topic: string, payload: Buffer): MethodRequest | undefined {
  const prefix = '$iothub/methods/POST/';
  if (!topic.startsWith(prefix)) return undefined;
  const rest = topic.slice(prefix.length);
  const end = rest.search(/[/?]/);
  const methodName = decode(end === -1 ? rest : rest.slice(0, end));
  const rid = queryOf(topic).$rid;
  if (methodName === '' || rid === undefined || rid === '') return undefined;
  const body = jsonOf(payload);
  return { methodName, rid, payload: body.ok ? body.value : null, valid: body.ok };
}

/** `$iothub/methods/res/{status}/?$rid={rid}`. */
export function methodResponseTopic(status: number, rid: string): string {
  return `$iothub/methods/res/${Math.trunc(status)}/?$rid=${encodeURIComponent(rid)}`;
}

/** Twin requests (QoS 0). GET carries a single space, as the SDK sends it. */
export function twinGetTopic(rid: string): string {
  return `$iothub/twin/GET/?$rid=${rid}`;
}
export function twinReportedTopic(rid: string): string {
  return `$iothub/twin/PATCH/properties/reported/?$rid=${rid}`;
}

export interface TwinResponse {
  rid: string;
  status: number;
  version?: number;
  body: JsonValue;
}

/** `$iothub/twin/res/{status}/?$rid={rid}[&$version={n}]`; a body that is not JSON is kept as text. */
export function decodeTwinResponse(topic: string, payload: Buffer): TwinResponse | undefined {
  const prefix = '$iothub/twin/res/';
  if (!topic.startsWith(prefix)) return undefined;
  const status = Number.parseInt(topic.slice(prefix.length), 10);
  const query = queryOf(topic);
  if (query.$rid === undefined) return undefined;
  const body = jsonOf(payload);
  const out: TwinResponse = { rid: query.$rid, status: Number.isFinite(status) ? status : 500, body: body.ok ? body.value : payload.toString('utf8') };
  const version = query.$version === undefined ? NaN : Number(query.$version);
  if (Number.isFinite(version)) out.version = version;
  return out;
}

/** `$iothub/twin/PATCH/properties/desired/?$version={v}`: the patch, `$version` filled from the topic if missing. */
export function decodeDesired(topic: string, payload: Buffer): { [key: string]: JsonValue } | undefined {
  if (!topic.startsWith('$iothub/twin/PATCH/properties/desired/')) return undefined;
  const body = jsonOf(payload);
  if (!body.ok || body.value === null || typeof body.value !== 'object' || Array.isArray(body.value)) return undefined;
  const patch = body.value;
  const version = Number(queryOf(topic).$version);
  if (patch.$version === undefined && Number.isFinite(version)) patch.$version = version;
  return patch;
}
