/**
 * Cloud-to-device messages over HTTPS: the pull model of wire contract D ("Receive", "Settle").
 * Each GET locks the next message for limits.c2dLockMs; the lock token is the ETag, and the
 * device settles with it. All routes need DeviceConnect on /devices/{d}.
 *
 * GET    /devices/{d}/messages/devicebound                  204 none · 200 body + ETag "lock" + iothub-* headers
 * DELETE /devices/{d}/messages/devicebound/{lock}           complete → 204 (`?reject` or `reject=true`: reject → 204)
 * POST   /devices/{d}/messages/devicebound/{lock}/abandon   abandon → 204
 *   412 DeviceMessageLockLost for an unknown, expired or already settled lock, or an If-Match
 *   naming another lock.
 */
import { HubError } from '../../../errors.js';
import { idSegment } from '../auth.js';
import { noContent, type AuthRule, type RequestContext, type RouteDef } from '../route.js';
import { c2dResponseHeaders } from './message-headers.js';

const deviceAuth: AuthRule = { anyOf: ['DeviceConnect'], resource: (p) => `/devices/${idSegment(p.deviceId ?? '')}` };

/** The lock of a settle request; an If-Match (sent unquoted by the SDK) must name the same one. */
function lockOf(ctx: RequestContext): string {
  const lock = ctx.param('lockToken');
  const ifMatch = ctx.ifMatch();
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== lock) {
    throw new HubError('FH_C2D_LOCK_LOST', 'If-Match names another lock than the path');
  }
  return lock;
}

/** `&reject` (valueless, as the SDK sends it) or `reject=true`; `reject=false` completes. */
function wantsReject(query: URLSearchParams): boolean {
  if (!query.has('reject')) return false;
  const v = (query.get('reject') ?? '').trim().toLowerCase();
  return v === '' || v === 'true';
}

/** The device-side C2D routes. */
export const c2dRoutes: RouteDef[] = [
  {
    method: 'GET', path: '/devices/{deviceId}/messages/devicebound', auth: deviceAuth,
    handler: async (ctx) => {
      const delivery = await ctx.core.c2d.receive({ deviceId: ctx.param('deviceId') });
      if (delivery === undefined) return noContent();
      const body = Buffer.from(delivery.message.body.buffer, delivery.message.body.byteOffset, delivery.message.body.byteLength);
      // A raw body, not JSON: written here rather than through a Reply.
      ctx.res.writeHead(200, { ...c2dResponseHeaders(delivery), 'Content-Length': body.length }).end(body);
      return undefined;
    },
  },
  {
    method: 'DELETE', path: '/devices/{deviceId}/messages/devicebound/{lockToken}', auth: deviceAuth,
    handler: async (ctx) => {
      const ref = { deviceId: ctx.param('deviceId') };
      const lock = lockOf(ctx);
      if (wantsReject(ctx.query)) await ctx.core.c2d.reject(ref, lock);
      else await ctx.core.c2d.complete(ref, lock);
      return noContent();
    },
  },
  {
    method: 'POST', path: '/devices/{deviceId}/messages/devicebound/{lockToken}/abandon', auth: deviceAuth,
    handler: async (ctx) => {
      await ctx.core.c2d.abandon({ deviceId: ctx.param('deviceId') }, lockOf(ctx));
      return noContent();
    },
  },
];
