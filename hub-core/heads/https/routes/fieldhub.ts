/**
 * fieldhub extensions to the IoT Hub service API, under `/fieldhub/v1/`. IoT Hub sends C2D and
 * reads telemetry over AMQP / Event Hubs; these give the CLI and simple back ends the same
 * over plain HTTPS. Authenticated like every service call (hub policy SAS token).
 *
 * POST /fieldhub/v1/devices/{id}/messages/devicebound        ServiceConnect
 *   Sends one cloud-to-device message. Body: the raw message bytes (any content type).
 *   Optional headers:
 *     iothub-messageid, iothub-correlationid, iothub-userid   → system properties
 *     iothub-ack: none | positive | negative | full            → delivery feedback wanted
 *     iothub-expiry: ISO 8601 time                             → absolute expiry
 *     iothub-contenttype, iothub-contentencoding               → content type / encoding
 *     iothub-app-{name}: value                                 → application property {name}
 *       ({name} keeps the case it was sent with; values are taken as sent, use ASCII)
 *   204 queued · 400 bad header · 404 DeviceNotFound (404001) · 403
 *   DeviceMaximumQueueDepthExceeded (403004) · 413 MessageTooLarge (413001)
 *
 * GET /fieldhub/v1/telemetry?afterSeq=N&deviceId=X&follow=1   ServiceConnect
 *   Stored device-to-cloud messages as NDJSON; see telemetry-stream.ts.
 *
 * GET /fieldhub/v1/health                                      ServiceConnect or RegistryRead
 *   200 {"status":"ok","connectedDevices":n,"telemetryLastSeq":n}
 */
import type { IncomingMessage } from 'node:http';
import type { Message, SystemProperties } from '../../../core/types.js';
import { HubError } from '../../../errors.js';
import { idSegment } from '../auth.js';
import { noContent, ok, type RouteDef } from '../route.js';
import { telemetryStreamHandler } from './telemetry-stream.js';

const APP_PREFIX = 'iothub-app-';
const ACK_VALUES: ReadonlySet<string> = new Set(['none', 'positive', 'negative', 'full']);

/** Header → system property, for the plain string ones. */
const SYSTEM_HEADERS: Readonly<Record<string, keyof SystemProperties>> = {
  'iothub-messageid': 'messageId',
  'iothub-correlationid': 'correlationId',
  'iothub-userid': 'userId',
  'iothub-contenttype': 'contentType',
  'iothub-contentencoding': 'contentEncoding',
};

/**
 * The system and application properties a C2D request's headers describe. Uses `rawHeaders`
 * so application property names keep their case (Node lower-cases `headers`).
 */
export function c2dPropertiesFrom(req: IncomingMessage, deviceId: string): Omit<Message, 'body'> {
  const system: SystemProperties = { to: `/devices/${deviceId}/messages/devicebound` };
  const properties: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const value = raw[i + 1] ?? '';
    const lower = name.toLowerCase();
    const systemKey = SYSTEM_HEADERS[lower];
    if (systemKey !== undefined) {
      system[systemKey] = value;
    } else if (lower === 'iothub-ack') {
      const ack = value.trim().toLowerCase();
      if (!ACK_VALUES.has(ack)) throw new HubError('FH_MSG_INVALID', "'iothub-ack' must be none, positive, negative or full");
      system.ack = ack;
    } else if (lower === 'iothub-expiry') {
      const ms = Date.parse(value);
      if (Number.isNaN(ms)) throw new HubError('FH_MSG_INVALID', "'iothub-expiry' must be an ISO 8601 time");
      system.expiryTimeUtc = new Date(ms).toISOString();
    } else if (lower.startsWith(APP_PREFIX) && lower.length > APP_PREFIX.length) {
      properties[name.slice(APP_PREFIX.length)] = value;
    }
  }
  return { system, properties };
}

/** The `/fieldhub/v1` extension routes (documented at the top of this file). */
export const fieldhubRoutes: RouteDef[] = [
  {
    method: 'POST', path: '/fieldhub/v1/devices/{deviceId}/messages/devicebound',
    auth: { anyOf: ['ServiceConnect'], resource: (p) => `/devices/${idSegment(p.deviceId ?? '')}/messages/devicebound` },
    handler: async (ctx) => {
      const deviceId = ctx.param('deviceId');
      // Headers are checked before the body is read, so a bad header costs no upload.
      const meta = c2dPropertiesFrom(ctx.req, deviceId);
      const body = await ctx.body();
      await ctx.core.c2d.send(deviceId, { ...meta, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) });
      return noContent();
    },
  },
  {
    method: 'GET', path: '/fieldhub/v1/telemetry',
    auth: { anyOf: ['ServiceConnect'], resource: () => '/messages/events' },
    handler: telemetryStreamHandler,
  },
  {
    method: 'GET', path: '/fieldhub/v1/health', auth: { anyOf: ['ServiceConnect', 'RegistryRead'] },
    handler: async (ctx) => ok({
      status: 'ok',
      connectedDevices: ctx.core.registry.connectedCount(),
      telemetryLastSeq: ctx.core.telemetry.lastSeq(),
    }),
  },
];
