/**
 * Direct methods: `POST /twins/{d}/methods` and `POST /twins/{d}/modules/{m}/methods`
 * (wire contract E). ServiceConnect.
 *
 * The device's own status (even 500) travels in the 200 body `{status, payload}`. Hub-side
 * outcomes: not connected → 404 DeviceNotOnline (404103; the SDK gives a plain "Not found"
 * error), no answer in time → 504 GatewayTimeout (504101). The routes are marked
 * `noRetryableErrors`: 429/500/503 would make `Client.invokeDeviceMethod` re-invoke the method
 * for up to four minutes, so the dispatcher sends 502 in their place.
 */
import type { IdentityRef, JsonValue } from '../../../core/types.js';
import { HubError } from '../../../errors.js';
import { asObject } from '../request-body.js';
import { ok, type RequestContext, type RouteDef } from '../route.js';

type InvokeRequest = Parameters<import('../../../core/api.js').MethodService['invoke']>[1];

function invalid(message: string): HubError {
  return new HubError('FH_METHOD_INVALID', message);
}

function optionalSeconds(body: Record<string, unknown>, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw invalid(`'${key}' must be a non-negative number`);
  return v;
}

/** The invoke request from the body: `{methodName, payload?, responseTimeoutInSeconds?, connectTimeoutInSeconds?}`. */
export function toInvokeRequest(raw: unknown): InvokeRequest {
  const body = asObject(raw);
  if (typeof body.methodName !== 'string' || body.methodName === '') throw invalid("'methodName' must be a non-empty string");
  const request: InvokeRequest = {
    methodName: body.methodName,
    // A missing payload is JSON null, as the SDK sends it.
    payload: (body.payload ?? null) as JsonValue,
  };
  const response = optionalSeconds(body, 'responseTimeoutInSeconds');
  if (response !== undefined) request.responseTimeoutInSeconds = response;
  const connect = optionalSeconds(body, 'connectTimeoutInSeconds');
  if (connect !== undefined) request.connectTimeoutInSeconds = connect;
  return request;
}

function route(path: string, refOf: (ctx: RequestContext) => IdentityRef): RouteDef {
  return {
    method: 'POST', path, auth: { anyOf: ['ServiceConnect'] }, noRetryableErrors: true,
    handler: async (ctx) => {
      const result = await ctx.core.methods.invoke(refOf(ctx), toInvokeRequest(await ctx.json()));
      return ok({ status: result.status, payload: result.payload });
    },
  };
}

/** `POST /twins/{d}/methods`, `POST /twins/{d}/modules/{m}/methods`. */
export const methodRoutes: RouteDef[] = [
  route('/twins/{deviceId}/methods', (ctx) => ({ deviceId: ctx.param('deviceId') })),
  route('/twins/{deviceId}/modules/{moduleId}/methods',
    (ctx) => ({ deviceId: ctx.param('deviceId'), moduleId: ctx.param('moduleId') })),
];
