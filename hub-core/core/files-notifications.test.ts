import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/store.js';
import type { FileNotification, FileUploadOptions } from './api.js';
import type { FakeClock } from './clock.js';
import { createTestHub } from './test-kit.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fh-files-queue-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ok = { isSuccess: true, statusCode: 201, statusDescription: '' };

async function setup(options: { store?: Store; clock?: FakeClock; files?: Partial<FileUploadOptions> } = {}) {
  const { files: fileOptions, ...rest } = options;
  const t = await createTestHub({ ...rest, files: { dir, ...fileOptions } });
  const files = t.hub.files;
  /** Creates an upload of `name` for d1 and writes its blob; returns the correlation id. */
  const upload = async (name: string, body = 'hello'): Promise<string> => {
    const target = await files.createUpload('d1', name, 'hub.example');
    const path = target.blobName.split('/').map((s) => decodeURIComponent(s));
    const grant = files.authorizeBlob(target.containerName, path, new URLSearchParams(target.sasToken.slice(1)));
    await files.putBlob(grant, (async function* () { yield Buffer.from(body); })());
    return target.correlationId;
  };
  return { ...t, files, upload, queue: t.hub.serviceQueues.fileNotifications };
}

describe('file notifications: durable service-bound queue', () => {
  it('queues each notification before the device is answered, and keeps it across a restart', async () => {
    const { hub, store, clock, files, upload, queue } = await setup();
    const seen: FileNotification[] = [];
    files.onFileNotification((n) => seen.push(n));
    const returned = await files.completeUpload('d1', await upload('logs/a.txt'), ok);
    expect(returned).toMatchObject({ deviceId: 'd1', blobName: 'd1/logs/a.txt', blobSizeInBytes: 5 });
    expect(seen).toEqual([returned]);
    expect(queue.availableCount()).toBe(1);
    await hub.close();

    const again = await setup({ store, clock });
    const lease = again.queue.lease(1)!;
    expect(lease.records).toEqual([returned]);
    expect(await again.queue.complete(lease.lockToken)).toBe(true);
    await again.hub.close();
    const third = await setup({ store, clock });
    expect(third.queue.availableCount()).toBe(0);
  });

  it('queues one record per upload, in completion order', async () => {
    const { files, upload, queue } = await setup();
    const first = await upload('one');
    const second = await upload('two');
    await files.completeUpload('d1', second, ok);
    await files.completeUpload('d1', first, ok);
    expect(queue.lease(10)?.records.map((n) => n.blobName)).toEqual(['d1/two', 'd1/one']);
  });

  it('queues nothing for a failed upload or with notifications off', async () => {
    const off = await setup({ files: { notifications: false } });
    await off.files.completeUpload('d1', await off.upload('x'), ok);
    expect(off.queue.availableCount()).toBe(0);
    const failed = await off.files.createUpload('d1', 'y', 'hub.example');
    await off.files.completeUpload('d1', failed.correlationId, { isSuccess: false, statusCode: 500, statusDescription: 'boom' });
    expect(off.queue.availableCount()).toBe(0);
  });

  it('a report whose notification cannot be stored fails and stays open, so the retry notifies once', async () => {
    const { store, files, upload, queue } = await setup();
    const correlationId = await upload('r.txt');
    const batch = store.batch.bind(store);
    store.batch = () => Promise.reject(new Error('disk full'));
    await expect(files.completeUpload('d1', correlationId, ok)).rejects.toThrow('disk full');
    store.batch = batch;
    expect(queue.availableCount()).toBe(0);
    await files.completeUpload('d1', correlationId, ok);
    expect(queue.lease(10)?.records.map((n) => n.blobName)).toEqual(['d1/r.txt']);
    await expect(files.completeUpload('d1', correlationId, ok)).rejects.toMatchObject({ code: 'FH_FILE_UPLOAD_UNKNOWN' });
  });
});
