/**
 * The MQTT head: a purpose-built IoT Hub MQTT endpoint over TLS on `mqtt-packet`, not a general
 * broker (no fan-out between clients, fixed topic families, sessions owned by identities).
 * TLS only: a plain TCP client fails the handshake and never reaches MQTT (wire contract §1).
 * `handle()` serves MQTT on a stream someone else secured (MQTT over WebSockets on the HTTPS port).
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { closeListener } from '../close-listener.js';
import { HubError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { HeadOptions, ProtocolHead } from '../head.js';
import { lazyCode } from '../lazy-code.js';
import type { Connection, ConnectionContext } from './connection.js';
import { MqttEvents } from './log-events.js';
import { SessionStore } from './session-store.js';

/** Options of {@link createMqttHead}. */
export interface MqttHeadOptions extends HeadOptions {
  /**
   * Largest packet a connected client may send (Remaining Length), bytes. Default 327680:
   * IoT Hub's 256 KiB message plus 64 KiB for topic and property bag. Larger packets are
   * refused on their header and the client is disconnected.
   */
  maxPacketBytes?: number;
  /** Time from TLS handshake to CONNECT before the socket is closed, ms. Default 10000. */
  connectTimeoutMs?: number;
}

const DEFAULT_MAX_PACKET = 256 * 1024 + 64 * 1024;
/** A CONNECT carries a clientId, a username and a SAS token: a few hundred bytes. */
const MAX_CONNECT = 16 * 1024;

/** The MQTT head, plus the entry point for streams it did not accept itself. */
export interface MqttHead extends ProtocolHead {
  readonly name: 'mqtt';
  /**
   * Serves MQTT on an already established byte stream (the payload of a WebSocket). The
   * connection is an ordinary one (CONNECT timeout, SAS authentication, limits); a stream
   * without TLS has no client certificate, so X.509 CONNECTs on it are refused (FH_AUTH_MISSING).
   */
  handle(socket: Duplex): void;
}

/**
 * Creates the MQTT head. `start()` listens (rejects FH_LISTEN_FAILED naming the port and errno),
 * `close()` stops listening and ends every connection, including those given to `handle()`.
 */
export function createMqttHead(options: MqttHeadOptions): MqttHead {
  return new MqttHeadImpl(options);
}

class MqttHeadImpl implements MqttHead {
  readonly name = 'mqtt' as const;
  private readonly log: Logger;
  private readonly ctx: ConnectionContext;
  private readonly connections = new Set<Connection>();
  /** Raw sockets, including those still in the TLS handshake. */
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private bound: { host: string; port: number } | undefined;
  private closing: Promise<void> | undefined;
  /** The connection code (mqtt-packet, the packet handlers), loaded by the first client. */
  private readonly code = lazyCode(() => import('./connection.js'));

  constructor(private readonly options: MqttHeadOptions) {
    // The caller namespaces the logger (the server passes `fieldhub:heads:mqtt`).
    this.log = options.logger;
    this.ctx = {
      core: options.core,
      log: this.log,
      sessions: new SessionStore(options.store.sublevel('sessions')),
      maxPacketBytes: options.maxPacketBytes ?? DEFAULT_MAX_PACKET,
      maxConnectBytes: MAX_CONNECT,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      onClosed: (conn) => this.connections.delete(conn),
    };
  }

  async start(): Promise<void> {
    if (this.server !== undefined) return;
    const { tls, host, port } = this.options;
    const server = createServer({
      key: tls.key,
      cert: tls.cert,
      ca: tls.ca,
      // X.509 devices present self-signed certificates: ask for one, judge it by thumbprint.
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      handshakeTimeout: this.ctx.connectTimeoutMs,
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('secureConnection', (socket: TLSSocket) => this.accept(socket));
    server.on('tlsClientError', (err: Error, socket: TLSSocket) => {
      MqttEvents.tlsClientError(this.log, `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`, (err as NodeJS.ErrnoException).code ?? err.message);
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        reject(new HubError('FH_LISTEN_FAILED', `MQTT head cannot listen on ${host}:${port}: ${err.code ?? err.message}`, { cause: err }));
      });
      server.listen(port, host, () => resolve());
    });
    server.on('error', (err) => this.log.error({ event: 'server-error', code: 'FH_INTERNAL', err }, 'MQTT server error'));
    const addr = server.address();
    this.bound = typeof addr === 'object' && addr !== null ? { host: addr.address, port: addr.port } : { host, port };
    this.server = server;
    MqttEvents.listening(this.log, this.bound.host, this.bound.port);
  }

  private accept(socket: TLSSocket): void {
    socket.setNoDelay(true);
    this.handle(socket);
  }

  handle(socket: Duplex): void {
    if (this.closing !== undefined) {
      socket.destroy();
      return;
    }
    this.code.withCode(socket, ({ Connection }) => {
      if (this.closing === undefined) this.connections.add(new Connection(socket, this.ctx));
      else socket.destroy();
    }, (err) => this.log.error({ event: 'connection-code', code: 'FH_INTERNAL', err }, 'MQTT head cannot load its connection code'));
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await closeListener(this.server, () => {
      for (const conn of [...this.connections]) conn.end('head closing');
    }, this.sockets);
  }

  address(): { host: string; port: number } {
    if (this.bound === undefined) throw new HubError('FH_LISTEN_FAILED', 'MQTT head is not listening');
    return this.bound;
  }
}
