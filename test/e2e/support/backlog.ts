/**
 * Backlog tests of a gateway (store-and-forward): publishing a large, numbered backlog into a
 * gateway with several raw-MQTT publishers, and tallying what reaches the upstream by reading
 * its stored telemetry incrementally (`afterSeq` paging), with the time of the first arrival.
 * Every message body is its per-device sequence number, so `checkStored` (publisher.ts) can
 * compare what the upstream stored with what the gateway acknowledged. Also small readers of a
 * process's JSON log (event times, outbox recovery time) for the tests' information lines.
 */
import { bodyText, serviceRequest, type TelemetryRecord } from './service-http.js';
import { SeqPublisher } from './publisher.js';
import type { E2eHub } from './hub.js';
import { waitFor } from './observe.js';

/**
 * Connects one SeqPublisher per device to the gateway, sends exactly `perDevice` numbered
 * messages on each (`window` in flight), and resolves once every one was acknowledged.
 */
export async function publishBacklog(gw: E2eHub, devices: { deviceId: string; key: string }[], perDevice: number, window = 64, timeoutMs = 90_000): Promise<SeqPublisher[]> {
  const target = { host: gw.ip, port: gw.hub.ports.mqtt, ca: gw.caPem, hostName: gw.ip };
  const pubs: SeqPublisher[] = [];
  for (const d of devices) pubs.push(await SeqPublisher.connect(target, d.deviceId, d.key, Math.min(window, perDevice)));
  for (const pub of pubs) {
    // The listener runs before the publisher sends the next one: stopping here caps it exactly.
    pub.onAck(() => { if (pub.lastSent >= perDevice) pub.stop(); });
    pub.start();
  }
  await waitFor(() => pubs.every((p) => p.acked.length >= perDevice || p.client.isClosed), timeoutMs,
    () => `acked ${pubs.map((p) => `${p.deviceId}=${p.acked.length}`).join(' ')}`);
  for (const pub of pubs) {
    if (pub.acked.length < perDevice) throw new Error(`${pub.deviceId}: connection closed after ${pub.acked.length} of ${perDevice} acknowledgements`);
    await pub.client.end();
  }
  return pubs;
}

/** Records read per request: bounds each response (a 100,000-message backlog is read in pages). */
const PAGE = 20_000;

/** What the upstream stored for a set of devices, read incrementally by the hub's seq. */
export class UpstreamTally {
  /** Message bodies (as numbers) per device, in the upstream's storage order. */
  readonly stored = new Map<string, number[]>();
  /** Upstream records of these devices read so far (duplicates included). */
  total = 0;
  /** Distinct numbers stored per device, summed (what the upstream has at least once). */
  distinct = 0;
  /** Date.now() when the first record of these devices was seen (by a poll). */
  firstSeenAt: number | undefined;
  private lastSeq = 0;
  private readonly seen = new Map<string, Set<number>>();

  constructor(private readonly upstream: E2eHub, deviceIds: readonly string[]) {
    for (const id of deviceIds) {
      this.stored.set(id, []);
      this.seen.set(id, new Set());
    }
  }

  /**
   * Reads past what the upstream stored so far (other tests' messages), so that later polls
   * read only new records. Call before the backlog can arrive (these devices' records, if any,
   * are kept and counted, but do not set firstSeenAt).
   */
  async skipExisting(): Promise<void> {
    while ((await this.readPage()).length === PAGE) { /* next page */ }
  }

  /** Reads what was stored since the last poll, page by page; returns how many records of these devices came. */
  async poll(): Promise<number> {
    const before = this.total;
    while ((await this.readPage()).length === PAGE) { /* next page */ }
    const added = this.total - before;
    if (added > 0) this.firstSeenAt ??= Date.now();
    return added;
  }

  /** One page after the last seq read: NDJSON `GET /fieldhub/v1/telemetry?afterSeq=N&limit=PAGE`. */
  private async readPage(): Promise<TelemetryRecord[]> {
    const res = await serviceRequest(this.upstream, 'GET', `/fieldhub/v1/telemetry?afterSeq=${this.lastSeq}&limit=${PAGE}`);
    if (res.status !== 200) throw new Error(`GET telemetry: HTTP ${res.status}: ${res.text}`);
    const records = res.text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as TelemetryRecord);
    for (const r of records) {
      this.lastSeq = Math.max(this.lastSeq, r.seq);
      const list = this.stored.get(r.deviceId);
      const seen = this.seen.get(r.deviceId);
      if (list === undefined || seen === undefined || r.moduleId) continue;
      const n = Number(bodyText(r));
      list.push(n);
      if (!seen.has(n)) {
        seen.add(n);
        this.distinct++;
      }
      this.total++;
    }
    return records;
  }

  /**
   * Polls every `intervalMs` until `done()`; rejects with `describe()` after `timeoutMs` (a
   * failure guard, not a speed assertion). A failed read (the upstream restarting) is retried.
   */
  async pollUntil(done: () => boolean, timeoutMs: number, describe: () => string, intervalMs = 100): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.poll().catch(() => 0);
      if (done()) return;
      if (Date.now() > deadline) throw new Error(`gave up waiting after ${timeoutMs} ms: ${describe()}`);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/**
 * The time (ms since the epoch) of the first JSON log line in `log` (a process's stderr) whose
 * `event` is `event`, whose text contains `ns` (a logger namespace) and whose `time` is at or
 * after `sinceMs`, or undefined. For reports only.
 */
export function logEventTime(log: string, event: string, sinceMs: number, ns = ''): number | undefined {
  for (const line of log.split('\n')) {
    if (!line.includes(`"event":"${event}"`) || !line.includes(ns)) continue;
    try {
      const t = Date.parse((JSON.parse(line) as { time?: string }).time ?? '');
      if (t >= sinceMs) return t;
    } catch { /* not a JSON line */ }
  }
  return undefined;
}

/** The time of the first JSON log line in `log` (ms since the epoch), or undefined. */
export function firstLogTime(log: string): number | undefined {
  const m = /"time":"([^"]+)"/.exec(log);
  return m?.[1] === undefined ? undefined : Date.parse(m[1]);
}

/** How long a gateway took to open (recover) its outbox, from its `outbox opened` log line. */
export function outboxOpenMs(log: string): number | undefined {
  const m = /"openMs":(\d+)[^\n]*"outbox opened"/.exec(log);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
