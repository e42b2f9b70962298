/**
 * The hub's service API spoken directly over HTTPS with an owner-policy SAS token, for what the
 * SDK cannot send (malformed bodies) and for the fieldhub extension
 * `GET /fieldhub/v1/telemetry?afterSeq=N&deviceId=X` (NDJSON, one stored message a line), read
 * the way a back end would.
 */
import https from 'node:https';
import type { E2eHub } from './hub.js';

export interface TelemetryRecord {
  seq: number;
  deviceId: string;
  moduleId?: string | null;
  enqueuedTime: string;
  system: Record<string, unknown>;
  properties: Record<string, string>;
  body: string;
  bodyEncoding: string;
}

export interface ServiceResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request to the service API; `body` is sent as is (a string may be deliberately broken JSON). */
export function serviceRequest(e2e: E2eHub, method: string, path: string, body?: string): Promise<ServiceResponse> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(body);
    const req = https.request({
      host: e2e.ip, port: e2e.hub.ports.https, method, path, ca: e2e.caPem,
      headers: {
        authorization: e2e.ownerSas(),
        ...(data ? { 'content-type': 'application/json; charset=utf-8', 'content-length': data.length } : {}),
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** The body as text, whatever encoding the hub chose for the JSON line. */
export function bodyText(rec: Pick<TelemetryRecord, 'body' | 'bodyEncoding'>): string {
  if (rec.bodyEncoding === 'base64') return Buffer.from(rec.body, 'base64').toString('utf8');
  return typeof rec.body === 'string' ? rec.body : JSON.stringify(rec.body);
}

/** Every stored message (no follow), optionally one device's, in the hub's order. */
export async function readTelemetry(e2e: E2eHub, query: { deviceId?: string; afterSeq?: number } = {}): Promise<TelemetryRecord[]> {
  const params = new URLSearchParams({ afterSeq: String(query.afterSeq ?? 0) });
  if (query.deviceId !== undefined) params.set('deviceId', query.deviceId);
  const res = await serviceRequest(e2e, 'GET', `/fieldhub/v1/telemetry?${params.toString()}`);
  if (res.status !== 200) throw new Error(`GET telemetry: HTTP ${res.status}: ${res.text}`);
  return res.text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as TelemetryRecord);
}
