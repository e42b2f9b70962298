/**
 * File upload, the IoT Hub side (wire contract D, "File upload"): the device asks for a target,
 * uploads to the blob endpoint this head also serves (blob-endpoint.ts), then reports the
 * outcome. All routes need DeviceConnect on /devices/{d}.
 *
 * POST /devices/{d}/files   body {"blobName"}
 *   200 {"correlationId","hostName","containerName","blobName","sasToken"}: the blob URL is
 *   `https://{hostName}/{containerName}/{blobName}{sasToken}`, i.e. this head; hostName carries
 *   `:port` when the head is not on 443 · 400 bad blobName · 403 IotHubQuotaExceeded (folder full)
 *   or DeviceMaximumActiveFileUploadLimitExceeded (10 in progress)
 * POST /devices/{d}/files/notifications/{correlationId}   body {"isSuccess","statusCode","statusDescription"}
 * POST /devices/{d}/files/notifications                   the same with "correlationId" in the body
 *   204 (on success the service gets a file notification) · 400 unknown or expired correlation id
 */
import { isIP } from 'node:net';
import type { FileUploadResult } from '../../../core/api.js';
import { HubError } from '../../../errors.js';
import { idSegment } from '../auth.js';
import { asObject } from '../request-body.js';
import { noContent, ok, type AuthRule, type RequestContext, type RouteDef } from '../route.js';

const deviceAuth: AuthRule = { anyOf: ['DeviceConnect'], resource: (p) => `/devices/${idSegment(p.deviceId ?? '')}` };

/**
 * The blob endpoint's `host[:port]` for a device: the hub's host name (devices dial it, and the
 * certificate covers it) and the port this request came in on.
 */
export function blobEndpointHost(hostName: string, port: number | undefined): string {
  const host = isIP(hostName) === 6 ? `[${hostName}]` : hostName;
  return port === undefined || port === 443 ? host : `${host}:${port}`;
}

/** The device's report. isSuccess is required; the others are free-form and default to 0 and ''. */
function uploadResult(body: Record<string, unknown>): FileUploadResult {
  if (typeof body.isSuccess !== 'boolean') throw new HubError('FH_MSG_INVALID', '"isSuccess" must be true or false');
  const code = Number(body.statusCode ?? 0);
  return {
    isSuccess: body.isSuccess,
    statusCode: Number.isFinite(code) ? code : 0,
    statusDescription: typeof body.statusDescription === 'string' ? body.statusDescription : '',
  };
}

async function notify(ctx: RequestContext, correlationId: unknown, body: Record<string, unknown>): Promise<void> {
  if (typeof correlationId !== 'string' || correlationId === '') throw new HubError('FH_MSG_INVALID', '"correlationId" is required');
  await ctx.core.files.completeUpload(ctx.param('deviceId'), correlationId, uploadResult(body));
}

/** The file-upload routes. */
export const fileUploadRoutes: RouteDef[] = [
  {
    method: 'POST', path: '/devices/{deviceId}/files', auth: deviceAuth,
    handler: async (ctx) => {
      const body = asObject(await ctx.json());
      if (typeof body.blobName !== 'string') throw new HubError('FH_MSG_INVALID', '"blobName" must be a string');
      const endpoint = blobEndpointHost(ctx.core.hostName, ctx.req.socket.localPort);
      const t = await ctx.core.files.createUpload(ctx.param('deviceId'), body.blobName, endpoint);
      return ok({ correlationId: t.correlationId, hostName: endpoint, containerName: t.containerName, blobName: t.blobName, sasToken: t.sasToken });
    },
  },
  {
    method: 'POST', path: '/devices/{deviceId}/files/notifications/{correlationId}', auth: deviceAuth,
    handler: async (ctx) => {
      await notify(ctx, ctx.param('correlationId'), asObject(await ctx.json()));
      return noContent();
    },
  },
  {
    method: 'POST', path: '/devices/{deviceId}/files/notifications', auth: deviceAuth,
    handler: async (ctx) => {
      const body = asObject(await ctx.json());
      await notify(ctx, body.correlationId, body);
      return noContent();
    },
  },
];
