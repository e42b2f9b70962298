/**
 * Device and module twins: `/twins/{d}` and `/twins/{d}/modules/{m}` (wire contracts E, F).
 *
 * Permissions: reading a twin takes ServiceConnect or RegistryRead (IoT Hub lets a registryRead
 * policy read twins: the portal and `az iot hub device-twin show` work with it); changing tags
 * or desired properties takes ServiceConnect only, as IoT Hub's permission table says
 * ("access twins to update tags and desired properties").
 */
import type { TwinPatch } from '../../../core/api.js';
import type { IdentityRef, Twin } from '../../../core/types.js';
import { HubError } from '../../../errors.js';
import { asObject } from '../request-body.js';
import { ok, type AuthRule, type Reply, type RequestContext, type RouteDef } from '../route.js';

const readRule: AuthRule = { anyOf: ['ServiceConnect', 'RegistryRead'] };
const writeRule: AuthRule = { anyOf: ['ServiceConnect'] };

function twinReply(twin: Twin): Reply {
  return ok(twin, { ETag: `"${twin.etag}"` });
}

/**
 * The writable parts of a twin body. For PUT (replace), read-only members (deviceId, etag,
 * reported, $metadata…) are ignored, so a client may send back a whole twin it read. A PATCH
 * naming reported properties is a mistake worth reporting: FH_TWIN_FORBIDDEN (400).
 */
export function toTwinPatch(raw: unknown, mode: 'patch' | 'replace'): TwinPatch {
  const body = asObject(raw);
  const patch: TwinPatch = {};
  if (body.tags !== undefined) patch.tags = body.tags;
  if (body.properties !== undefined && body.properties !== null) {
    const properties = asObject(body.properties, "'properties'");
    if (mode === 'patch' && properties.reported !== undefined) {
      throw new HubError('FH_TWIN_FORBIDDEN', 'a service cannot write reported properties');
    }
    if (properties.desired !== undefined) patch.properties = { desired: properties.desired };
  }
  return patch;
}

/** GET, PATCH and PUT for one twin path. */
function routesFor(path: string, refOf: (ctx: RequestContext) => IdentityRef): RouteDef[] {
  return [
    {
      method: 'GET', path, auth: readRule,
      handler: async (ctx) => twinReply(await ctx.core.twins.get(refOf(ctx))),
    },
    {
      // If-Match: the twin's etag or `*`; absent means unconditional.
      method: 'PATCH', path, auth: writeRule,
      handler: async (ctx) => twinReply(await ctx.core.twins.patch(refOf(ctx), toTwinPatch(await ctx.json(), 'patch'), ctx.ifMatch())),
    },
    {
      method: 'PUT', path, auth: writeRule,
      handler: async (ctx) => twinReply(await ctx.core.twins.replace(refOf(ctx), toTwinPatch(await ctx.json(), 'replace'), ctx.ifMatch())),
    },
  ];
}

/** `GET|PATCH|PUT /twins/{d}` and `/twins/{d}/modules/{m}`. */
export const twinRoutes: RouteDef[] = [
  ...routesFor('/twins/{deviceId}', (ctx) => ({ deviceId: ctx.param('deviceId') })),
  ...routesFor('/twins/{deviceId}/modules/{moduleId}',
    (ctx) => ({ deviceId: ctx.param('deviceId'), moduleId: ctx.param('moduleId') })),
];
