/**
 * File upload end to end with the unmodified SDKs: azure-iot-device's `uploadToBlob` over the
 * Http transport asks the hub for a target, @azure/storage-blob 12.8 uploads to the blob endpoint
 * the same HTTPS head serves (it always stages 4 MiB blocks, then commits the block list), and
 * the device's notification becomes a file notification in the core.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FileNotification } from '../../../hub-core/core/api.js';
import { startDeviceHarness, type DeviceHarness, type TestDevice } from './harness.js';

const MiB = 1024 * 1024;
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function upload(h: DeviceHarness, dev: TestDevice, blobName: string, data: Buffer): Promise<unknown> {
  return h.client(dev).uploadToBlob(blobName, Readable.from([data]), data.length);
}

describe('file upload with azure-iot-device-http', () => {
  let h: DeviceHarness;
  let dev: TestDevice;
  const notes: FileNotification[] = [];

  beforeAll(async () => {
    h = await startDeviceHarness({ maxFileBytes: 16 * MiB, quotaBytes: 64 * MiB });
    h.core.files.onFileNotification((n) => notes.push(n));
    dev = await h.createDevice('uploader');
  });
  afterAll(() => h.close());

  it('uploads a small file: identical on disk, and the service gets a notification with its size', async () => {
    const data = Buffer.from('temperature,21.5\nhumidity,40\n');
    await upload(h, dev, 'logs/small.csv', data);
    expect(readFileSync(join(h.uploadDir, dev.deviceId, 'logs', 'small.csv'))).toEqual(data);
    const note = notes.find((n) => n.blobName === `${dev.deviceId}/logs/small.csv`);
    expect(note).toMatchObject({
      deviceId: dev.deviceId, blobSizeInBytes: data.length,
      blobUri: `https://${h.ip}/fieldhub-uploads/${dev.deviceId}/logs/small.csv`,
    });
    expect(Date.parse(note!.lastUpdatedTime)).toBeLessThanOrEqual(Date.parse(note!.enqueuedTimeUtc));
  });

  it('uploads a 9 MiB file in three 4 MiB-or-less blocks, reassembled byte for byte', async () => {
    const data = randomBytes(9 * MiB + 123);
    const putBlock = vi.spyOn(h.core.files, 'putBlock');
    const putBlockList = vi.spyOn(h.core.files, 'putBlockList');
    try {
      await upload(h, dev, 'big.bin', data);
      expect(putBlock).toHaveBeenCalledTimes(3);
      expect(putBlockList).toHaveBeenCalledTimes(1);
      expect(putBlockList.mock.calls[0]![1]).toHaveLength(3);
    } finally {
      putBlock.mockRestore();
      putBlockList.mockRestore();
    }
    expect(sha(readFileSync(join(h.uploadDir, dev.deviceId, 'big.bin')))).toBe(sha(data));
    expect(notes.find((n) => n.blobName === `${dev.deviceId}/big.bin`)?.blobSizeInBytes).toBe(data.length);
    expect(readdirSync(join(h.uploadDir, '.staging'))).toEqual([]);
  });

  it('keeps odd blob names inside the device folder, encoded in the URL and decoded on disk', async () => {
    // ASCII only: the SDK sets Content-Length to the JSON's string length, so a non-ASCII
    // blobName truncates its own request body (an SDK bug; other clients can use any name).
    await upload(h, dev, "dir with space/report #1?&'50%'.txt", Buffer.from('odd'));
    expect(readFileSync(join(h.uploadDir, dev.deviceId, 'dir with space', "report #1?&'50%'.txt"), 'utf8')).toBe('odd');
    const note = notes.find((n) => n.blobName === `${dev.deviceId}/dir with space/report #1?&'50%'.txt`);
    expect(note?.blobUri).toBe(`https://${h.ip}/fieldhub-uploads/${dev.deviceId}/dir%20with%20space/report%20%231%3F%26'50%25'.txt`);
    const bad = await h.client(dev).uploadToBlob('../escape.txt', Readable.from([Buffer.from('x')]), 1).catch((e: unknown) => e);
    expect((bad as Error).constructor.name).toBe('BlobSasError');
    expect(existsSync(join(h.uploadDir, 'escape.txt'))).toBe(false);
  });
});

describe('file upload limits', () => {
  let h: DeviceHarness;
  let dev: TestDevice;
  const notes: FileNotification[] = [];

  beforeAll(async () => {
    h = await startDeviceHarness({ maxFileBytes: 5 * MiB, quotaBytes: 10 * MiB });
    h.core.files.onFileNotification((n) => notes.push(n));
    dev = await h.createDevice('limited');
  });
  afterAll(() => h.close());

  it('a file over maxFileBytes makes the SDK upload fail, and nothing of it remains', async () => {
    const err = await upload(h, dev, 'too-big.bin', randomBytes(6 * MiB)).catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('BlobUploadNotificationError');
    expect(existsSync(join(h.uploadDir, dev.deviceId, 'too-big.bin'))).toBe(false);
    // Sibling blocks still in flight when the first one hit the limit are refused and removed too.
    await expect.poll(() => h.core.files.usage().usedBytes, { timeout: 10_000 }).toBe(0);
    await expect.poll(() => readdirSync(join(h.uploadDir, '.staging')), { timeout: 10_000 }).toEqual([]);
    expect(notes).toEqual([]);
  });

  it('past quotaBytes the SDK upload is refused with 403 and the folder stays under quota', async () => {
    await upload(h, dev, 'one.bin', randomBytes(4 * MiB));
    await upload(h, dev, 'two.bin', randomBytes(4 * MiB));
    const err = await upload(h, dev, 'three.bin', randomBytes(4 * MiB)).catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('BlobUploadNotificationError');
    expect(existsSync(join(h.uploadDir, dev.deviceId, 'three.bin'))).toBe(false);
    await expect.poll(() => h.core.files.usage().usedBytes, { timeout: 10_000 }).toBe(8 * MiB);
    expect(notes.map((n) => n.blobName)).toEqual([`${dev.deviceId}/one.bin`, `${dev.deviceId}/two.bin`]);

    // What the storage SDK was told: 403 with a storage error body and code.
    const t = await h.core.files.createUpload(dev.deviceId, 'raw.bin', h.ip);
    const res = await h.request({
      method: 'PUT', path: `/${t.containerName}/${t.blobName}${t.sasToken}`, body: randomBytes(3 * MiB),
      headers: { 'x-ms-blob-type': 'BlockBlob' },
    });
    expect(res.status).toBe(403);
    expect(res.headers['x-ms-error-code']).toBe('QuotaExceeded');
    expect(res.text()).toMatch(/^<\?xml .*<Error><Code>QuotaExceeded<\/Code><Message>/);
  });
});
