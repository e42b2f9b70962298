/**
 * The plain MQTT bridge upstream link: its factory and options. The shared MQTT connection, topic
 * templates and message mapping in this folder are also used by the MQTT route sink.
 */
export {
  createMqttBridgeLink,
  DEFAULT_COMMANDS_TOPIC,
  DEFAULT_MODULE_TELEMETRY_TOPIC,
  DEFAULT_TELEMETRY_TOPIC,
  type MqttBridgeOptions,
} from './bridge-link.js';
export type { MqttBrokerOptions } from './mqtt-connection.js';
