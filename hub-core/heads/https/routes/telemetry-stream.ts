/**
 * `GET /fieldhub/v1/telemetry` — stored device-to-cloud messages as newline-delimited JSON.
 *
 * Query: `afterSeq=N` (messages with seq > N; default: from the oldest kept), `deviceId=X`
 * (one device, with its modules), `follow=1` (stay open and stream new messages), `limit=N`
 * (end after N lines). Response: 200, `Content-Type: application/x-ndjson; charset=utf-8`,
 * chunked; headers are sent at once, and in follow mode only after the live subscription is in
 * place, so a message appended after the client sees the headers is always delivered.
 *
 * One line per message, seq strictly increasing:
 *   {"seq":12,"deviceId":"d1","moduleId":null,"enqueuedTime":"2024-…Z",
 *    "system":{…SystemProperties},"properties":{"k":"v"},"body":"…","bodyEncoding":"utf8"}
 * `bodyEncoding` is `utf8` when the body is valid UTF-8, else `base64`.
 *
 * A follower that reads too slowly gets a last line
 *   {"error":"overflow","message":"…","lastSeq":12}
 * and the stream ends; it resumes with `afterSeq=<lastSeq>` (nothing is lost: it is stored).
 *
 * Follow mode has no gap and no duplicate between the stored read and the live tail: subscribe
 * first (buffering), take the current lastSeq, read the store up to it, then flush buffered
 * messages with seq above the last one sent. This relies on the core calling onAppend in seq
 * order and on lastSeq covering only messages already readable.
 */
import { isUtf8 } from 'node:buffer';
import type { ServerResponse } from 'node:http';
import type { StoredTelemetry } from '../../../core/types.js';
import { HubError } from '../../../errors.js';
import type { RequestContext, RouteHandler } from '../route.js';

/** Live messages a follower may have waiting before it is cut off. */
export const MAX_PENDING_MESSAGES = 10_000;
/** Live bytes (bodies) a follower may have waiting before it is cut off. */
export const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/** One NDJSON line (with its newline) for a stored message. */
export function telemetryLine(m: StoredTelemetry): string {
  const body = Buffer.from(m.message.body.buffer, m.message.body.byteOffset, m.message.body.byteLength);
  const utf8 = isUtf8(body);
  return JSON.stringify({
    seq: m.seq,
    deviceId: m.deviceId,
    moduleId: m.moduleId ?? null,
    enqueuedTime: m.message.system.enqueuedTime ?? null,
    system: m.message.system,
    properties: m.message.properties,
    body: body.toString(utf8 ? 'utf8' : 'base64'),
    bodyEncoding: utf8 ? 'utf8' : 'base64',
  }) + '\n';
}

function nonNegativeInt(query: URLSearchParams, key: string, min: number): number | undefined {
  const raw = query.get(key);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new HubError('FH_MSG_INVALID', `'${key}' must be an integer >= ${min}`);
  return n;
}

/** Resolves when the response can take more data, or has closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

class TelemetryStream {
  #lastSent: number;
  #sentCount = 0;
  readonly #pending: StoredTelemetry[] = [];
  #pendingBytes = 0;
  /** True while the stored backlog is read: live messages only buffer. */
  #catchingUp = true;
  #waitingDrain = false;
  #finished = false;
  #unsubscribe: (() => void) | undefined;

  constructor(
    private readonly ctx: RequestContext,
    private readonly opts: { afterSeq?: number; deviceId?: string; follow: boolean; limit?: number },
  ) {
    this.#lastSent = opts.afterSeq ?? 0;
    ctx.res.once('close', () => this.#finish());
  }

  async run(): Promise<void> {
    const { core, res } = this.ctx;
    if (this.opts.follow) this.#unsubscribe = core.telemetry.onAppend((m) => this.#onLive(m));
    // Taken after subscribing: everything up to it is in the store, everything after reaches #onLive.
    const target = this.opts.follow ? core.telemetry.lastSeq() : Infinity;
    res.writeHead(200, {
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.flushHeaders();
    const readOpts: { afterSeq?: number; deviceId?: string } = {};
    if (this.opts.afterSeq !== undefined) readOpts.afterSeq = this.opts.afterSeq;
    if (this.opts.deviceId !== undefined) readOpts.deviceId = this.opts.deviceId;
    const it = core.telemetry.read(readOpts);
    try {
      for (;;) {
        if (this.#finished) return;
        const next = await it.next();
        if (next.done || next.value.seq > target) break;
        if (!this.#write(next.value)) await drained(res);
      }
    } finally {
      await it.return?.();
    }
    if (!this.opts.follow) {
      this.#end();
      return;
    }
    this.#catchingUp = false;
    this.#pump();
  }

  /** Writes one message if it is new; false when the socket wants a pause. */
  #write(m: StoredTelemetry): boolean {
    if (this.#finished || m.seq <= this.#lastSent) return true;
    this.#lastSent = m.seq;
    const more = this.ctx.res.write(telemetryLine(m));
    this.#sentCount += 1;
    if (this.opts.limit !== undefined && this.#sentCount >= this.opts.limit) this.#end();
    return more;
  }

  #onLive(m: StoredTelemetry): void {
    if (this.#finished || (this.opts.deviceId !== undefined && m.deviceId !== this.opts.deviceId)) return;
    this.#pending.push(m);
    this.#pendingBytes += m.message.body.byteLength;
    if (this.#pending.length > MAX_PENDING_MESSAGES || this.#pendingBytes > MAX_PENDING_BYTES) {
      this.#overflow();
      return;
    }
    if (!this.#catchingUp) this.#pump();
  }

  /** Sends buffered live messages until the socket pushes back, then waits for 'drain'. */
  #pump(): void {
    while (!this.#waitingDrain && !this.#finished) {
      const m = this.#pending.shift();
      if (m === undefined) return;
      this.#pendingBytes -= m.message.body.byteLength;
      if (!this.#write(m)) {
        this.#waitingDrain = true;
        this.ctx.res.once('drain', () => {
          this.#waitingDrain = false;
          this.#pump();
        });
      }
    }
  }

  #overflow(): void {
    this.ctx.logger.warn({ lastSeq: this.#lastSent }, 'telemetry follower too slow: stream ended');
    const line = JSON.stringify({
      error: 'overflow',
      message: `the reader fell more than ${MAX_PENDING_MESSAGES} messages behind; resume with afterSeq=${this.#lastSent}`,
      lastSeq: this.#lastSent,
    }) + '\n';
    if (!this.ctx.res.destroyed) this.ctx.res.write(line);
    this.#end();
  }

  #end(): void {
    if (this.#finished) return;
    this.#finish();
    if (!this.ctx.res.destroyed) this.ctx.res.end();
  }

  /** Releases the subscription and the buffer; idempotent. */
  #finish(): void {
    this.#finished = true;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#pending.length = 0;
    this.#pendingBytes = 0;
  }
}

/** The route handler: validates the query, then streams (the response is written here). */
export const telemetryStreamHandler: RouteHandler = async (ctx) => {
  const afterSeq = nonNegativeInt(ctx.query, 'afterSeq', 0);
  const limit = nonNegativeInt(ctx.query, 'limit', 1);
  const deviceId = ctx.query.get('deviceId') || undefined;
  const follow = ['1', 'true'].includes((ctx.query.get('follow') ?? '').toLowerCase());
  const opts: { afterSeq?: number; deviceId?: string; follow: boolean; limit?: number } = { follow };
  if (afterSeq !== undefined) opts.afterSeq = afterSeq;
  if (deviceId !== undefined) opts.deviceId = deviceId;
  if (limit !== undefined) opts.limit = limit;
  await new TelemetryStream(ctx, opts).run();
  return undefined;
};
