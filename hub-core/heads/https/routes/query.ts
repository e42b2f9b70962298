/**
 * Twin queries: `POST /devices/query` (wire contract E). Paging goes through headers:
 * `x-ms-max-item-count` in, `x-ms-continuation` both ways. The continuation header is sent only
 * when more pages exist: the SDK treats any value, even an empty one, as "more".
 *
 * Permission: RegistryRead or ServiceConnect (IoT Hub grants "run queries" to ServiceConnect,
 * and registry readers query devices too).
 */
import { HubError } from '../../../errors.js';
import { asObject } from '../request-body.js';
import { ok, type RouteDef } from '../route.js';

/** `x-ms-max-item-count` as a positive integer, undefined when absent. */
function maxItemCount(header: string | string[] | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  const n = Number(Array.isArray(header) ? header[0] : header);
  if (!Number.isSafeInteger(n) || n < 1) throw new HubError('FH_MSG_INVALID', "'x-ms-max-item-count' must be a positive integer");
  return n;
}

/** `POST /devices/query`. */
export const queryRoutes: RouteDef[] = [
  {
    method: 'POST', path: '/devices/query', auth: { anyOf: ['RegistryRead', 'ServiceConnect'], resource: () => '/devices' },
    handler: async (ctx) => {
      const body = asObject(await ctx.json());
      if (typeof body.query !== 'string' || body.query.trim() === '') {
        throw new HubError('FH_MSG_INVALID', "the body must be {\"query\": \"SELECT …\"}");
      }
      const options: { maxItemCount?: number; continuation?: string } = {};
      const max = maxItemCount(ctx.req.headers['x-ms-max-item-count']);
      if (max !== undefined) options.maxItemCount = max;
      const continuation = ctx.req.headers['x-ms-continuation'];
      if (typeof continuation === 'string' && continuation !== '') options.continuation = continuation;
      const result = await ctx.core.query.query(body.query, options);
      const headers: Record<string, string> = { 'x-ms-item-type': result.itemType };
      if (result.continuation !== undefined) headers['x-ms-continuation'] = result.continuation;
      return ok(result.items, headers);
    },
  },
];
