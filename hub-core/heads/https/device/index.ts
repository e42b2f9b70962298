/**
 * The device side of the HTTPS head (wire contract D): telemetry, cloud-to-device messages and
 * file upload as azure-iot-device-http speaks them, plus the blob endpoint uploads go to.
 *
 * These routes are a table of their own, beside the service routes: every one asks for
 * DeviceConnect on the device (or module) in its path, which the core grants to that identity's
 * token or a DeviceConnect policy, never to a service-only policy; service routes never ask for
 * DeviceConnect. So neither side's credentials open the other's routes.
 */
import type { RouteDef } from '../route.js';
import { c2dRoutes } from './c2d.js';
import { fileUploadRoutes } from './file-upload.js';
import { telemetryRoutes } from './telemetry.js';

/** Every device-side route. */
export const deviceRoutes: readonly RouteDef[] = [...telemetryRoutes, ...c2dRoutes, ...fileUploadRoutes];

export { withBlobEndpoint } from './blob-endpoint.js';
export { blobEndpointHost } from './file-upload.js';
