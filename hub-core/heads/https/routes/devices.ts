/**
 * Device identities: `/devices` and `/devices/{id}` (wire contract E). Reads need RegistryRead,
 * writes RegistryWrite. Bulk import (`POST /devices`) lives in devices-import.ts.
 */
import type { Device } from '../../../core/types.js';
import { noContent, ok, type Reply, type RouteDef } from '../route.js';
import { parseTop, toDeviceInput } from './registry-input.js';

const read = { anyOf: ['RegistryRead'] } as const;
const write = { anyOf: ['RegistryWrite'] } as const;

/** A device reply, with its etag also in the ETag header (quoted, as HTTP wants it). */
export function deviceReply(device: Device): Reply {
  return ok(device, { ETag: `"${device.etag}"` });
}

/** `GET /devices`, `GET|PUT|DELETE /devices/{deviceId}`. */
export const deviceRoutes: RouteDef[] = [
  {
    method: 'GET', path: '/devices', auth: read,
    handler: async (ctx) => {
      const top = parseTop(ctx.query);
      return ok(await ctx.core.registry.listDevices(top === undefined ? {} : { top }));
    },
  },
  {
    method: 'GET', path: '/devices/{deviceId}', auth: read,
    handler: async (ctx) => deviceReply(await ctx.core.registry.getDevice(ctx.param('deviceId'))),
  },
  {
    // No If-Match: create (409 when it exists). If-Match `*` or an etag: update.
    method: 'PUT', path: '/devices/{deviceId}', auth: write,
    handler: async (ctx) => {
      const input = toDeviceInput(await ctx.json(), ctx.param('deviceId'));
      const ifMatch = ctx.ifMatch();
      const device = ifMatch === undefined
        ? await ctx.core.registry.createDevice(input)
        : await ctx.core.registry.updateDevice(input, ifMatch);
      return deviceReply(device);
    },
  },
  {
    method: 'DELETE', path: '/devices/{deviceId}', auth: write,
    handler: async (ctx) => {
      await ctx.core.registry.deleteDevice(ctx.param('deviceId'), ctx.ifMatch());
      return noContent();
    },
  },
];
