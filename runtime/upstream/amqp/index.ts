/**
 * The AMQP upstream link: every mirrored identity over one connection (see amqp-link.ts).
 */
export { createAmqpUpstreamLink, type AmqpUpstreamLink } from './amqp-link.js';
export type { IdentityState, IdentityStatus } from './mirrored-identity.js';
export type { AmqpCredentials, AmqpUpstreamOptions, BackoffSettings } from './options.js';
