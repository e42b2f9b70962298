/**
 * Follows the hub's telemetry stream (`GET /fieldhub/v1/telemetry?follow=1`, NDJSON) and keeps
 * following across hub restarts: on a lost connection it reconnects with capped backoff and
 * resumes after the last sequence number it handed out, so nothing is skipped or repeated.
 */
import type { IncomingMessage } from 'node:http';
import { RuntimeError } from '../errors.js';
import type { HubTarget } from './hub-target.js';
import { ServiceClient, errorForResponse } from './service-client.js';

/** One telemetry line as the hub writes it. */
export interface TelemetryLine {
  seq: number;
  deviceId: string;
  moduleId: string | null;
  enqueuedTime: string | null;
  system: Record<string, unknown>;
  properties: Record<string, string>;
  body: string;
  bodyEncoding: 'utf8' | 'base64';
}

export interface FollowOptions {
  /** Where the hub is; called again before every reconnect (a restarted hub may move ports). */
  resolve: () => HubTarget;
  deviceId?: string;
  /** Start after this seq; undefined = from the oldest message the hub keeps. */
  afterSeq?: number;
  signal: AbortSignal;
  onMessage: (line: TelemetryLine) => void;
  /** Human notices (connection lost, reconnected). */
  onNotice: (text: string) => void;
  /** Backoff cap, ms. Default 5000. */
  maxBackoffMs?: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The hub's latest telemetry sequence number (for "only new messages"). */
export async function latestSeq(target: HubTarget): Promise<number> {
  const health = await new ServiceClient(target).json<{ telemetryLastSeq?: number }>('/fieldhub/v1/health', {}, 'monitor');
  return health.telemetryLastSeq ?? 0;
}

/**
 * Follows until `signal` aborts (resolves) or the hub refuses the request (rejects: bad
 * credentials are not retried). The first connection must succeed, so a wrong --data-dir or a
 * hub that is not running fails at once instead of waiting forever.
 */
export async function followTelemetry(o: FollowOptions): Promise<void> {
  let afterSeq = o.afterSeq;
  let connected = false;
  let lost = false;
  let backoff = 200;
  const { signal } = o;
  while (!signal.aborted) {
    try {
      const client = new ServiceClient(o.resolve());
      const query = new URLSearchParams({ follow: '1' });
      if (afterSeq !== undefined) query.set('afterSeq', String(afterSeq));
      if (o.deviceId !== undefined) query.set('deviceId', o.deviceId);
      const res = await client.open(`/fieldhub/v1/telemetry?${query}`, { timeoutMs: 0, signal }, 'monitor');
      if (res.statusCode !== 200) throw errorForResponse(res.statusCode ?? 0, await readAll(res), 'monitor');
      // Notice a vanished peer (power cut, cable) on an otherwise quiet stream.
      res.socket.setKeepAlive(true, 15_000);
      o.onNotice(lost ? `reconnected, resuming after seq ${afterSeq ?? 0}`
        : `following telemetry at https://${client.target.dialHost}:${client.target.httpsPort}${afterSeq === undefined ? ' from the oldest stored message' : ` after seq ${afterSeq}`} (Ctrl-C ends)`);
      connected = true;
      lost = false;
      backoff = 200;
      let rest = '';
      let overflow = false;
      for await (const chunk of res) {
        rest += (chunk as Buffer).toString('utf8');
        let nl: number;
        while ((nl = rest.indexOf('\n')) >= 0) {
          const text = rest.slice(0, nl).trim();
          rest = rest.slice(nl + 1);
          if (text === '') continue;
          const line = JSON.parse(text) as TelemetryLine & { error?: string; lastSeq?: number };
          if (line.error === 'overflow') {
            // We read too slowly; everything is stored, so resume where the hub says.
            afterSeq = line.lastSeq ?? afterSeq;
            overflow = true;
            continue;
          }
          afterSeq = line.seq;
          o.onMessage(line);
        }
      }
      if (overflow) continue;
      if (signal.aborted) return;
      throw new Error('the hub closed the stream');
    } catch (err) {
      if (signal.aborted) return;
      if (!connected) throw err;
      if (err instanceof RuntimeError && err.code === 'FH_CLI_REQUEST_FAILED' && !err.retryable) throw err;
      if (!lost) o.onNotice(`connection lost (${(err as Error).message}); reconnecting`);
      lost = true;
    }
    await sleep(backoff, signal);
    backoff = Math.min(backoff * 2, o.maxBackoffMs ?? 5000);
  }
}
