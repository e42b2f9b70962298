/**
 * The MQTT head: IoT Hub's device MQTT over TLS, purpose-built on mqtt-packet.
 * See mqtt-head.ts for the server and connection.ts for one connection.
 */
export { createMqttHead, type MqttHead, type MqttHeadOptions } from './mqtt-head.js';
