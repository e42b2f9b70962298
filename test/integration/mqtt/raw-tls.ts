/**
 * A raw TLS socket to the head, for bytes no MQTT client library would send: garbage, broken
 * lengths, oversized headers, silence. Packets are built with mqtt-packet where they are valid.
 */
import { connect, type TLSSocket } from 'node:tls';
import { generate, parser, type Packet } from 'mqtt-packet';
import type { MqttTestHub } from './harness.js';

const sockets = new Set<TLSSocket>();

/** Opens a TLS connection to the head (no client certificate). */
export function rawTls(hub: MqttTestHub): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: hub.port, ca: hub.ca }, () => resolve(socket));
    sockets.add(socket);
    socket.once('error', reject);
  });
}

/** Resolves when the server closed the socket. */
export function serverClosed(socket: TLSSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.on('error', () => undefined);
    socket.once('close', () => resolve());
    // A half-closed socket (server sent FIN) also counts: end our side so 'close' follows.
    socket.once('end', () => socket.end());
  });
}

/** Collects the MQTT packets the server sends on `socket`. */
export function packetsOf(socket: TLSSocket): Packet[] {
  const out: Packet[] = [];
  const p = parser({ protocolVersion: 4 });
  p.on('packet', (packet: Packet) => out.push(packet));
  socket.on('data', (chunk: Buffer) => p.parse(chunk));
  return out;
}

/** A valid 3.1.1 CONNECT. */
export function connectPacket(clientId: string, username: string, password: string, keepalive = 60): Buffer {
  return generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId, keepalive, username, password: Buffer.from(password) });
}

/** Destroys every socket opened by {@link rawTls}. */
export function destroyAllRaw(): void {
  for (const s of sockets) s.destroy();
  sockets.clear();
}
