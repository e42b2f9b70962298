/**
 * The AMQP upstream link: the mirrored identities over as few connections as
 * `identitiesPerConnection` allows (connection-pool.ts; one connection: amqp-link.ts).
 */
export type { AmqpUpstreamLink } from './amqp-link.js';
export { createAmqpUpstreamLink } from './connection-pool.js';
export type { IdentityState, IdentityStatus } from './mirrored-identity.js';
export type { AmqpCredentials, AmqpUpstreamOptions, BackoffSettings } from './options.js';
