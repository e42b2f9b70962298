/**
 * One TLS + AMQP connection to the upstream hub: SASL ANONYMOUS, then `$cbs` for every
 * identity's token (wire contract C). Identities share a few sessions (`identitiesPerSession`
 * each, with a large `session_buffer_size`) so one identity's held C2D deliveries never stall
 * the others. The connection reports once that it is open and once that it is lost (socket
 * error, close from the peer, idle timeout, connect timeout); it never reconnects itself.
 */
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import type { Connection, ConnectionOptions, Container, EventContext, Session } from 'rhea';
import type { RuntimeError } from '../../errors.js';
import { RuntimeError as RuntimeErrorClass } from '../../errors.js';
import { CbsClient } from './cbs-client.js';
import { offlineError } from './error-map.js';
import { tuneSession } from '../../../hub-core/heads/amqp/session-tuning.js';
import type { ResolvedAmqpOptions } from './options.js';

interface SessionSlot {
  session: Session;
  identities: number;
  ended: boolean;
  /** Seats told when the upstream ends the session (its links end without a detach of their own). */
  watchers: Set<(err: RuntimeError) => void>;
}

/** A session seat for one identity; `release` when the identity's links are gone. */
export interface SessionSeat {
  session: Session;
  /** `fn` runs if the upstream ends the session. */
  onEnd(fn: (err: RuntimeError) => void): void;
  release(): void;
}

export interface UpstreamConnectionEvents {
  onOpen(): void;
  onLost(err: RuntimeError): void;
}

/** The error for a connection that failed or ended (code chosen by what happened). */
function lostError(err: unknown, fallback: string): RuntimeError {
  const e = err as { code?: unknown; condition?: unknown; description?: unknown; message?: unknown } | undefined;
  if (typeof e?.condition === 'string') {
    const text = `the upstream closed the connection: ${e.condition}${typeof e.description === 'string' ? ` (${e.description})` : ''}`;
    if (e.condition === 'amqp:unauthorized-access') return new RuntimeErrorClass('FH_UPSTREAM_AUTH', text, { retryable: true });
    return offlineError(text);
  }
  if (typeof e?.code === 'string' || err instanceof Error) {
    const detail = typeof e?.code === 'string' ? `${e.code}: ${String(e.message ?? '')}` : String(e?.message ?? '');
    return new RuntimeErrorClass('FH_UPSTREAM_UNREACHABLE', `cannot reach the upstream: ${detail}`, { retryable: true, cause: err });
  }
  return offlineError(fallback);
}

export class UpstreamConnection {
  readonly cbs: CbsClient;
  private readonly controller = new AbortController();
  private readonly rhea: Connection;
  private readonly slots: SessionSlot[] = [];
  private socket: TLSSocket | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private state: 'connecting' | 'open' | 'lost' = 'connecting';
  private closing = false;

  constructor(container: Container, private readonly o: ResolvedAmqpOptions, private readonly events: UpstreamConnectionEvents) {
    // Without $cbs no identity can attach or renew: losing it is losing the connection.
    this.cbs = new CbsClient(o.cbsTimeoutMs, o.userAgent, (err) => this.lost(err as RuntimeError));
    const servername = o.servername ?? (isIP(o.hostName) === 0 ? o.hostName : undefined);
    const options = {
      host: o.connectHost, port: o.port, hostname: o.hostName, reconnect: false,
      // SASL ANONYMOUS: the identities authenticate one by one through $cbs.
      username: 'anonymous',
      idle_time_out: o.idleTimeoutMs,
      container_id: container.id,
      properties: { 'com.microsoft:client-version': o.userAgent },
      session_buffer_size: o.sessionWindow,
      connect: (port: number, host: string, _opts: unknown, callback: () => void): TLSSocket => {
        const socket = tlsConnect({
          host, port, ...(servername === undefined ? {} : { servername }), ...(o.ca === undefined ? {} : { ca: o.ca }),
          minVersion: 'TLSv1.2',
        }, callback);
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 30_000);
        this.socket = socket;
        return socket;
      },
    } as unknown as ConnectionOptions;
    this.connectTimer = setTimeout(() => this.lost(offlineError(`no AMQP open from the upstream within ${o.connectTimeoutMs} ms`)), o.connectTimeoutMs);
    this.rhea = container.connect(options);
    this.rhea.on('connection_open', () => void this.opened());
    this.rhea.on('connection_close', (c: EventContext) => this.lost(lostError(c.connection.error, 'the upstream closed the connection')));
    this.rhea.on('connection_error', (c: EventContext) => this.lost(lostError(c.connection.error, 'the upstream closed the connection')));
    this.rhea.on('disconnected', (c: EventContext) => this.lost(lostError(c.error, 'the connection to the upstream dropped')));
    this.rhea.on('protocol_error', (err: unknown) => this.lost(offlineError(`AMQP protocol error: ${String((err as Error)?.message ?? err)}`)));
    this.rhea.on('error', (err: unknown) => this.lost(lostError(err, 'AMQP error')));
  }

  /** Aborted once the connection is lost (pending attaches and requests end with it). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** A session with room for one more identity (a new one when all are full). */
  seat(): SessionSeat {
    let slot = this.slots.find((s) => !s.ended && s.identities < this.o.identitiesPerSession);
    if (slot === undefined) {
      const created: SessionSlot = { session: this.newSession(), identities: 0, ended: false, watchers: new Set() };
      created.session.on('session_close', (c: EventContext) => {
        created.ended = true;
        const err = offlineError(`the upstream ended a session: ${String((c.session?.error as { condition?: unknown } | undefined)?.condition ?? 'no error')}`);
        for (const fn of [...created.watchers]) fn(err);
        created.watchers.clear();
      });
      slot = created;
      this.slots.push(slot);
    }
    const taken = slot;
    taken.identities++;
    let released = false;
    let watcher: ((err: RuntimeError) => void) | undefined;
    return {
      session: taken.session,
      onEnd: (fn) => {
        watcher = fn;
        taken.watchers.add(fn);
      },
      release: () => {
        if (released) return;
        released = true;
        taken.identities--;
        if (watcher !== undefined) taken.watchers.delete(watcher);
      },
    };
  }

  /** Closes the connection politely; the socket is cut if the peer does not answer within `graceMs`. */
  async close(graceMs = 2000): Promise<void> {
    if (this.state === 'lost') return;
    this.closing = true;
    this.cbs.close();
    const ended = new Promise<void>((resolve) => {
      const done = (): void => resolve();
      this.rhea.once('connection_close', done);
      this.rhea.once('disconnected', done);
      this.socket?.once('close', done);
    });
    this.rhea.close();
    const timer = setTimeout(() => this.socket?.destroy(), graceMs);
    await ended;
    clearTimeout(timer);
    this.lost(offlineError('the upstream link closed'), false);
    this.socket?.destroy();
  }

  private async opened(): Promise<void> {
    if (this.state !== 'connecting') return;
    try {
      await this.cbs.open(this.newSession(), this.o.attachTimeoutMs, this.controller.signal);
    } catch (err) {
      this.lost(err as RuntimeError);
      return;
    }
    if (this.state !== 'connecting') return;
    clearTimeout(this.connectTimer);
    this.state = 'open';
    this.events.onOpen();
  }

  private newSession(): Session {
    const session = this.rhea.create_session({ incoming: this.o.sessionWindow, outgoing: this.o.sessionWindow });
    tuneSession(session);
    // An ended session is handled by its seats; without a listener rhea would raise it as an error.
    session.on('session_error', () => undefined);
    session.begin();
    return session;
  }

  private lost(err: RuntimeError, report = true): void {
    if (this.state === 'lost') return;
    this.state = 'lost';
    clearTimeout(this.connectTimer);
    this.controller.abort(err);
    this.cbs.fail(err);
    // Whatever state rhea is in, the socket goes: a new connection replaces this one.
    if (this.socket !== undefined && !this.socket.destroyed) {
      const socket = this.socket;
      if (!this.rhea.is_closed()) this.rhea.close();
      setTimeout(() => socket.destroy(), 200).unref();
    }
    if (report && !this.closing) this.events.onLost(err);
  }
}
