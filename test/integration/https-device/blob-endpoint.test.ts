/**
 * The blob endpoint and the file-upload routes with raw requests: what the SDK never sends (a
 * single Put Blob, tampered or expired tokens, a notification with the id in its body) and how
 * the endpoint answers before reading a body it will not take.
 */
import { existsSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileNotification } from '../../../hub-core/core/api.js';
import { startDeviceHarness, type DeviceHarness, type RawResponse, type TestDevice } from './harness.js';

const TTL_S = 120;
let h: DeviceHarness;
let dev: TestDevice;
let other: TestDevice;
const notes: FileNotification[] = [];

beforeAll(async () => {
  h = await startDeviceHarness({ maxFileBytes: 1024 * 1024, quotaBytes: 16 * 1024 * 1024, sasTtlS: TTL_S });
  h.core.files.onFileNotification((n) => notes.push(n));
  dev = await h.createDevice('blob-dev');
  other = await h.createDevice('blob-other');
});
afterAll(() => h.close());

interface Target { correlationId: string; hostName: string; containerName: string; blobName: string; sasToken: string }

async function target(device: TestDevice, blobName: string): Promise<Target> {
  const res = await h.request({
    method: 'POST', path: `/devices/${device.deviceId}/files?api-version=2021-04-12`, body: JSON.stringify({ blobName }),
    headers: { Authorization: device.token, 'Content-Type': 'application/json' },
  });
  expect(res.status).toBe(200);
  return JSON.parse(res.text()) as Target;
}

function putBlob(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<RawResponse> {
  return h.request({ method: 'PUT', path, body, headers: { 'x-ms-blob-type': 'BlockBlob', ...headers } });
}

function notify(device: TestDevice, path: string, body: object): Promise<RawResponse> {
  return h.request({
    method: 'POST', path: `/devices/${device.deviceId}/files/notifications${path}`, body: JSON.stringify(body),
    headers: { Authorization: device.token, 'Content-Type': 'application/json; charset=utf-8' },
  });
}

describe('blob endpoint (raw)', () => {
  it('takes a single Put Blob and answers as Azure Storage does', async () => {
    const t = await target(dev, 'single.txt');
    expect(t).toMatchObject({ hostName: h.ip, containerName: 'fieldhub-uploads', blobName: `${dev.deviceId}/single.txt` });
    expect(t.sasToken.startsWith('?')).toBe(true);
    expect(t.sasToken).not.toContain(dev.key);
    const res = await putBlob(`/${t.containerName}/${t.blobName}${t.sasToken}`, 'one shot', { 'x-ms-client-request-id': 'req-1' });
    expect(res.status).toBe(201);
    expect(res.headers).toMatchObject({ 'x-ms-request-server-encrypted': 'true', 'x-ms-client-request-id': 'req-1' });
    expect(res.headers.etag).toMatch(/^"0x[0-9A-F]+"$/);
    expect(Date.parse(res.headers['last-modified'] as string)).not.toBeNaN();
    expect(res.headers['x-ms-version']).toBeDefined();
    expect(readFileSync(join(h.uploadDir, dev.deviceId, 'single.txt'), 'utf8')).toBe('one shot');
  });

  it('refuses altered, foreign and expired tokens with 403 AuthenticationFailed, writing nothing', async () => {
    const t = await target(dev, 'guarded.txt');
    const sas = new URLSearchParams(t.sasToken.slice(1));
    const altered = (key: string, value: string): string => {
      const q = new URLSearchParams(sas);
      q.set(key, value);
      return `?${q.toString()}`;
    };
    const sig = sas.get('sig')!;
    const attempts = [
      `/${t.containerName}/${t.blobName}${altered('sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1))}`,
      `/${t.containerName}/${t.blobName}${altered('fhmax', String(1024 * 1024 * 1024))}`,
      `/${t.containerName}/${t.blobName}${altered('se', '2099-01-01T00:00:00Z')}`,
      `/${t.containerName}/${dev.deviceId}/other.txt${t.sasToken}`,
      `/${t.containerName}/${other.deviceId}/guarded.txt${t.sasToken}`,
      `/${t.containerName}/${t.blobName}`,
    ];
    for (const path of attempts) {
      const res = await putBlob(path, 'intruder');
      expect(res.status, path).toBe(403);
      expect(res.headers['x-ms-error-code']).toBe('AuthenticationFailed');
    }
    expect(existsSync(join(h.uploadDir, dev.deviceId, 'guarded.txt'))).toBe(false);
    expect(existsSync(join(h.uploadDir, dev.deviceId, 'other.txt'))).toBe(false);

    h.clock.offsetMs += TTL_S * 1000;
    try {
      const late = await putBlob(`/${t.containerName}/${t.blobName}${t.sasToken}`, 'late');
      expect(late.status).toBe(403);
      // The correlation id expired with the token.
      expect((await notify(dev, `/${encodeURIComponent(t.correlationId)}`, { isSuccess: false, statusCode: 403, statusDescription: '' })).status).toBe(400);
    } finally {
      h.clock.offsetMs -= TTL_S * 1000;
    }
  });

  it('answers a bad token before the body arrives and closes rather than read 100 MB', async () => {
    const t = await target(dev, 'flood.bin');
    const path = `/${t.containerName}/${dev.deviceId}/not-this-one.bin${t.sasToken}`;
    const res = await new Promise<{ status: number; connection: string | undefined; code: unknown }>((resolve, reject) => {
      const req = httpsRequest(h.requestOptions('PUT', path, { 'x-ms-blob-type': 'BlockBlob', 'Content-Length': 100 * 1024 * 1024 }), (r) => {
        resolve({ status: r.statusCode ?? 0, connection: r.headers.connection, code: r.headers['x-ms-error-code'] });
        r.resume();
        req.destroy();
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      req.write(Buffer.alloc(1024));
    });
    expect(res).toEqual({ status: 403, connection: 'close', code: 'AuthenticationFailed' });
  });

  it('refuses a body over maxFileBytes with 413, declared or streamed, leaving no file', async () => {
    const t = await target(dev, 'large.bin');
    const url = `/${t.containerName}/${t.blobName}${t.sasToken}`;
    const declared = await putBlob(url, Buffer.alloc(1024 * 1024 + 1));
    expect(declared.status).toBe(413);
    expect(declared.headers['x-ms-error-code']).toBe('RequestBodyTooLarge');
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(h.requestOptions('PUT', url, { 'x-ms-blob-type': 'BlockBlob', 'Transfer-Encoding': 'chunked' }), (r) => {
        resolve(r.statusCode ?? 0);
        r.resume();
      });
      req.on('error', reject);
      for (let i = 0; i < 5; i++) req.write(Buffer.alloc(256 * 1024));
      req.end();
    });
    expect(chunked).toBe(413);
    expect(existsSync(join(h.uploadDir, dev.deviceId, 'large.bin'))).toBe(false);
  });

  it('answers requests it does not serve in storage terms', async () => {
    const t = await target(dev, 'misc.bin');
    const url = `/${t.containerName}/${t.blobName}${t.sasToken}`;
    expect((await h.request({ method: 'PUT', path: url, body: 'x' })).headers['x-ms-error-code']).toBe('MissingRequiredHeader');
    expect((await putBlob(`${url}&comp=appendblock`, 'x')).status).toBe(400);
    expect((await h.request({ method: 'GET', path: url })).status).toBe(405);
    const list = await h.request({ method: 'PUT', path: `${url}&comp=blocklist`, body: '<?xml version="1.0"?><BlockList><Latest>QUFB</Latest></BlockList>' });
    expect(list.status).toBe(400);
    expect(list.headers['x-ms-error-code']).toBe('InvalidInput');
  });
});

describe('file upload notifications (raw)', () => {
  it('accepts the correlation id in the body as well as in the path, once, for its own device only', async () => {
    const t = await target(dev, 'note.txt');
    expect((await putBlob(`/${t.containerName}/${t.blobName}${t.sasToken}`, 'noted')).status).toBe(201);
    const result = { correlationId: t.correlationId, isSuccess: true, statusCode: 201, statusDescription: 'ok' };
    const foreign = await notify(other, '', result);
    expect(foreign.status).toBe(400);
    expect((await notify(dev, '', result)).status).toBe(204);
    expect(notes.filter((n) => n.blobName === `${dev.deviceId}/note.txt`)).toEqual([
      expect.objectContaining({ deviceId: dev.deviceId, blobSizeInBytes: 5, blobUri: `https://${h.ip}/fieldhub-uploads/${dev.deviceId}/note.txt` }),
    ]);
    expect((await notify(dev, `/${encodeURIComponent(t.correlationId)}`, result)).status).toBe(400);
  });

  it('a failed upload ends the correlation id without a notification', async () => {
    const t = await target(dev, 'failed.txt');
    const before = notes.length;
    expect((await notify(dev, `/${encodeURIComponent(t.correlationId)}`, { isSuccess: false, statusCode: 500, statusDescription: 'x' })).status).toBe(204);
    expect(notes).toHaveLength(before);
    const open = await target(dev, 'open.txt');
    expect((await notify(dev, '', { correlationId: open.correlationId, isSuccess: 'yes' })).status).toBe(400);
    // A malformed report leaves the upload open for a proper one.
    expect((await notify(dev, '', { correlationId: open.correlationId, isSuccess: false })).status).toBe(204);
  });
});
