/**
 * The service-side route table (azure-iothub REST API plus fieldhub extensions). The device-side
 * HTTP API (`/devices/{id}/messages/events`, `/devices/{id}/messages/devicebound[/{lock}]`,
 * `/devices/{id}/files`) will be a second table, `deviceRoutes`, registered next to this one:
 * its patterns differ from every pattern here by a literal segment (`messages`, `files` vs
 * `modules`), and its auth rules ask for DeviceConnect on `/devices/{id}`, which the core grants
 * to the device's own token (or a DeviceConnect policy).
 */
import type { RouteDef } from '../route.js';
import { deviceImportRoutes } from './devices-import.js';
import { deviceRoutes } from './devices.js';
import { fieldhubRoutes } from './fieldhub.js';
import { methodRoutes } from './methods.js';
import { moduleRoutes } from './modules.js';
import { queryRoutes } from './query.js';
import { statisticsRoutes } from './statistics.js';
import { twinRoutes } from './twins.js';

/** Every service route, in no particular order (the router ranks them). */
export const serviceRoutes: readonly RouteDef[] = [
  ...deviceRoutes,
  ...deviceImportRoutes,
  ...moduleRoutes,
  ...twinRoutes,
  ...queryRoutes,
  ...methodRoutes,
  ...statisticsRoutes,
  ...fieldhubRoutes,
];
