/**
 * fieldhub extensions: C2D send, the NDJSON telemetry stream (stored and follow), health.
 */
import { request as httpsRequest } from 'node:https';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../../hub-core/core/types.js';
import { startHarness, TestDevice, type Harness } from './harness.js';

let h: Harness;
let dev: TestDevice;
let other: TestDevice;

interface Line {
  seq: number; deviceId: string; moduleId: string | null; enqueuedTime: string | null;
  system: Record<string, string>; properties: Record<string, string>; body: string; bodyEncoding: 'utf8' | 'base64';
  error?: string;
}

function message(body: string | Uint8Array, properties: Record<string, string> = {}): Message {
  return { body: typeof body === 'string' ? new TextEncoder().encode(body) : body, system: {}, properties };
}

/** Opens a stream request and hands back its lines as they arrive. */
function openStream(path: string): Promise<{ res: IncomingMessage; req: ClientRequest; next(): Promise<Line> }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: h.ip, port: 443, path, ca: h.ca, agent: false, headers: { Authorization: h.policyToken('service') } }, (res) => {
      let buffered = '';
      const lines: Line[] = [];
      const waiters: Array<(l: Line) => void> = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = JSON.parse(buffered.slice(0, nl)) as Line;
          buffered = buffered.slice(nl + 1);
          const w = waiters.shift();
          if (w) w(line); else lines.push(line);
        }
      });
      resolve({
        res, req,
        next: () => new Promise<Line>((r) => {
          const l = lines.shift();
          if (l) r(l); else waiters.push(r);
        }),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  h = await startHarness();
  for (const id of ['ext-dev', 'ext-other']) await h.core.registry.createDevice({ deviceId: id });
  const key = async (id: string): Promise<string> => (await h.core.registry.getDevice(id)).authentication.symmetricKey?.primaryKey ?? '';
  dev = await TestDevice.connect(h, 'ext-dev', await key('ext-dev'));
  other = await TestDevice.connect(h, 'ext-other', await key('ext-other'));
});

afterAll(async () => {
  await h?.close();
});

describe('C2D send', () => {
  it('queues a message with its system and application properties', async () => {
    const res = await h.request({
      method: 'POST', path: '/fieldhub/v1/devices/ext-dev/messages/devicebound?api-version=2021-04-12',
      headers: {
        Authorization: h.policyToken('service'),
        'iothub-messageid': 'msg-1', 'iothub-correlationid': 'corr-1', 'iothub-ack': 'full',
        'iothub-expiry': new Date(Date.now() + 600_000).toISOString(),
        'iothub-contenttype': 'application/json', 'iothub-contentencoding': 'utf-8',
        'iothub-app-Color': 'red', 'iothub-app-n': '1',
      },
      body: '{"cmd":"on"}',
    });
    expect(res.status).toBe(204);
    const delivery = await h.core.c2d.receive({ deviceId: 'ext-dev' });
    expect(delivery).toBeDefined();
    const m = delivery!.message;
    expect(Buffer.from(m.body).toString()).toBe('{"cmd":"on"}');
    expect(m.system).toMatchObject({
      messageId: 'msg-1', correlationId: 'corr-1', ack: 'full', contentType: 'application/json', contentEncoding: 'utf-8',
    });
    expect(m.system.expiryTimeUtc).toMatch(/Z$/);
    expect(m.properties).toEqual({ Color: 'red', n: '1' });
  });

  it('an unknown device is 404 DeviceNotFound; a bad ack header is 400', async () => {
    const missing = await h.request({
      method: 'POST', path: '/fieldhub/v1/devices/nobody/messages/devicebound', headers: { Authorization: h.policyToken('service') }, body: 'x',
    });
    expect(missing.status).toBe(404);
    expect(missing.json<{ Message: string }>().Message).toMatch(/^ErrorCode:DeviceNotFound;/);
    const bad = await h.request({
      method: 'POST', path: '/fieldhub/v1/devices/ext-dev/messages/devicebound',
      headers: { Authorization: h.policyToken('service'), 'iothub-ack': 'sometimes' }, body: 'x',
    });
    expect(bad.status).toBe(400);
  });

  it('a full queue is 403 DeviceMaximumQueueDepthExceeded (403004)', async () => {
    await h.core.registry.createDevice({ deviceId: 'ext-full' });
    const send = (): ReturnType<Harness['request']> => h.request({
      method: 'POST', path: '/fieldhub/v1/devices/ext-full/messages/devicebound', headers: { Authorization: h.policyToken('service') }, body: 'x',
    });
    for (let i = 0; i < h.core.limits.maxC2dQueueDepth; i++) expect((await send()).status).toBe(204);
    const res = await send();
    expect(res.status).toBe(403);
    expect(res.json()).toMatchObject({ errorCode: 403004 });
  });

  it('a message over the C2D limit is 413', async () => {
    const res = await h.request({
      method: 'POST', path: '/fieldhub/v1/devices/ext-dev/messages/devicebound', headers: { Authorization: h.policyToken('service') },
      body: Buffer.alloc(h.core.limits.maxC2dBytes + 1, 0x61),
    });
    expect(res.status).toBe(413);
  });

  it('needs ServiceConnect', async () => {
    const res = await h.request({
      method: 'POST', path: '/fieldhub/v1/devices/ext-dev/messages/devicebound', headers: { Authorization: h.policyToken('registryRead') }, body: 'x',
    });
    expect(res.status).toBe(401);
  });
});

describe('telemetry stream', () => {
  it('returns stored messages as NDJSON, filtered by device and afterSeq', async () => {
    const start = h.core.telemetry.lastSeq();
    const a = await dev.session!.sendTelemetry(message('hello', { k: 'v' }));
    await other.session!.sendTelemetry(message('not me'));
    const b = await dev.session!.sendTelemetry(message('{"t":21.5}'));
    const res = await h.request({
      method: 'GET', path: `/fieldhub/v1/telemetry?afterSeq=${start}&deviceId=ext-dev`, headers: { Authorization: h.policyToken('service') },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const lines = res.body.toString().trimEnd().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => l.seq)).toEqual([a.seq, b.seq]);
    expect(lines[0]).toMatchObject({ deviceId: 'ext-dev', moduleId: null, properties: { k: 'v' }, body: 'hello', bodyEncoding: 'utf8' });
    expect(lines[0]?.enqueuedTime).toBe(a.message.system.enqueuedTime);
    expect(lines[0]?.system.connectionDeviceId).toBe('ext-dev');
    expect(lines[1]?.body).toBe('{"t":21.5}');
  });

  it('a binary body comes base64', async () => {
    const before = h.core.telemetry.lastSeq();
    const bytes = new Uint8Array([0xff, 0x00, 0xfe, 0x80]);
    await dev.session!.sendTelemetry(message(bytes));
    const res = await h.request({
      method: 'GET', path: `/fieldhub/v1/telemetry?afterSeq=${before}`, headers: { Authorization: h.policyToken('service') },
    });
    const line = JSON.parse(res.body.toString().trimEnd().split('\n')[0] ?? '') as Line;
    expect(line.bodyEncoding).toBe('base64');
    expect(Buffer.from(line.body, 'base64')).toEqual(Buffer.from(bytes));
  });

  it('follow mode streams stored then live messages with no gap and no duplicate', async () => {
    const before = h.core.telemetry.lastSeq();
    const stored = await dev.session!.sendTelemetry(message('stored'));
    const stream = await openStream(`/fieldhub/v1/telemetry?afterSeq=${before}&deviceId=ext-dev&follow=1`);
    try {
      expect(stream.res.statusCode).toBe(200);
      const first = await stream.next();
      expect(first).toMatchObject({ seq: stored.seq, body: 'stored' });
      // Headers arrived: the live subscription is in place, so this one must come through.
      await other.session!.sendTelemetry(message('filtered out'));
      const live1 = await dev.session!.sendTelemetry(message('live-1'));
      const live2 = await dev.session!.sendTelemetry(message('live-2'));
      const second = await stream.next();
      const third = await stream.next();
      expect([second.seq, third.seq]).toEqual([live1.seq, live2.seq]);
      expect([second.body, third.body]).toEqual(['live-1', 'live-2']);
    } finally {
      stream.req.destroy();
    }
  });

  it('a message appended while the stored backlog is read is sent exactly once', async () => {
    const before = h.core.telemetry.lastSeq();
    const backlog = await Promise.all(Array.from({ length: 200 }, (_, i) => dev.session!.sendTelemetry(message(`b${i}`))));
    const stream = await openStream(`/fieldhub/v1/telemetry?afterSeq=${before}&deviceId=ext-dev&follow=1`);
    try {
      const racing = await dev.session!.sendTelemetry(message('racing'));
      const expected = [...backlog.map((m) => m.seq), racing.seq];
      const got: number[] = [];
      while (got.length < expected.length) got.push((await stream.next()).seq);
      expect(got).toEqual(expected);
      const after = await dev.session!.sendTelemetry(message('after'));
      expect((await stream.next()).seq).toBe(after.seq);
    } finally {
      stream.req.destroy();
    }
  });

  it('a follower that stops reading is cut off with an overflow line, losing nothing before it', async () => {
    const before = h.core.telemetry.lastSeq();
    const stream = await openStream(`/fieldhub/v1/telemetry?afterSeq=${before}&deviceId=ext-dev&follow=1`);
    // The reader stops: kernel buffers fill, then the head's pending buffer passes its 16 MiB bound.
    stream.res.pause();
    const big = 'x'.repeat(200 * 1024);
    const sent: number[] = [];
    for (let i = 0; i < 200; i++) sent.push((await dev.session!.sendTelemetry(message(big))).seq);
    stream.res.resume();
    const lines: Line[] = [];
    for (;;) {
      const line = await stream.next();
      lines.push(line);
      if (line.error !== undefined) break;
    }
    const last = lines[lines.length - 1] as unknown as { error: string; lastSeq: number };
    const data = lines.slice(0, -1);
    expect(last.error).toBe('overflow');
    expect(data.length).toBeLessThan(sent.length);
    // Everything sent before the cut is the exact prefix, and lastSeq says where to resume.
    expect(data.map((l) => l.seq)).toEqual(sent.slice(0, data.length));
    expect(last.lastSeq).toBe(data[data.length - 1]?.seq ?? before);
    await new Promise<void>((r) => (stream.res.complete ? r() : stream.res.once('end', () => r())));
  });

  it('limit ends the stream after N lines; bad parameters are 400', async () => {
    await dev.session!.sendTelemetry(message('one'));
    await dev.session!.sendTelemetry(message('two'));
    const res = await h.request({ method: 'GET', path: '/fieldhub/v1/telemetry?limit=1', headers: { Authorization: h.policyToken('service') } });
    expect(res.body.toString().trimEnd().split('\n')).toHaveLength(1);
    const bad = await h.request({ method: 'GET', path: '/fieldhub/v1/telemetry?afterSeq=-3', headers: { Authorization: h.policyToken('service') } });
    expect(bad.status).toBe(400);
  });
});

describe('health', () => {
  it('reports status, connected devices and the last telemetry seq', async () => {
    const res = await h.request({ method: 'GET', path: '/fieldhub/v1/health', headers: { Authorization: h.policyToken('registryRead') } });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', connectedDevices: h.core.registry.connectedCount(), telemetryLastSeq: h.core.telemetry.lastSeq() });
    expect(h.core.registry.connectedCount()).toBeGreaterThanOrEqual(2);
  });
});
