/**
 * Statistics (wire contract E): `GET /statistics/devices` (RegistryRead; what
 * `Registry.getRegistryStatistics` calls) and `GET /statistics/service` (ServiceConnect or
 * RegistryRead).
 */
import { ok, type RouteDef } from '../route.js';

/** `GET /statistics/devices`, `GET /statistics/service`. */
export const statisticsRoutes: RouteDef[] = [
  {
    method: 'GET', path: '/statistics/devices', auth: { anyOf: ['RegistryRead'] },
    handler: async (ctx) => {
      const s = await ctx.core.registry.statistics();
      return ok({
        totalDeviceCount: s.totalDeviceCount,
        enabledDeviceCount: s.enabledDeviceCount,
        disabledDeviceCount: s.disabledDeviceCount,
      });
    },
  },
  {
    method: 'GET', path: '/statistics/service', auth: { anyOf: ['ServiceConnect', 'RegistryRead'] },
    handler: async (ctx) => ok({ connectedDeviceCount: ctx.core.registry.connectedCount() }),
  },
];
