/**
 * The hub core's public surface: the API contract, the data types, the HubCore facade, clocks,
 * and the pure helpers heads need (SAS, twin documents, queries). Heads and the runtime import
 * from here, never from the service files.
 */
export type * from './api.js';
export type * from './types.js';
export type * from './service-queue-api.js';
export { HubCore, DEFAULT_LIMITS, resolveLimits, type HubCoreStats } from './hub.js';
export { systemClock, FakeClock, type TimerHandle } from './clock.js';
export { BUILT_IN_POLICIES } from './auth.js';
export { NEVER } from './presence.js';
export { PUSH_WINDOW, C2D_EXPIRY_SWEEP_MS } from './c2d.js';
export { MAX_C2D_TTL_MS } from './c2d-records.js';
export { METHOD_RESPONSE_TIMEOUT, METHOD_CONNECT_TIMEOUT } from './methods.js';
export { RETENTION_SWEEP_MS } from './telemetry.js';
export { DEFAULT_FILE_UPLOAD, MAX_ACTIVE_UPLOADS, UPLOAD_CONTAINER } from './files.js';
export { SERVICE_QUEUE_LOCK_MS, SERVICE_QUEUE_SWEEP_MS } from './service-queue.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './query-service.js';
export { identityKey, identityPath, isValidId } from './ids.js';
export { unquoteEtag } from './registry-records.js';
export type { Session, C2dOutcome } from './session.js';
export type { Registry } from './registry.js';
export type { IdentityInfo } from './identity-cache.js';
export type { Auth } from './auth.js';
export type { Twins } from './twins.js';
export type { Methods } from './methods.js';
export type { C2d } from './c2d.js';
export type { Telemetry } from './telemetry.js';
export type { Queries } from './query-service.js';
export type { Files } from './files.js';
export type { ServiceQueue } from './service-queue.js';
export type { ServiceQueues } from './service-queues.js';
export {
  signSas, parseSasToken, verifySasSignature, parseResourceUri, scopeCovers, generateSasKey, deviceResourceUri,
  connectionString, parseConnectionString, encodeUriComponentStrict, type ParsedSas, type ResourceUri,
} from './sas.js';
export { validatePatch, applyPatch, etagFor, deviceView } from './twin-doc.js';
export { parseQuery, runQuery, parseCondition, evaluateCondition } from './query/index.js';
