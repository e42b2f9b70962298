/**
 * The AMQP head: IoT Hub's AMQP 1.0 surface over TLS (default port 5671) on rhea, for devices
 * (CBS or SASL PLAIN, many identities per connection) and for the service SDK (C2D send,
 * feedback, file notifications). TLS only, as IoT Hub; `handle()` takes any other byte stream
 * that already carries AMQP (the WebSocket adapter on the HTTPS port).
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { FileNotification } from '../../core/api.js';
import { closeListener } from '../close-listener.js';
import { HubError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { HeadOptions, ProtocolHead } from '../head.js';
import { lazyCode } from '../lazy-code.js';
import type { AmqpConnection } from './connection.js';
import type { AmqpEngine, EngineSettings } from './engine.js';
import { AmqpEvents } from './log-events.js';
import { logServiceQueueDrops } from './service-bound.js';

/** Options of {@link createAmqpHead}; every addition has a default. */
export interface AmqpHeadOptions extends HeadOptions {
  /** max-frame-size the hub advertises and enforces, bytes. Default 65536. */
  maxFrameBytes?: number;
  /** idle-time-out the hub advertises, ms (clients heartbeat at half). Default 240000. */
  idleTimeoutMs?: number;
  /** Time from TCP accept to the AMQP open (TLS and SASL included), ms. Default 10000. */
  openTimeoutMs?: number;
  /** Time from the AMQP open to the first accepted token, ms. Default 60000. */
  authTimeoutMs?: number;
  /** Tokens (identities and policies) one connection may hold. Default 10000. */
  maxTokensPerConnection?: number;
  /** How long newly available feedback waits for more records before a partial batch goes, ms. Default 200. */
  feedbackBatchDelayMs?: number;
}

/** Counters for health and tests. */
export interface AmqpHeadStats {
  /** Connections accepted since start (TLS and `handle()`). */
  connectionsAccepted: number;
  connectionsOpen: number;
  /** Device and module identities with an entry on some connection. */
  identities: number;
}

/** The AMQP head, plus the entry points other parts of the hub use. */
export interface AmqpHead extends ProtocolHead {
  readonly name: 'amqp';
  /** Serves AMQP on an already established byte stream (after TLS, or a WebSocket's payload). */
  handle(socket: Duplex): void;
  /**
   * Appends a notification to the core's file-notification queue
   * (`/messages/serviceBound/filenotifications`); resolves once durable. The core's file service
   * appends its own; this entry point is for other producers.
   */
  publishFileNotification(notification: FileNotification): Promise<void>;
  stats(): AmqpHeadStats;
}

/** Creates the AMQP head. `start()` listens (FH_LISTEN_FAILED naming the port); `close()` ends every connection. */
export function createAmqpHead(options: AmqpHeadOptions): AmqpHead {
  return new AmqpHeadImpl(options);
}

class AmqpHeadImpl implements AmqpHead {
  readonly name = 'amqp' as const;
  private readonly log: Logger;
  private readonly settings: EngineSettings;
  private readonly connections = new Set<AmqpConnection>();
  /** Raw sockets, including those still in the TLS handshake. */
  private readonly sockets = new Set<Socket>();
  /** rhea and the connection code, loaded by the first connection (a hub nobody dials over AMQP never loads them). */
  private readonly code = lazyCode(() => import('./engine.js'));
  private engine: AmqpEngine | undefined;
  private readonly stopDropLogs: Array<() => void>;
  private server: Server | undefined;
  private bound: { host: string; port: number } | undefined;
  private closing: Promise<void> | undefined;
  private accepted = 0;

  constructor(private readonly options: AmqpHeadOptions) {
    this.log = options.logger;
    const { core } = options;
    const maxFrameBytes = options.maxFrameBytes ?? 65_536;
    this.settings = {
      core, log: this.log, maxFrameBytes,
      // Room for a few maximum-size messages in flight at once, then the connection is cut.
      maxIncompleteBytes: 4 * core.limits.maxMessageBytes + 16 * maxFrameBytes,
      idleTimeoutMs: options.idleTimeoutMs ?? 240_000,
      openTimeoutMs: options.openTimeoutMs ?? 10_000,
      authTimeoutMs: options.authTimeoutMs ?? 60_000,
      maxGrants: options.maxTokensPerConnection ?? 10_000,
      feedbackBatchDelayMs: options.feedbackBatchDelayMs ?? 200,
      onClosed: (conn) => this.connections.delete(conn),
    };
    // Drops are logged whether or not an AMQP client ever connected.
    this.stopDropLogs = [
      logServiceQueueDrops(core.serviceQueues.feedback, 'feedback', this.log),
      logServiceQueueDrops(core.serviceQueues.fileNotifications, 'file-notifications', this.log),
    ];
  }

  async start(): Promise<void> {
    if (this.server !== undefined) return;
    const { tls, host, port } = this.options;
    const server = createServer({
      key: tls.key, cert: tls.cert, ca: tls.ca, minVersion: 'TLSv1.2', handshakeTimeout: this.settings.openTimeoutMs,
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('secureConnection', (socket: TLSSocket) => {
      socket.setNoDelay(true);
      this.handle(socket);
    });
    server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
      AmqpEvents.tlsClientError(this.log, `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`, err.code ?? err.message);
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        reject(new HubError('FH_LISTEN_FAILED', `AMQP head cannot listen on ${host}:${port}: ${err.code ?? err.message}`, { cause: err }));
      });
      server.listen(port, host, () => resolve());
    });
    server.on('error', (err) => this.log.error({ event: 'server-error', code: 'FH_INTERNAL', err }, 'AMQP server error'));
    const addr = server.address();
    this.bound = typeof addr === 'object' && addr !== null ? { host: addr.address, port: addr.port } : { host, port };
    this.server = server;
    AmqpEvents.listening(this.log, this.bound.host, this.bound.port);
  }

  handle(socket: Duplex): void {
    if (this.closing !== undefined) {
      socket.destroy();
      return;
    }
    this.accepted++;
    this.code.withCode(socket, ({ AmqpEngine }) => {
      if (this.closing !== undefined) {
        socket.destroy();
        return;
      }
      this.engine ??= new AmqpEngine(this.settings);
      this.connections.add(this.engine.connect(socket));
    }, (err) => this.log.error({ event: 'connection-code', code: 'FH_INTERNAL', err }, 'AMQP head cannot load its connection code'));
  }

  publishFileNotification(notification: FileNotification): Promise<void> {
    return this.options.core.serviceQueues.fileNotifications.append(notification);
  }

  stats(): AmqpHeadStats {
    let identities = 0;
    for (const conn of this.connections) identities += conn.identityCount;
    return { connectionsAccepted: this.accepted, connectionsOpen: this.connections.size, identities };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    for (const stop of this.stopDropLogs.splice(0)) stop();
    this.engine?.close();
    await closeListener(this.server, () => {
      for (const conn of [...this.connections]) conn.end('the hub is shutting down');
    }, this.sockets);
  }

  address(): { host: string; port: number } {
    if (this.bound === undefined) throw new HubError('FH_LISTEN_FAILED', 'AMQP head is not listening');
    return this.bound;
  }
}
