/**
 * The MQTT upstream link: one connection per mirrored identity, the IoT Hub MQTT device
 * protocol (see mqtt-identity-link.ts), for upstreams without AMQP.
 */
export { createMqttUpstreamLink, type MqttIdentityUpstreamLink } from './mqtt-identity-link.js';
export type { MqttIdentityState, MqttIdentityStatus } from './mirrored-identity.js';
export type { MqttBackoffSettings, MqttIdentityCredentials, MqttIdentityUpstreamOptions } from './options.js';
