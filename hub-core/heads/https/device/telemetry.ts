/**
 * Device-to-cloud telemetry over HTTPS (wire contract D, "Send telemetry" and "Batch").
 *
 * POST /devices/{d}/messages/events                 DeviceConnect on /devices/{d}
 * POST /devices/{d}/modules/{m}/messages/events     DeviceConnect on /devices/{d}/modules/{m}
 *   Single: the body is the message, properties are headers (message-headers.ts).
 *   Batch (`Content-Type: application/vnd.microsoft.iothub.json`): the body is
 *   `[{"body":"<base64>","properties":{"iothub-app-k":"v"}},…]`, appended in order.
 *   204 only once every message is durable · 400 malformed batch · 413 over limits.maxMessageBytes
 *   (a batch counts as one message, as IoT Hub's 256 KB batch limit does; nothing of it is stored).
 */
import { HubError } from '../../../errors.js';
import type { IdentityRef, Message } from '../../../core/types.js';
import { idSegment } from '../auth.js';
import { parseJson, readBody } from '../request-body.js';
import { noContent, type Reply, type RequestContext, type RouteDef } from '../route.js';
import { applyProperty, telemetryPropertiesFrom } from './message-headers.js';

const BATCH_CONTENT_TYPE = 'application/vnd.microsoft.iothub.json';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isBatch(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === BATCH_CONTENT_TYPE;
}

/** Bytes a message counts against the limit: body plus property names and values, as the core counts. */
function approxSize(m: Message): number {
  let n = m.body.byteLength;
  for (const [k, v] of Object.entries(m.properties)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  for (const v of Object.values(m.system)) if (typeof v === 'string') n += Buffer.byteLength(v);
  return n;
}

/** Parses and validates a whole batch before anything is stored. FH_MSG_INVALID, FH_MSG_TOO_LARGE. */
export function parseBatch(raw: Buffer, ref: IdentityRef, maxBytes: number): Message[] {
  const doc = parseJson(raw);
  if (!Array.isArray(doc) || doc.length === 0) throw new HubError('FH_MSG_INVALID', 'a batch is a non-empty JSON array of {"body","properties"}');
  let total = 0;
  const messages = doc.map((entry: unknown, i): Message => {
    const item = entry as { body?: unknown; properties?: unknown } | null;
    if (item === null || typeof item !== 'object' || typeof item.body !== 'string' || !BASE64.test(item.body)) {
      throw new HubError('FH_MSG_INVALID', `batch entry ${i} needs "body" as a base64 string`);
    }
    const body = Buffer.from(item.body, 'base64');
    const message: Message = { body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), system: {}, properties: {} };
    if (item.properties !== undefined && item.properties !== null) {
      if (typeof item.properties !== 'object' || Array.isArray(item.properties)) {
        throw new HubError('FH_MSG_INVALID', `batch entry ${i}: "properties" must be an object of strings`);
      }
      for (const [k, v] of Object.entries(item.properties as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new HubError('FH_MSG_INVALID', `batch entry ${i}: property ${k} must be a string`);
        applyProperty(k, v, ref, message);
      }
    }
    total += approxSize(message);
    return message;
  });
  if (total > maxBytes) throw new HubError('FH_MSG_TOO_LARGE', `batch of ${total} bytes exceeds ${maxBytes}`);
  return messages;
}

async function sendEvents(ctx: RequestContext, ref: IdentityRef): Promise<Reply> {
  const { core, req, res } = ctx;
  const max = core.limits.maxMessageBytes;
  if (isBatch(req.headers['content-type'])) {
    // Base64 grows bodies by 4/3; the JSON around them is small. The decoded size is checked after.
    const raw = await readBody(req, res, Math.ceil(max / 3) * 4 + 64 * 1024);
    // One after the other: each message's seq follows the previous one's, and the reply waits for all.
    for (const message of parseBatch(raw, ref, max)) await core.telemetry.append(ref, message);
    return noContent();
  }
  // Headers first: a request the core would refuse costs no upload.
  const meta = telemetryPropertiesFrom(req, ref);
  const body = await readBody(req, res, max);
  await core.telemetry.append(ref, { ...meta, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) });
  return noContent();
}

/** Telemetry routes; the device or module in the path is who the message is from. */
export const telemetryRoutes: RouteDef[] = [
  {
    method: 'POST', path: '/devices/{deviceId}/messages/events',
    auth: { anyOf: ['DeviceConnect'], resource: (p) => `/devices/${idSegment(p.deviceId ?? '')}` },
    handler: (ctx) => sendEvents(ctx, { deviceId: ctx.param('deviceId') }),
  },
  {
    method: 'POST', path: '/devices/{deviceId}/modules/{moduleId}/messages/events',
    auth: {
      anyOf: ['DeviceConnect'],
      resource: (p) => `/devices/${idSegment(p.deviceId ?? '')}/modules/${idSegment(p.moduleId ?? '')}`,
    },
    handler: (ctx) => sendEvents(ctx, { deviceId: ctx.param('deviceId'), moduleId: ctx.param('moduleId') }),
  },
];
