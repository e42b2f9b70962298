/**
 * The `fileUpload` configuration end to end: a YAML file → loadHubConfig → startHubServer → the
 * core's blob folder and limits → the HTTPS head. The head runs on a random port here (not 443),
 * so the upload target's hostName carries `:port`, and the blob goes to that port.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SharedAccessSignature as DeviceSas } from 'azure-iot-device';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, startHubServer, type HubServer } from '../../../hub-core/index.js';
import { loadHubConfig } from '../../../runtime/config/hub-config.js';

let dir: string;
let server: HubServer;
let ca: string;

function request(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, method, path, headers, ca, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fh-upload-config-'));
  const file = join(dir, 'hub.yaml');
  writeFileSync(file, [
    'hostName: 127.0.0.1', 'dataDir: ./data', 'bindAddress: 127.0.0.1', 'mqtt: {port: 0}', 'amqp: {port: 0}', 'https: {port: 0}', 'log: {level: silent}',
    'fileUpload:', '  dir: ./blobs', '  maxFileBytes: 1000', '  sasTtlS: 600', '',
  ].join('\n'));
  const config = loadHubConfig({ role: 'gateway', file });
  expect(config.fileUpload).toEqual({ dir: join(dir, 'blobs'), maxFileBytes: 1000, quotaBytes: 1_073_741_824, sasTtlS: 600, notifications: true });
  server = await startHubServer(config, silentLogger());
  ca = readFileSync(server.info.caFile, 'utf8');
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('fileUpload configuration', () => {
  it('stores uploads in the configured folder with the configured limit, via host:port when not on 443', async () => {
    const { port } = server.addresses.https;
    const device = await server.core.registry.createDevice({ deviceId: 'cfg-dev' });
    const token = DeviceSas.create('127.0.0.1', 'cfg-dev', device.authentication.symmetricKey?.primaryKey ?? '',
      Math.floor(Date.now() / 1000) + 3600).toString();
    const res = await request(port, 'POST', '/devices/cfg-dev/files', { Authorization: token, 'Content-Type': 'application/json' }, '{"blobName":"a.txt"}');
    expect(res.status).toBe(200);
    const t = JSON.parse(res.text) as { hostName: string; containerName: string; blobName: string; sasToken: string };
    expect(t.hostName).toBe(`127.0.0.1:${port}`);
    const [host, blobPort] = t.hostName.split(':');
    expect(host).toBe('127.0.0.1');
    const url = `/${t.containerName}/${t.blobName}${t.sasToken}`;
    expect((await request(Number(blobPort), 'PUT', url, { 'x-ms-blob-type': 'BlockBlob' }, 'x'.repeat(1001))).status).toBe(413);
    expect((await request(Number(blobPort), 'PUT', url, { 'x-ms-blob-type': 'BlockBlob' }, 'configured')).status).toBe(201);
    expect(readFileSync(join(dir, 'blobs', 'cfg-dev', 'a.txt'), 'utf8')).toBe('configured');
    expect(existsSync(join(dir, 'data', 'uploads'))).toBe(false);
  });
});
