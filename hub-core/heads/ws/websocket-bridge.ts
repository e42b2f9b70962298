/**
 * MQTT and AMQP over WebSockets on the HTTPS port, as IoT Hub serves them (wire contract §1):
 * `wss://{host}:443/$iothub/websocket` with subprotocol `mqtt` or `AMQPWSB10`. The bridge takes
 * the HTTPS head's upgrade requests, completes the WebSocket handshake with `ws` and hands the
 * binary payload, as a Duplex, to the MQTT or AMQP head's `handle()`: from there it is an
 * ordinary connection of that head (CONNECT or CBS authentication, limits, keepalive). TLS is
 * the HTTPS head's, so there is no client certificate on these connections. `ws` is loaded by the
 * first upgrade, not at start.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { HubError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { errorBody, HEAD_ERROR_HTTP, resolveError, type HttpErrorMapping } from '../https/error-map.js';
import { lazyCode } from '../lazy-code.js';
import { WsEvents } from './log-events.js';

/** A head that serves its protocol on a byte stream it did not accept itself. */
export interface StreamHead {
  handle(socket: Duplex): void;
}

/** The protocols the bridge carries. */
export type BridgedProtocol = 'mqtt' | 'amqp';

/** Options of {@link createWebSocketBridge}. */
export interface WebSocketBridgeOptions {
  logger: Logger;
  /** Serves subprotocol `mqtt`; may also be set later with `serve()`. */
  mqtt?: StreamHead;
  /** Serves subprotocol `AMQPWSB10`; may also be set later with `serve()`. */
  amqp?: StreamHead;
  /**
   * Largest WebSocket message on an MQTT connection, bytes; a larger one closes the connection
   * (1009). Default 524288 (512 KiB): above the MQTT head's largest packet (320 KiB), which
   * clients send as one message, and the most one connection buffers before the head sees it.
   */
  mqttMaxPayloadBytes?: number;
  /**
   * Largest WebSocket message on an AMQP connection, bytes. Default 262144 (256 KiB): rhea
   * sends one frame per message (at most the head's 64 KiB max-frame-size); other clients may
   * put a few frames in one message.
   */
  amqpMaxPayloadBytes?: number;
}

/** The upgrade side of the HTTPS port. */
export interface WebSocketBridge {
  /** Sets (or replaces) the head serving `protocol`; until set, that subprotocol is refused. */
  serve(protocol: BridgedProtocol, head: StreamHead): void;
  /** The HTTPS head's `onUpgrade`: owns `socket` from here on. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** WebSocket connections currently open. */
  connectionCount(): number;
  /**
   * Refuses new upgrades (503) and closes every WebSocket (1001 going away; cut after 2 s),
   * resolving once all are gone. Call it before closing the HTTPS head, whose close() waits for
   * upgraded sockets. Idempotent.
   */
  close(): Promise<void>;
}

/** The one path IoT Hub serves WebSockets on; matched case-insensitively. */
const WEBSOCKET_PATH = '/$iothub/websocket';
/** Subprotocol tokens (lowercased) → protocol. Azure names them `mqtt` and `AMQPWSB10`. */
const SUBPROTOCOLS: ReadonlyMap<string, BridgedProtocol> = new Map([['mqtt', 'mqtt'], ['amqpwsb10', 'amqp']]);
const CLOSE_GRACE_MS = 2000;
/** RFC 6455 7.4.1: the endpoint is going away (server shutdown). */
const GOING_AWAY = 1001;

/** Creates the bridge; give its `handleUpgrade` to the HTTPS head as `onUpgrade`. */
export function createWebSocketBridge(options: WebSocketBridgeOptions): WebSocketBridge {
  return new Bridge(options);
}

class Bridge implements WebSocketBridge {
  private readonly log: Logger;
  private readonly heads = new Map<BridgedProtocol, StreamHead>();
  /** `ws`, loaded by the first upgrade that passes the checks. */
  private readonly code = lazyCode(() => import('ws'));
  /** One server per protocol (`maxPayload` is a server setting), made with the first upgrade. */
  private servers: Record<BridgedProtocol, WebSocketServer> | undefined;
  private readonly maxPayload: Record<BridgedProtocol, number>;
  private readonly sockets = new Set<WebSocket>();
  private closing: Promise<void> | undefined;

  constructor(options: WebSocketBridgeOptions) {
    this.log = options.logger;
    if (options.mqtt !== undefined) this.heads.set('mqtt', options.mqtt);
    if (options.amqp !== undefined) this.heads.set('amqp', options.amqp);
    this.maxPayload = { mqtt: options.mqttMaxPayloadBytes ?? 512 * 1024, amqp: options.amqpMaxPayloadBytes ?? 256 * 1024 };
  }

  private serversOf(lib: typeof import('ws')): Record<BridgedProtocol, WebSocketServer> {
    const server = (maxPayload: number): WebSocketServer => new lib.WebSocketServer({
      noServer: true,
      maxPayload,
      // Compression would let a small frame inflate past maxPayload's intent; IoT Hub clients
      // do not ask for it.
      perMessageDeflate: false,
      // The heads track their connections; the bridge tracks its own for close().
      clientTracking: false,
      handleProtocols: (offered) => this.pick([...offered])?.token ?? false,
    });
    this.servers ??= { mqtt: server(this.maxPayload.mqtt), amqp: server(this.maxPayload.amqp) };
    return this.servers;
  }

  serve(protocol: BridgedProtocol, head: StreamHead): void {
    this.heads.set(protocol, head);
  }

  connectionCount(): number {
    return this.sockets.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`;
    // A reset during the handshake must not become an uncaught 'error'.
    socket.on('error', () => socket.destroy());
    if (this.closing !== undefined) {
      return this.refuse(socket, remote, resolveError(new HubError('FH_HUB_CLOSED', 'the hub is shutting down')), 'closing');
    }
    if (!isWebSocketPath(req.url)) {
      return this.refuse(socket, remote, { ...HEAD_ERROR_HTTP.routeNotFound, message: 'no WebSocket endpoint at this path' }, 'path');
    }
    const chosen = this.pick(offeredProtocols(req));
    if (chosen === undefined) {
      const message = 'Sec-WebSocket-Protocol must offer mqtt or AMQPWSB10';
      return this.refuse(socket, remote, resolveError(new HubError('FH_MSG_INVALID', message)), 'subprotocol');
    }
    this.code.withCode(socket, (lib) => {
      if (this.closing !== undefined) {
        return this.refuse(socket, remote, resolveError(new HubError('FH_HUB_CLOSED', 'the hub is shutting down')), 'closing');
      }
      // ws validates the rest of the handshake (method, version, key) and answers 400 itself.
      this.serversOf(lib)[chosen.protocol].handleUpgrade(req, socket, head, (ws) => this.attach(lib, ws, chosen.protocol, req, remote));
    }, (err) => this.log.error({ event: 'connection-code', code: 'FH_INTERNAL', err }, 'WebSocket bridge cannot load ws'));
  }

  /** The first offered subprotocol that a registered head serves, as the client spelled it. */
  private pick(offered: readonly string[]): { token: string; protocol: BridgedProtocol } | undefined {
    for (const token of offered) {
      const protocol = SUBPROTOCOLS.get(token.toLowerCase());
      if (protocol !== undefined && this.heads.has(protocol)) return { token, protocol };
    }
    return undefined;
  }

  private attach(lib: typeof import('ws'), ws: WebSocket, protocol: BridgedProtocol, req: IncomingMessage, remote: string): void {
    const head = this.heads.get(protocol);
    if (head === undefined || this.closing !== undefined) {
      ws.terminate();
      return;
    }
    // ws has cleared the socket's idle timeout and Nagle: idle limits are the heads' (MQTT
    // keepalive, AMQP idle-time-out), which see this as one of their own connections.
    this.sockets.add(ws);
    ws.on('error', (err: Error & { code?: string }) => WsEvents.protocolError(this.log, remote, protocol, err.code ?? err.message));
    ws.once('close', (code: number) => {
      this.sockets.delete(ws);
      WsEvents.closed(this.log, remote, protocol, code);
    });
    // Binary messages in, binary frames out (Buffers); the stream's buffering pauses the
    // socket when the head stops reading, and its write callbacks follow the socket's drain.
    const stream = lib.createWebSocketStream(ws);
    // The peer's close ends the readable side only (the stream is half-open by design); the
    // heads expect a socket-like 'close' once the peer is gone and every byte was read.
    stream.once('end', () => stream.destroy());
    // Log fields of the heads (remoteAddress/remotePort) should name the real peer.
    Object.defineProperties(stream, {
      remoteAddress: { value: req.socket.remoteAddress, enumerable: true },
      remotePort: { value: req.socket.remotePort, enumerable: true },
    });
    WsEvents.opened(this.log, remote, protocol);
    head.handle(stream);
  }

  private refuse(socket: Duplex, remote: string, mapping: HttpErrorMapping & { message: string }, reason: string): void {
    WsEvents.upgradeRefused(this.log, remote, mapping.status, reason);
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify(errorBody(mapping));
    const status = mapping.status === 404 ? '404 Not Found' : mapping.status === 503 ? '503 Service Unavailable' : '400 Bad Request';
    socket.once('finish', () => socket.destroy());
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    // A peer that never reads must not keep the socket (and the HTTPS head's close()) alive.
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const open = [...this.sockets];
    const gone = open.map((ws) => new Promise<void>((resolve) => {
      if (ws.readyState === ws.CLOSED) resolve();
      else ws.once('close', () => resolve());
    }));
    for (const ws of open) ws.close(GOING_AWAY, 'hub shutting down');
    const grace = setTimeout(() => {
      for (const ws of this.sockets) ws.terminate();
    }, CLOSE_GRACE_MS);
    await Promise.all(gone);
    clearTimeout(grace);
    for (const server of Object.values(this.servers ?? {})) server.close();
  }
}

/** `/$iothub/websocket`, in any case, with `$` raw or percent-encoded; a query is ignored. */
function isWebSocketPath(url: string | undefined): boolean {
  if (url === undefined) return false;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  return decoded.toLowerCase() === WEBSOCKET_PATH;
}

/** The tokens of Sec-WebSocket-Protocol (comma-separated, possibly repeated headers). */
function offeredProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (header === undefined) return [];
  return header.split(',').map((t) => t.trim()).filter((t) => t.length > 0);
}
