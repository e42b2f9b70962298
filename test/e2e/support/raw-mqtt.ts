/**
 * A bare MQTT 3.1.1 client over TLS (or plain TCP) built on mqtt-packet: nothing retries,
 * reconnects or queues, so a test sees exactly what the hub answered and when it hung up. Used
 * where the SDK would hide the wire (cross-device topics, malformed packets, the durability
 * publisher).
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import mqtt from 'mqtt-packet';
import type { IConnackPacket, Packet } from 'mqtt-packet';
import { signSas } from '../../../hub-core/core/sas.js';

export interface RawConnectOptions {
  host: string;
  port: number;
  /** CA PEM; without it the connection is plain TCP (to prove the hub refuses that). */
  ca?: string;
  clientId: string;
  username?: string;
  password?: string;
  clean?: boolean;
  keepalive?: number;
}

/** The username the device SDK sends, for `deviceId` on hub `hostName`. */
export function sdkUsername(hostName: string, deviceId: string): string {
  return `${hostName}/${deviceId}/?api-version=2021-04-12&DeviceClientType=fieldhub-e2e`;
}

/** A device SAS token for `deviceId`, valid for `seconds` (negative: already expired). */
export function deviceToken(hostName: string, deviceId: string, key: string, seconds = 3600): string {
  return signSas(`${hostName}/devices/${deviceId}`, key, Math.floor(Date.now() / 1000) + seconds);
}

export class RawMqtt extends EventEmitter {
  readonly socket: net.Socket;
  /** Resolves when the socket is closed, for whatever reason. */
  readonly closed: Promise<void>;
  isClosed = false;
  /** Every packet received, in order. */
  readonly received: Packet[] = [];
  /** Raw bytes received before any MQTT packet parsed (what a non-MQTT peer answered). */
  rawBytes = 0;
  private nextId = 1;
  private readonly parser = mqtt.parser({ protocolVersion: 4 });

  private constructor(socket: net.Socket) {
    super();
    this.socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => { this.isClosed = true; resolve(); }));
    socket.on('error', (err) => this.emit('socket-error', err));
    socket.on('data', (chunk: Buffer) => {
      this.rawBytes += chunk.length;
      this.parser.parse(chunk);
    });
    this.parser.on('packet', (p: Packet) => {
      this.received.push(p);
      this.emit('packet', p);
      this.emit(p.cmd, p);
    });
    this.parser.on('error', (err: Error) => this.emit('parse-error', err));
  }

  /** Opens the transport only (TLS handshake done when it resolves). */
  static async dial(opts: Pick<RawConnectOptions, 'host' | 'port' | 'ca'>): Promise<RawMqtt> {
    const socket = opts.ca
      ? tls.connect({ host: opts.host, port: opts.port, ca: opts.ca })
      : net.connect({ host: opts.host, port: opts.port });
    await new Promise<void>((resolve, reject) => {
      socket.once(opts.ca ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    socket.setNoDelay(true);
    return new RawMqtt(socket);
  }

  /**
   * Dials and sends CONNECT. Resolves with the CONNACK, or with `undefined` when the hub closed
   * the connection without one (both are refusals a test may expect).
   */
  static async connect(opts: RawConnectOptions): Promise<{ client: RawMqtt; connack: IConnackPacket | undefined }> {
    const client = await RawMqtt.dial(opts);
    const connack = client.next<IConnackPacket>('connack');
    client.send({
      cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: opts.clientId,
      clean: opts.clean ?? false, keepalive: opts.keepalive ?? 180,
      ...(opts.username !== undefined ? { username: opts.username } : {}),
      ...(opts.password !== undefined ? { password: Buffer.from(opts.password) } : {}),
    });
    return { client, connack: await connack };
  }

  /** The next packet of kind `cmd`, or undefined if the connection closes first. */
  next<T extends Packet>(cmd: Packet['cmd']): Promise<T | undefined> {
    return new Promise((resolve) => {
      if (this.isClosed) return resolve(undefined);
      const onPacket = (p: T): void => { this.socket.off('close', onClose); resolve(p); };
      const onClose = (): void => { this.off(cmd, onPacket); resolve(undefined); };
      this.once(cmd, onPacket);
      // 'close' comes after the last 'data', so a packet that did arrive is never missed.
      this.socket.once('close', onClose);
    });
  }

  send(packet: Packet): void {
    if (!this.socket.destroyed) this.socket.write(mqtt.generate(packet));
  }

  writeRaw(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Sends a QoS 1 PUBLISH; returns its packet id. */
  publish(topic: string, payload: Buffer | string, qos: 0 | 1 = 1): number {
    const messageId = this.nextId;
    this.nextId = messageId === 65535 ? 1 : messageId + 1;
    this.send({ cmd: 'publish', topic, payload, qos, messageId, retain: false, dup: false });
    return messageId;
  }

  /** Subscribes; resolves with the granted QoS list (128 = refused), or undefined if closed. */
  async subscribe(topic: string, qos: 0 | 1 = 1): Promise<number[] | undefined> {
    const messageId = this.nextId++;
    const suback = this.next<Packet & { granted: number[] }>('suback');
    this.send({ cmd: 'subscribe', messageId, subscriptions: [{ topic, qos }] });
    return (await suback)?.granted;
  }

  end(): Promise<void> {
    if (!this.socket.destroyed) this.socket.end(mqtt.generate({ cmd: 'disconnect' }));
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
