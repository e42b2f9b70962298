/**
 * One MQTT connection: bytes in (size guard, framer, then fast-path.ts for the hot packets or
 * mqtt-packet's parser for the rest), packets dispatched to the handlers (one file per packet
 * family, the aedes layout), packets out (coalesced per tick),
 * keepalive, backpressure and teardown. State: awaiting-connect → authenticating → connected →
 * closed. Kept small on purpose: a hub holds a thousand of these.
 */
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { parser as createParser, type Packet, type Parser } from 'mqtt-packet';
import type { HubCoreApi, DeviceSession } from '../../core/api.js';
import type { IdentityRef } from '../../core/types.js';
import type { Logger } from '../../log.js';
import { AckQueue } from './ack-queue.js';
import { encodePublish, encodePuback } from './codec.js';
import { Deadline } from './deadline.js';
import { FrameGuard } from './frame-guard.js';
import { MqttEvents, type ConnFields } from './log-events.js';
import type { MqttDeviceProxy } from './device-proxy.js';
import type { SessionStore, Subscriptions } from './session-store.js';
import type { TopicTable } from './topics.js';
import { connected, dispatchPacket } from './dispatch.js';
import { decodeFast, Framer } from './fast-path.js';

/**
 * What a connection reads and writes: a TLS socket from the head's own server, or any other
 * duplex handed to the head's `handle()` (an MQTT-over-WebSocket stream). The TLS members are
 * absent on the latter: it has no client certificate and no socket address of its own.
 */
export type MqttSocket = Duplex & Partial<Pick<TLSSocket, 'getPeerCertificate' | 'authorized' | 'remoteAddress' | 'remotePort'>>;

/** Shared by every connection of one head. */
export interface ConnectionContext {
  core: HubCoreApi;
  log: Logger;
  sessions: SessionStore;
  /** Largest Remaining Length once connected, bytes. */
  maxPacketBytes: number;
  /** Largest CONNECT, bytes. */
  maxConnectBytes: number;
  /** Time allowed from TLS handshake to CONNECT, ms. */
  connectTimeoutMs: number;
  /** Called once when the connection is gone. */
  onClosed(conn: Connection): void;
}

/** Lifecycle of a connection; `closed` is final. */
export type ConnectionState = 'awaiting-connect' | 'authenticating' | 'connected' | 'closed';

/** Everything a connected client has; set by the CONNECT handler. */
export interface Attachment {
  clientId: string;
  clean: boolean;
  identity: IdentityRef;
  session: DeviceSession;
  topics: TopicTable;
  proxy: MqttDeviceProxy;
  subscriptions: Subscriptions;
}

/** Reasons to stop reading, as bits: reading resumes only when none is left. */
export const Pause = { auth: 1, writes: 2, inflight: 4 } as const;

/** Stop reading while this much is queued for the socket, bytes. */
const WRITE_HIGH_WATER = 512 * 1024;
/** Packets queued in one tick up to this many bytes are copied into one buffer and written once. */
const COALESCE_MAX_BYTES = 16 * 1024;
/** Stop reading while this many device messages await the store. */
export const MAX_INFLIGHT = 256;

/**
 * One client connection. Handlers reach it through `state`, `attached`, `write`/`publish`,
 * the pause reasons and `end`/`destroy`; the socket's listeners are installed here only.
 */
export class Connection {
  state: ConnectionState = 'awaiting-connect';
  /** Log fields; `clientId` is added once known. */
  readonly fields: ConnFields;
  /** Set once CONNECT succeeded. */
  attached: Attachment | undefined;
  /** Packets that arrived while the CONNECT was being authenticated. */
  backlog: Packet[] = [];
  /** QoS 1 PUBACKs in arrival order. */
  readonly acks: AckQueue;
  /** Device messages handed to the core and not yet settled (QoS 0 and 1). */
  inflight = 0;
  /** Serialises SUBSCRIBE/UNSUBSCRIBE so the persisted set matches the order they arrived in. */
  subscriptionChain: Promise<void> = Promise.resolve();

  private readonly guard: FrameGuard;
  private readonly framer = new Framer();
  private readonly onPacket = (buf: Buffer, start: number, bodyStart: number, end: number): boolean => this.packetBytes(buf, start, bodyStart, end);
  private readonly parser: Parser;
  private readonly deadline: Deadline;
  private paused = 0;
  /** Packets written this tick, sent together by {@link Connection.flush}. */
  private out: Uint8Array[] = [];
  private outBytes = 0;
  private readonly flushOnTick = (): void => this.flush();
  private idleLimitMs: number;

  constructor(
    readonly socket: MqttSocket,
    readonly ctx: ConnectionContext,
  ) {
    this.fields = { remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}` };
    this.guard = new FrameGuard(ctx.maxPacketBytes, ctx.maxConnectBytes);
    this.parser = createParser({ protocolVersion: 4 });
    this.acks = new AckQueue((id) => this.write(encodePuback(id)));
    this.deadline = new Deadline(() => this.onIdle());
    this.parser.on('packet', (packet: Packet) => dispatchPacket(this, packet));
    this.parser.on('error', (err: Error) => {
      MqttEvents.invalidPacket(ctx.log, this.fields, err.message);
      this.destroy('malformed packet');
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.resume(Pause.writes));
    socket.on('error', (err) => this.destroy(`socket error ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    socket.on('close', () => this.destroy('socket closed'));
    this.idleLimitMs = ctx.connectTimeoutMs;
    this.deadline.arm(ctx.connectTimeoutMs);
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.deadline.touch();
    const verdict = this.guard.check(chunk);
    if (verdict !== 'ok') {
      if (verdict === 'too-large') {
        MqttEvents.packetTooLarge(this.ctx.log, this.fields, this.state === 'awaiting-connect' ? this.ctx.maxConnectBytes : this.ctx.maxPacketBytes);
      } else {
        MqttEvents.invalidPacket(this.ctx.log, this.fields, verdict);
      }
      this.destroy(verdict);
      return;
    }
    this.framer.push(chunk, this.onPacket);
  }

  /**
   * One whole packet: the hot packets of a connected client are decoded here (fast-path.ts);
   * everything else, and anything unusual, goes to mqtt-packet's parser as it came.
   */
  private packetBytes(buf: Buffer, start: number, bodyStart: number, end: number): boolean {
    if (this.state === 'connected') {
      const packet = decodeFast(buf, start, bodyStart, end);
      if (packet !== undefined) {
        connected(this, packet);
        return !this.isClosed();
      }
    }
    this.parser.parse(buf.subarray(start, end));
    return !this.isClosed();
  }

  /** A method, so that a handler closing the connection is not narrowed away by the compiler. */
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private onIdle(): void {
    MqttEvents.keepaliveTimeout(this.ctx.log, this.fields, this.idleLimitMs);
    this.destroy(this.state === 'connected' ? 'keepalive timeout' : 'connect timeout');
  }

  /** Switches the idle deadline to the client's keepalive: 1.5 × keepalive s [MQTT-3.1.2-24]; 0 = none. */
  setKeepalive(seconds: number): void {
    this.idleLimitMs = seconds * 1500;
    this.deadline.arm(this.idleLimitMs);
  }

  /**
   * Writes one encoded packet. Packets written in the same tick (the PUBACKs of one store batch,
   * say) are queued and go out in one `socket.write`, in the order written [MQTT-4.6.0-2].
   */
  write(bytes: Uint8Array): void {
    if (this.state === 'closed') return;
    if (this.out.length === 0) process.nextTick(this.flushOnTick);
    this.out.push(bytes);
    this.outBytes += bytes.length;
  }

  /** Sends what {@link Connection.write} queued: small packets concatenated, large ones corked. */
  private flush(): void {
    const out = this.out;
    if (out.length === 0) return;
    const bytes = this.outBytes;
    this.out = [];
    this.outBytes = 0;
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded) return;
    if (out.length === 1) {
      socket.write(out[0]!);
    } else if (bytes <= COALESCE_MAX_BYTES) {
      socket.write(Buffer.concat(out, bytes));
    } else {
      socket.cork();
      for (const b of out) socket.write(b);
      socket.uncork();
    }
    if (socket.writableLength > WRITE_HIGH_WATER && this.state !== 'closed') this.pause(Pause.writes);
  }

  /** Publishes to the device (hub → device). */
  publish(topic: string, payload: string | Uint8Array, qos: 0 | 1 = 0, packetId = 0, dup = false): void {
    const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    this.write(encodePublish(topic, bytes, qos, packetId, dup));
  }

  /** Stops reading from the socket for `reason` (a {@link Pause} bit). */
  pause(reason: number): void {
    if (this.paused === 0) this.socket.pause();
    this.paused |= reason;
  }

  /** Clears `reason`; reading resumes once no reason is left. */
  resume(reason: number): void {
    if ((this.paused & reason) === 0) return;
    this.paused &= ~reason;
    if (this.paused === 0 && this.state !== 'closed') this.socket.resume();
  }

  /** A device message went to the core; reading pauses while too many are outstanding. */
  beginInflight(): void {
    if (++this.inflight >= MAX_INFLIGHT) this.pause(Pause.inflight);
  }

  /** A device message settled (stored or failed). */
  endInflight(): void {
    if (--this.inflight < MAX_INFLIGHT) this.resume(Pause.inflight);
  }

  /** Ends the connection gracefully (client DISCONNECT, head closing): flushes, then closes. */
  end(why: string): void {
    if (this.state === 'closed') return;
    // What was written before (a refusing CONNACK, say) goes out before the FIN.
    this.flush();
    this.teardown(why);
    this.socket.end();
    // A peer that never closes its side must not hold the head's close() forever.
    const timer = setTimeout(() => this.socket.destroy(), 2000);
    this.socket.once('close', () => clearTimeout(timer));
  }

  /** Closes at once (protocol error, refusal, core request). Idempotent. */
  destroy(why: string): void {
    if (this.state !== 'closed') this.teardown(why);
    this.out = [];
    this.outBytes = 0;
    this.socket.destroy();
  }

  private teardown(why: string): void {
    this.state = 'closed';
    this.deadline.cancel();
    this.acks.clear();
    this.backlog = [];
    this.framer.clear();
    this.parser.removeAllListeners('packet');
    MqttEvents.disconnected(this.ctx.log, this.fields, why);
    // Idempotent in the core; a session replaced by a newer connection ignores it.
    this.attached?.session.disconnect();
    this.ctx.onClosed(this);
  }
}
