/**
 * Module identities: `/devices/{d}/modules[/{m}]` (wire contract E). Reads need RegistryRead,
 * writes RegistryWrite. A missing module answers 404 `DeviceNotFound` (see error-map.ts: the
 * SDK types no other 404 code).
 */
import type { Module } from '../../../core/types.js';
import { noContent, ok, type Reply, type RouteDef } from '../route.js';
import { toModuleInput } from './registry-input.js';

const read = { anyOf: ['RegistryRead'] } as const;
const write = { anyOf: ['RegistryWrite'] } as const;

function moduleReply(module: Module): Reply {
  return ok(module, { ETag: `"${module.etag}"` });
}

/** `GET /devices/{d}/modules`, `GET|PUT|DELETE /devices/{d}/modules/{m}`. */
export const moduleRoutes: RouteDef[] = [
  {
    method: 'GET', path: '/devices/{deviceId}/modules', auth: read,
    handler: async (ctx) => ok(await ctx.core.registry.listModules(ctx.param('deviceId'))),
  },
  {
    method: 'GET', path: '/devices/{deviceId}/modules/{moduleId}', auth: read,
    handler: async (ctx) =>
      moduleReply(await ctx.core.registry.getModule(ctx.param('deviceId'), ctx.param('moduleId'))),
  },
  {
    // No If-Match: add (409 when it exists). If-Match `*` or an etag: update.
    method: 'PUT', path: '/devices/{deviceId}/modules/{moduleId}', auth: write,
    handler: async (ctx) => {
      const input = toModuleInput(await ctx.json(), ctx.param('deviceId'), ctx.param('moduleId'));
      const ifMatch = ctx.ifMatch();
      const module = ifMatch === undefined
        ? await ctx.core.registry.createModule(input)
        : await ctx.core.registry.updateModule(input, ifMatch);
      return moduleReply(module);
    },
  },
  {
    method: 'DELETE', path: '/devices/{deviceId}/modules/{moduleId}', auth: write,
    handler: async (ctx) => {
      await ctx.core.registry.deleteModule(ctx.param('deviceId'), ctx.param('moduleId'), ctx.ifMatch());
      return noContent();
    },
  },
];
