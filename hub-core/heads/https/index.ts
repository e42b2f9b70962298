/** The HTTPS head: IoT Hub service REST API and fieldhub extensions. */
export { createHttpsHead, type HttpsHeadOptions } from './https-head.js';
export { HUB_ERROR_HTTP, resolveError, type HttpErrorMapping } from './error-map.js';
export type { AuthRule, Reply, RequestContext, RouteDef, RouteHandler } from './route.js';
