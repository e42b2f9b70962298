/**
 * The AMQP head: IoT Hub's AMQP 1.0 device and service surface over TLS, on rhea.
 * See amqp-head.ts for the server and connection.ts for one connection.
 */
export {
  createAmqpHead, type AmqpHead, type AmqpHeadOptions, type AmqpHeadStats,
} from './amqp-head.js';
export { HUB_ERROR_AMQP, Condition } from './error-map.js';
