/**
 * The HTTPS protocol head: IoT Hub's REST service API (what azure-iothub's Registry and
 * Client call) plus fieldhub's `/fieldhub/v1` extensions, on `node:https`. TLS 1.2 or later,
 * keep-alive (the SDK keeps one agent per client).
 */
import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { HubError } from '../../errors.js';
import type { HeadOptions, ProtocolHead } from '../head.js';
import { deviceRoutes, withBlobEndpoint } from './device/index.js';
import { createDispatcher } from './dispatch.js';
import { errorBody, resolveError } from './error-map.js';
import { DEFAULT_MAX_BODY_BYTES } from './request-body.js';
import type { RouteDef } from './route.js';
import { Router } from './router.js';
import { serviceRoutes } from './routes/index.js';

/** Options of {@link createHttpsHead}. */
export interface HttpsHeadOptions extends HeadOptions {
  /** Largest request body read, bytes; larger ones get 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Extra routes (the device-side API, tests); same precedence rules as the built-in ones. */
  extraRoutes?: readonly RouteDef[];
  /**
   * Takes HTTP upgrade requests (the WebSocket bridge for `/$iothub/websocket`); it owns the
   * socket from then on, and must close it before close() can finish (the server waits for
   * every socket). Without it, Node answers an upgrade request like any other request.
   */
  onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

/**
 * How long an idle keep-alive connection stays open, ms. Longer than Node's 5 s default: the
 * SDK reuses pooled sockets, and a server closing one just as the client reuses it turns into
 * ECONNRESET, which Registry calls do not retry.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * A raw response for requests the HTTP parser rejects (they never reach the dispatcher):
 * 431 for oversized headers, else 400, with the usual JSON error body.
 */
function parserErrorBytes(code: string | undefined): string {
  const tooLarge = code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const resolved = resolveError(new HubError('FH_MSG_INVALID', tooLarge ? 'request headers too large' : 'malformed HTTP request'));
  const body = JSON.stringify(errorBody(tooLarge ? { ...resolved, status: 431 } : resolved));
  return `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** Creates the HTTPS head (name `https`). Nothing listens until start(). */
export function createHttpsHead(options: HttpsHeadOptions): ProtocolHead {
  // The server already names this logger (fieldhub:heads:https); a second child would repeat `ns`.
  const logger = options.logger;
  const router = new Router().add(...serviceRoutes, ...deviceRoutes, ...(options.extraRoutes ?? []));
  const dispatcher = withBlobEndpoint(options.core, logger, createDispatcher({
    core: options.core, router, logger, maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  }));
  let server: Server | undefined;
  let bound: { host: string; port: number } | undefined;
  let closing: Promise<void> | undefined;

  function build(): Server {
    const srv = createServer({
      key: options.tls.key,
      cert: options.tls.cert,
      minVersion: 'TLSv1.2',
      keepAlive: true,
    }, dispatcher);
    srv.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    if (options.onUpgrade !== undefined) srv.on('upgrade', options.onUpgrade);
    // Garbage or a failed handshake on one socket: drop that socket, nothing else.
    srv.on('tlsClientError', (err: Error, socket: Socket) => {
      logger.debug({ err: err.message, remote: socket.remoteAddress }, 'TLS handshake failed');
      socket.destroy();
    });
    srv.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      logger.debug({ err: err.message, code: err.code, remote: socket.remoteAddress }, 'malformed HTTP request');
      if (err.code === 'ECONNRESET' || !socket.writable) {
        socket.destroy();
        return;
      }
      socket.end(parserErrorBytes(err.code));
    });
    return srv;
  }

  return {
    name: 'https',

    async start(): Promise<void> {
      if (server !== undefined) return;
      const srv = build();
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error): void => {
          reject(new HubError('FH_LISTEN_FAILED', `https head cannot listen on ${options.host}:${options.port}: ${err.message}`, { cause: err }));
        };
        srv.once('error', onError);
        srv.listen(options.port, options.host, () => {
          srv.off('error', onError);
          resolve();
        });
      });
      srv.on('error', (err) => logger.error({ err }, 'https server error'));
      const addr = srv.address();
      bound = typeof addr === 'object' && addr !== null
        ? { host: addr.address, port: addr.port }
        : { host: options.host, port: options.port };
      server = srv;
      closing = undefined;
      logger.info({ host: bound.host, port: bound.port }, 'https head listening');
    },

    close(): Promise<void> {
      const srv = server;
      if (srv === undefined) return closing ?? Promise.resolve();
      server = undefined;
      closing = new Promise<void>((resolve) => {
        srv.close(() => resolve());
        // Idle keep-alive sockets and open telemetry streams would otherwise hold close() forever.
        srv.closeAllConnections();
      });
      return closing;
    },

    address(): { host: string; port: number } {
      if (bound === undefined) throw new TypeError('https head: address() before start()');
      return bound;
    },
  };
}
