/**
 * PUBLISH from a device: telemetry (the hot path), twin requests and method responses (wire
 * contract B, "Device → hub PUBLISH"). A publish outside the identity's own topics disconnects
 * the client, as Azure does.
 */
import type { IPublishPacket } from 'mqtt-packet';
import type { Message } from '../../core/types.js';
import type { AckHandle } from './ack-queue.js';
import type { Connection } from './connection.js';
import { guard } from './dispatch.js';
import { codeOf } from './error-map.js';
import { handleMethodResponse, handleReportedPatch, handleTwinGet } from './handle-twin.js';
import { MqttEvents } from './log-events.js';
import { parsePropertyBag } from './property-bag.js';

/** Handles one PUBLISH from the connected device. */
export function handlePublish(conn: Connection, packet: IPublishPacket): void {
  // IoT Hub has no QoS 2 [wire contract B]; a QoS 2 PUBLISH is refused by closing.
  if (packet.qos === 2) {
    MqttEvents.invalidPacket(conn.ctx.log, conn.fields, 'QoS 2 is not supported');
    conn.destroy('QoS 2');
    return;
  }
  const att = conn.attached!;
  const route = att.topics.classify(packet.topic);
  switch (route.kind) {
    case 'telemetry':
      return telemetry(conn, packet, route.bag);
    case 'forbidden':
      MqttEvents.scopeViolation(conn.ctx.log, conn.fields, packet.topic);
      conn.destroy('publish outside scope');
      return;
  }
  if (route.rid === undefined) {
    MqttEvents.invalidPacket(conn.ctx.log, conn.fields, `no $rid on ${route.kind}`);
    conn.destroy('missing $rid');
    return;
  }
  // Twin and method topics are QoS 0 from the SDKs; a QoS 1 one is acknowledged once handled.
  const ack = packet.qos === 1 && packet.messageId !== undefined ? conn.acks.push(packet.messageId) : undefined;
  const payload = toBuffer(packet.payload);
  let work: Promise<void>;
  switch (route.kind) {
    case 'twin-get':
      work = handleTwinGet(conn, route.rid);
      break;
    case 'twin-patch-reported':
      work = handleReportedPatch(conn, route.rid, payload);
      break;
    case 'method-response':
      handleMethodResponse(conn, route.rid, route.status, payload);
      work = Promise.resolve();
      break;
  }
  if (ack !== undefined) work = work.then(() => conn.acks.settle(ack));
  // Twin requests count towards the in-flight bound too: a client spamming GETs gets paused.
  conn.beginInflight();
  guard(conn, work.finally(() => conn.endInflight()));
}

/**
 * Telemetry: stored through the session, PUBACKed only once durable and in arrival order.
 * Any failure (too large, throttled, store error) means no PUBACK and a disconnect: MQTT 3.1.1
 * has no negative PUBACK, and the SDK retries on reconnect.
 */
function telemetry(conn: Connection, packet: IPublishPacket, bag: string): void {
  const att = conn.attached!;
  const { system, properties } = parsePropertyBag(bag);
  // Azure keeps no retained messages; it marks them instead (documented IoT Hub behaviour).
  if (packet.retain) properties['mqtt-retain'] = 'true';
  const message: Message = { body: toBuffer(packet.payload), system, properties };
  let ack: AckHandle | undefined;
  if (packet.qos === 1 && packet.messageId !== undefined) ack = conn.acks.push(packet.messageId);
  conn.beginInflight();
  att.session.sendTelemetry(message).then(
    () => {
      conn.endInflight();
      if (ack !== undefined) conn.acks.settle(ack);
    },
    (err: unknown) => {
      conn.endInflight();
      if (conn.state === 'closed') return;
      MqttEvents.telemetryFailed(conn.ctx.log, conn.fields, codeOf(err));
      conn.destroy('telemetry not stored');
    },
  );
}

function toBuffer(payload: string | Buffer): Buffer {
  return typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
}
