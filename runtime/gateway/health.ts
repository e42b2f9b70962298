/**
 * `GET /fieldhub/v1/gateway` on the gateway's HTTPS port: the gateway's health in one document
 * (upstream link and drain, outbox with its quota and full policy, routes and sinks, modules),
 * authorised like `/fieldhub/v1/health` (ServiceConnect or RegistryRead).
 */
import { HubError } from '../../hub-core/errors.js';
import { ok, type RouteDef } from '../../hub-core/heads/https/route.js';

export interface GatewayHealth {
  gatewayDeviceId: string;
  upstream: Record<string, unknown> | null;
  outbox: unknown;
  routes: unknown;
  sinks: unknown;
  modules: unknown;
}

export function gatewayHealthRoute(health: () => GatewayHealth | undefined): RouteDef {
  return {
    method: 'GET', path: '/fieldhub/v1/gateway', auth: { anyOf: ['ServiceConnect', 'RegistryRead'] },
    handler: async () => {
      const h = health();
      if (h === undefined) throw new HubError('FH_HUB_CLOSED', 'the gateway is starting or stopping');
      return ok(h);
    },
  };
}
