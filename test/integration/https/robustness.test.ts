/**
 * Bad input never crashes the head and never affects other requests: malformed JSON, oversized
 * bodies, unknown routes, wrong methods, and garbage instead of TLS.
 */
import { Agent } from 'node:https';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Registry } from 'azure-iothub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

async function stillServing(): Promise<void> {
  const res = await h.request({ method: 'GET', path: '/fieldhub/v1/health', headers: { Authorization: h.policyToken() } });
  expect(res.status).toBe(200);
}

describe('bad bodies', () => {
  it('malformed JSON is 400 ArgumentInvalid', async () => {
    const res = await h.request({
      method: 'PUT', path: '/devices/bad-json?api-version=2021-04-12',
      headers: { Authorization: h.policyToken(), 'Content-Type': 'application/json; charset=utf-8' },
      body: '{"deviceId": "bad-json",',
    });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json<{ Message: string }>().Message).toMatch(/^ErrorCode:ArgumentInvalid;.*JSON/);
    await expect(h.core.registry.getDevice('bad-json')).rejects.toMatchObject({ code: 'FH_REGISTRY_NOT_FOUND' });
  });

  it('a JSON body of the wrong shape is 400, and an empty one too', async () => {
    for (const body of ['[1,2]', '"text"', '', 'null']) {
      const res = await h.request({ method: 'PATCH', path: '/twins/x', headers: { Authorization: h.policyToken() }, body });
      expect(res.status).toBe(400);
    }
    const bulk = await h.request({ method: 'POST', path: '/devices', headers: { Authorization: h.policyToken() }, body: '{"id":"x"}' });
    expect(bulk.status).toBe(400);
  });

  it('a 2 MiB body is 413, and the same keep-alive connection serves the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: h.ca });
    try {
      const big = Buffer.alloc(2 * 1024 * 1024, 0x20);
      const res = await h.request({ method: 'PUT', path: '/devices/too-big', headers: { Authorization: h.policyToken() }, body: big, agent });
      expect(res.status).toBe(413);
      expect(res.json<{ Message: string }>().Message).toMatch(/^ErrorCode:MessageTooLarge;/);
      const next = await h.request({ method: 'GET', path: '/fieldhub/v1/health', headers: { Authorization: h.policyToken() }, agent });
      expect(next.status).toBe(200);
      expect(next.localPort).toBe(res.localPort);
    } finally {
      agent.destroy();
    }
  });

  it('a chunked body without Content-Length is cut at the limit too', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      import('node:https').then(({ request }) => {
        const req = request({
          host: h.ip, port: 443, method: 'POST', path: '/devices/query', ca: h.ca, agent: false,
          headers: { Authorization: h.policyToken(), 'Transfer-Encoding': 'chunked' },
        }, (r) => { r.resume(); resolve(r.statusCode ?? 0); });
        req.on('error', reject);
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        for (let i = 0; i < 24; i++) req.write(chunk);
        req.end();
      }, reject);
    });
    expect(res).toBe(413);
    await stillServing();
  });

  it('an unauthenticated endless upload gets its 401 and the connection is closed', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const s = tlsConnect({ host: h.ip, port: 443, ca: h.ca }, () => {
        s.write('PUT /devices/endless HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
        s.write('10000\r\n' + 'a'.repeat(0x10000) + '\r\n');
        // ...and never the final chunk.
      });
      let data = '';
      s.setEncoding('utf8');
      s.on('data', (d: string) => { data += d; });
      s.on('close', () => resolve(data));
      s.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 401/);
    expect(reply.toLowerCase()).toContain('connection: close');
  });
});

describe('routing', () => {
  it('an unknown route is a JSON 404', async () => {
    const res = await h.request({ method: 'GET', path: '/nothing/here', headers: { Authorization: h.policyToken() } });
    expect(res.status).toBe(404);
    expect(res.json<{ Message: string }>().Message).toMatch(/^ErrorCode:NotFound;/);
  });

  it('a wrong method on a known path is 405 with Allow', async () => {
    const res = await h.request({ method: 'POST', path: '/twins/abc', headers: { Authorization: h.policyToken() }, body: '{}' });
    expect(res.status).toBe(405);
    expect(String(res.headers.allow).split(', ').sort()).toEqual(['GET', 'PATCH', 'PUT']);
  });

  it('a path id with broken percent-encoding is 400', async () => {
    const res = await h.request({ method: 'GET', path: '/devices/%E0%A4%A', headers: { Authorization: h.policyToken() } });
    expect(res.status).toBe(400);
  });
});

describe('garbage on the socket', () => {
  it('non-TLS bytes on the TLS port close that socket only', async () => {
    await new Promise<void>((resolve) => {
      const s = tcpConnect(443, h.ip, () => s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n\x00\x01\x02garbage'));
      s.on('error', () => resolve());
      s.on('close', () => resolve());
      s.resume();
    });
    await stillServing();
  });

  it('garbage after a good TLS handshake gets a 400 and the server lives on', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const s = tlsConnect({ host: h.ip, port: 443, ca: h.ca }, () => s.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      s.setEncoding('utf8');
      s.on('data', (d: string) => { data += d; });
      s.on('end', () => resolve(data));
      s.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    await stillServing();
  });

  it('oversized headers get a 431', async () => {
    const res = await h.request({ method: 'GET', path: '/devices', headers: { Authorization: h.policyToken(), 'x-big': 'a'.repeat(20_000) } });
    expect(res.status).toBe(431);
    await stillServing();
  });

  it('TLS 1.1 is refused', async () => {
    const err = await new Promise<Error | undefined>((resolve) => {
      const s = tlsConnect({ host: h.ip, port: 443, ca: h.ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }, () => {
        s.destroy();
        resolve(undefined);
      });
      s.on('error', (e) => resolve(e));
    });
    expect(err).toBeInstanceOf(Error);
    await stillServing();
  });

  it('close() ends open telemetry streams and idle keep-alive connections', async () => {
    const other = await startHarness();
    const agent = new Agent({ keepAlive: true, ca: other.ca });
    try {
      const idle = await other.request({ method: 'GET', path: '/fieldhub/v1/health', headers: { Authorization: other.policyToken() }, agent });
      expect(idle.status).toBe(200);
      const streamEnded = new Promise<void>((resolve, reject) => {
        import('node:https').then(({ request }) => {
          const req = request({
            host: other.ip, port: 443, path: '/fieldhub/v1/telemetry?follow=1', ca: other.ca, agent: false,
            headers: { Authorization: other.policyToken() },
          }, (res) => {
            res.resume();
            res.on('close', () => resolve());
            // Headers are in: the stream is open; now close the hub under it.
            void other.close();
          });
          req.on('error', () => resolve());
          req.end();
        }, reject);
      });
      await streamEnded;
      await other.head.close();
      // Nothing listens any more.
      await expect(other.request({ method: 'GET', path: '/fieldhub/v1/health' })).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });

  it('the SDK keeps working after all of the above', async () => {
    const registry = Registry.fromConnectionString(h.connectionString());
    const { responseBody } = await registry.create({ deviceId: 'after-garbage' });
    expect(responseBody.deviceId).toBe('after-garbage');
  });
});
