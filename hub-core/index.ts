/**
 * hub-core's public API: what the runtime, the CLI, tests and embedders import. The core itself
 * (core/) imports no head and no protocol library; this file is the composition's front door.
 */
export { FieldhubError, HubError, HubErrorCodes, isHubError, type HubErrorCode } from './errors.js';
export { childLogger, createRootLogger, silentLogger, type Logger } from './log.js';
export * from './store/index.js';
export type * from './core/api.js';
export type * from './core/types.js';
export { DEFAULT_LIMITS, HubCore, resolveLimits } from './core/hub.js';
export {
  connectionString, deviceResourceUri, generateSasKey, parseConnectionString, parseSasToken, signSas,
} from './core/sas.js';
export type { HeadOptions, ProtocolHead, TlsMaterial } from './heads/head.js';
export { createHttpsHead } from './heads/https/index.js';
export { createMqttHead } from './heads/mqtt/index.js';
export * from './tls/index.js';
export { startHubServer, type HubServer, type HubServerConfig } from './server/hub-server.js';
export { hubInfoPath, readHubInfo, type HubInfo } from './server/hub-info.js';
export { describeListenError, listenErrno } from './server/listen-error.js';
