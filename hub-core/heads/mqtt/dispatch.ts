/**
 * Routes a parsed packet to its handler by `cmd`, according to the connection's state. Handlers
 * are async; their failures never escape: an unexpected error closes that one connection.
 */
import type { Packet } from 'mqtt-packet';
import { PINGRESP } from './codec.js';
import type { Connection } from './connection.js';
import { handleConnect } from './handle-connect.js';
import { handlePublish } from './handle-publish.js';
import { handleSubscribe, handleUnsubscribe } from './handle-subscribe.js';
import { MqttEvents } from './log-events.js';

/** Handles one packet from the client. */
export function dispatchPacket(conn: Connection, packet: Packet): void {
  switch (conn.state) {
    case 'closed':
      return;
    case 'awaiting-connect':
      // The frame guard already refused anything but CONNECT first [MQTT-3.1.0-1].
      if (packet.cmd !== 'connect') return violation(conn, `${packet.cmd} before CONNECT`);
      guard(conn, handleConnect(conn, packet));
      return;
    case 'authenticating':
      // Pipelined after CONNECT; replayed in order once the CONNACK is out.
      conn.backlog.push(packet);
      return;
    case 'connected':
      connected(conn, packet);
  }
}

/** Dispatch in the connected state. */
export function connected(conn: Connection, packet: Packet): void {
  switch (packet.cmd) {
    case 'publish':
      handlePublish(conn, packet);
      return;
    case 'puback': {
      const att = conn.attached!;
      const lockToken = packet.messageId === undefined ? undefined : att.proxy.acknowledge(packet.messageId);
      // PUBACK = Completed (wire contract B): mqtt.js acks on receipt, independent of the app.
      if (lockToken !== undefined) {
        att.session.completeC2d(lockToken).catch((err: unknown) => MqttEvents.internalError(conn.ctx.log, conn.fields, err));
      }
      return;
    }
    case 'subscribe':
      guard(conn, handleSubscribe(conn, packet));
      return;
    case 'unsubscribe':
      guard(conn, handleUnsubscribe(conn, packet));
      return;
    case 'pingreq':
      conn.write(PINGRESP);
      return;
    case 'disconnect':
      // Normal end: no Will to publish (IoT Hub has none) [MQTT-3.14.4-3].
      conn.end('client DISCONNECT');
      return;
    case 'connect':
      // A second CONNECT is a protocol violation [MQTT-3.1.0-2].
      return violation(conn, 'second CONNECT');
    default:
      // QoS 2 flows, CONNACK/SUBACK from a client, AUTH: none belongs to IoT Hub's MQTT.
      return violation(conn, `unexpected ${packet.cmd}`);
  }
}

function violation(conn: Connection, reason: string): void {
  MqttEvents.invalidPacket(conn.ctx.log, conn.fields, reason);
  conn.destroy(reason);
}

/** Runs an async handler; an escaped error closes only this connection. */
export function guard(conn: Connection, work: Promise<void>): void {
  work.catch((err: unknown) => {
    MqttEvents.internalError(conn.ctx.log, conn.fields, err);
    conn.destroy('internal error');
  });
}
