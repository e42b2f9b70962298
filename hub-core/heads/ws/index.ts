/**
 * MQTT and AMQP over WebSockets on the HTTPS port (`/$iothub/websocket`): see websocket-bridge.ts.
 */
export {
  createWebSocketBridge, type BridgedProtocol, type StreamHead, type WebSocketBridge, type WebSocketBridgeOptions,
} from './websocket-bridge.js';
