import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobGrant, FileNotification, FileUploadOptions } from './api.js';
import { FakeClock } from './clock.js';
import { Files, MAX_ACTIVE_UPLOADS } from './files.js';

let dir: string;
let clock: FakeClock;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fh-files-'));
  clock = new FakeClock();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (options: Partial<FileUploadOptions> = {}): Promise<Files> =>
  Files.open(clock, { dir, maxFileBytes: 100, quotaBytes: 250, sasTtlS: 60, ...options });

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

/** A body that records whether anyone started reading it. */
function untouched(): AsyncIterable<Uint8Array> & { pulled: boolean } {
  const body = {
    pulled: false,
    async *[Symbol.asyncIterator]() {
      body.pulled = true;
      yield Buffer.alloc(10);
    },
  };
  return body;
}

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

/** Issues an upload and verifies its token the way the blob endpoint does. */
async function grantFor(files: Files, deviceId: string, blobName: string): Promise<{ grant: BlobGrant; correlationId: string }> {
  const t = await files.createUpload(deviceId, blobName, 'hub.example:443');
  const path = t.blobName.split('/').map((s) => decodeURIComponent(s));
  return { grant: files.authorizeBlob(t.containerName, path, new URLSearchParams(t.sasToken.slice(1))), correlationId: t.correlationId };
}

describe('Files: upload targets and blob SAS tokens', () => {
  it('hands out an encoded blob path and a storage-style token that is not the device key', async () => {
    const files = await open();
    const t = await files.createUpload('d1', 'logs/a b?.txt', 'hub.example');
    expect(t.containerName).toBe('fieldhub-uploads');
    expect(t.blobName).toBe('d1/logs/a%20b%3F.txt');
    expect(t.sasToken).toMatch(/^\?sv=[^&]+&sr=b&sp=cw&se=2024-01-01T00%3A01%3A00Z&.*sig=/);
    expect(t.expiresAt).toBe('2024-01-01T00:01:00.000Z');
    expect(t.correlationId).not.toBe((await files.createUpload('d1', 'logs/a b?.txt', 'hub.example')).correlationId);
  });

  it('refuses blob names that are empty, absolute, or climb out of the device folder', async () => {
    const files = await open();
    for (const bad of ['', '/etc/passwd', '../x', 'a/../../x', 'a//b', './a', 'a/', 'a\\b', 'a\u0000b', 'x'.repeat(1025)]) {
      expect(await codeOf(files.createUpload('d1', bad, 'h')), JSON.stringify(bad)).toBe('FH_MSG_INVALID');
    }
  });

  it('grants exactly the signed blob, device and container, until expiry', async () => {
    const files = await open();
    const t = await files.createUpload('d1', 'dir/f.bin', 'h');
    const sas = new URLSearchParams(t.sasToken.slice(1));
    expect(files.authorizeBlob('fieldhub-uploads', ['d1', 'dir', 'f.bin'], sas)).toMatchObject({
      deviceId: 'd1', blobName: 'dir/f.bin', correlationId: t.correlationId, maxBytes: 100,
    });
    const tampered = new URLSearchParams(sas);
    tampered.set('fhmax', '1000000');
    const cases: Array<[string, string[], URLSearchParams]> = [
      ['other blob', ['d1', 'dir', 'g.bin'], sas],
      ['other device', ['d2', 'dir', 'f.bin'], sas],
      ['other container', ['d1', 'dir', 'f.bin'], sas],
      ['raised size limit', ['d1', 'dir', 'f.bin'], tampered],
      ['no token', ['d1', 'dir', 'f.bin'], new URLSearchParams()],
      ['slash inside a segment', ['d1', 'dir/f.bin'], sas],
    ];
    for (const [what, path, q] of cases) {
      const container = what === 'other container' ? 'other' : 'fieldhub-uploads';
      expect(await codeOf(() => files.authorizeBlob(container, path, q)), what).toBe('FH_FILE_SAS_INVALID');
    }
    await clock.advance(60_000);
    expect(await codeOf(() => files.authorizeBlob('fieldhub-uploads', ['d1', 'dir', 'f.bin'], sas))).toBe('FH_FILE_SAS_INVALID');
  });

  it('tokens from another hub process (another key) do not verify', async () => {
    const a = await open();
    const b = await open();
    const t = await a.createUpload('d1', 'f', 'h');
    expect(await codeOf(() => b.authorizeBlob(t.containerName, ['d1', 'f'], new URLSearchParams(t.sasToken.slice(1))))).toBe('FH_FILE_SAS_INVALID');
  });

  it('limits a device to 10 uploads in progress; a notified or expired one frees its place', async () => {
    const files = await open();
    const ids: string[] = [];
    for (let i = 0; i < MAX_ACTIVE_UPLOADS; i++) ids.push((await files.createUpload('d1', `f${i}`, 'h')).correlationId);
    expect(await codeOf(files.createUpload('d1', 'more', 'h'))).toBe('FH_FILE_TOO_MANY_UPLOADS');
    await files.createUpload('d2', 'other-device', 'h');
    await files.completeUpload('d1', ids[0]!, { isSuccess: false, statusCode: 500, statusDescription: 'x' });
    await files.createUpload('d1', 'more', 'h');
    await clock.advance(60_000);
    await files.createUpload('d1', 'after-expiry', 'h');
  });

  it('is disabled without a folder', async () => {
    const files = await Files.open(clock);
    expect(files.enabled).toBe(false);
    expect(await codeOf(files.createUpload('d1', 'f', 'h'))).toBe('FH_FILE_DISABLED');
    expect(await codeOf(() => files.authorizeBlob('fieldhub-uploads', ['d1', 'f'], new URLSearchParams()))).toBe('FH_FILE_DISABLED');
  });
});

describe('Files: the blob folder', () => {
  it('streams a Put Blob into {dir}/{deviceId}/{blobName}, stamped with the hub clock', async () => {
    const files = await open();
    const { grant } = await grantFor(files, 'd1', 'logs/today.txt');
    await clock.advance(5000);
    const props = await files.putBlob(grant, chunks('hello ', 'world'));
    expect(readFileSync(join(dir, 'd1', 'logs', 'today.txt'), 'utf8')).toBe('hello world');
    expect(props).toMatchObject({ sizeBytes: 11, lastModifiedMs: clock.now() });
    expect(props.etag).toMatch(/^"0x[0-9A-F]+"$/);
    expect(files.usage()).toEqual({ usedBytes: 11, quotaBytes: 250, maxFileBytes: 100 });
    await files.putBlob(grant, chunks('hi'));
    expect(readFileSync(join(dir, 'd1', 'logs', 'today.txt'), 'utf8')).toBe('hi');
    expect(files.usage().usedBytes).toBe(2);
  });

  it('refuses a file over maxFileBytes: a declared length before reading, a streamed one at the limit, leaving nothing', async () => {
    const files = await open();
    const { grant } = await grantFor(files, 'd1', 'big.bin');
    const body = untouched();
    expect(await codeOf(files.putBlob(grant, body, 101))).toBe('FH_FILE_TOO_LARGE');
    expect(body.pulled).toBe(false);
    expect(await codeOf(files.putBlob(grant, chunks('x'.repeat(60), 'y'.repeat(60))))).toBe('FH_FILE_TOO_LARGE');
    expect(existsSync(join(dir, 'd1', 'big.bin'))).toBe(false);
    expect(readdirSync(join(dir, '.staging'))).toEqual([]);
    expect(files.usage().usedBytes).toBe(0);
  });

  it('keeps the folder under quotaBytes, counting uploads in progress, and refuses new uploads when full', async () => {
    const files = await open();
    const a = await grantFor(files, 'd1', 'a');
    const b = await grantFor(files, 'd1', 'b');
    await files.putBlob(a.grant, chunks('x'.repeat(100)));
    await files.putBlob(b.grant, chunks('x'.repeat(100)));
    const c = await grantFor(files, 'd2', 'c');
    const body = untouched();
    expect(await codeOf(files.putBlob(c.grant, body, 60))).toBe('FH_FILE_QUOTA');
    expect(body.pulled).toBe(false);
    expect(await codeOf(files.putBlob(c.grant, chunks('x'.repeat(40), 'y'.repeat(40))))).toBe('FH_FILE_QUOTA');
    expect(existsSync(join(dir, 'd2', 'c'))).toBe(false);
    expect(files.usage().usedBytes).toBe(200);
    await files.putBlob(c.grant, chunks('x'.repeat(50)));
    expect(await codeOf(files.createUpload('d2', 'd', 'h'))).toBe('FH_FILE_QUOTA');
  });

  it('assembles staged blocks in list order (a block may repeat) and discards unlisted ones', async () => {
    const files = await open();
    const { grant } = await grantFor(files, 'd1', 'blocks.txt');
    await files.putBlock(grant, 'QUFB', chunks('aaa'));
    await files.putBlock(grant, 'QkJC', chunks('bb'));
    await files.putBlock(grant, 'Q0ND', chunks('unused'));
    await files.putBlock(grant, 'QkJC', chunks('BB'));
    expect(files.usage().usedBytes).toBe(11);
    const props = await files.putBlockList(grant, ['QkJC', 'QUFB', 'QkJC']);
    expect(readFileSync(join(dir, 'd1', 'blocks.txt'), 'utf8')).toBe('BBaaaBB');
    expect(props.sizeBytes).toBe(7);
    expect(files.usage().usedBytes).toBe(7);
    expect(readdirSync(join(dir, '.staging'))).toEqual([]);
    expect(await codeOf(files.putBlockList(grant, ['QUFB']))).toBe('FH_MSG_INVALID');
    expect(await codeOf(files.putBlock(grant, 'not base64!', chunks('x')))).toBe('FH_MSG_INVALID');
  });

  it('voids the whole upload when staged blocks pass maxFileBytes', async () => {
    const files = await open();
    const { grant } = await grantFor(files, 'd1', 'blocks.bin');
    await files.putBlock(grant, 'MDAx', chunks('x'.repeat(60)));
    expect(await codeOf(files.putBlock(grant, 'MDAy', chunks('y'.repeat(60))))).toBe('FH_FILE_TOO_LARGE');
    expect(files.usage().usedBytes).toBe(0);
    expect(readdirSync(join(dir, '.staging'))).toEqual([]);
    expect(await codeOf(files.putBlockList(grant, ['MDAx']))).toBe('FH_FILE_TOO_LARGE');
    expect(existsSync(join(dir, 'd1', 'blocks.bin'))).toBe(false);
  });

  it('drops staged blocks when their token expires', async () => {
    const files = await open();
    const { grant } = await grantFor(files, 'd1', 'late.bin');
    await files.putBlock(grant, 'MDAx', chunks('x'.repeat(30)));
    expect(files.usage().usedBytes).toBe(30);
    await clock.advance(60_000);
    await files.createUpload('d1', 'next', 'h');
    expect(files.usage().usedBytes).toBe(0);
    expect(readdirSync(join(dir, '.staging'))).toEqual([]);
  });

  it('keeps odd device ids inside the folder and apart from each other', async () => {
    const files = await Files.open(clock, { dir });
    for (const id of ['..', '.', '.staging', '%2Estaging']) {
      const { grant } = await grantFor(files, id, 'f.txt');
      await files.putBlob(grant, chunks(id));
    }
    expect(readdirSync(dir).sort()).toEqual(['%252Estaging', '%2E', '%2E.', '%2Estaging', '.staging']);
    expect(readFileSync(join(dir, '%2E.', 'f.txt'), 'utf8')).toBe('..');
  });

  it('counts what is stored at open and wipes uploads left in staging', async () => {
    mkdirSync(join(dir, 'd1', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'd1', 'sub', 'old.bin'), Buffer.alloc(40));
    mkdirSync(join(dir, '.staging'));
    writeFileSync(join(dir, '.staging', 'x.blk'), Buffer.alloc(30));
    const files = await open();
    expect(files.usage().usedBytes).toBe(40);
    expect(readdirSync(join(dir, '.staging'))).toEqual([]);
  });
});

describe('Files: notifications', () => {
  it('emits one notification per successful upload, with the blob size and times', async () => {
    const files = await open();
    const seen: FileNotification[] = [];
    const off = files.onFileNotification((n) => seen.push(n));
    files.onFileNotification(() => {
      throw new Error('a broken subscriber');
    });
    const { grant, correlationId } = await grantFor(files, 'd1', 'r/x y.txt');
    await clock.advance(1000);
    await files.putBlob(grant, chunks('12345'));
    await clock.advance(1000);
    const n = await files.completeUpload('d1', correlationId, { isSuccess: true, statusCode: 201, statusDescription: '' });
    const expected: FileNotification = {
      deviceId: 'd1', blobUri: 'https://hub.example:443/fieldhub-uploads/d1/r/x%20y.txt', blobName: 'd1/r/x y.txt',
      lastUpdatedTime: '2024-01-01T00:00:01.000Z', blobSizeInBytes: 5, enqueuedTimeUtc: '2024-01-01T00:00:02.000Z',
    };
    expect(n).toEqual(expected);
    expect(seen).toEqual([expected]);
    expect(await codeOf(files.completeUpload('d1', correlationId, { isSuccess: true, statusCode: 201, statusDescription: '' })))
      .toBe('FH_FILE_UPLOAD_UNKNOWN');
    off();
    const again = await grantFor(files, 'd1', 'r/x y.txt');
    await files.completeUpload('d1', again.correlationId, { isSuccess: true, statusCode: 201, statusDescription: '' });
    expect(seen).toHaveLength(1);
  });

  it('ends a failed upload without a notification, and keeps a success for an unwritten blob open', async () => {
    const files = await open();
    const seen: FileNotification[] = [];
    files.onFileNotification((n) => seen.push(n));
    const failed = await files.createUpload('d1', 'f', 'h');
    expect(await files.completeUpload('d1', failed.correlationId, { isSuccess: false, statusCode: 413, statusDescription: 'too big' })).toBeUndefined();
    expect(await codeOf(files.completeUpload('d1', failed.correlationId, { isSuccess: false, statusCode: 413, statusDescription: '' })))
      .toBe('FH_FILE_UPLOAD_UNKNOWN');
    const { grant, correlationId } = await grantFor(files, 'd1', 'g');
    expect(await codeOf(files.completeUpload('d1', correlationId, { isSuccess: true, statusCode: 201, statusDescription: '' }))).toBe('FH_MSG_INVALID');
    await files.putBlob(grant, chunks('x'));
    await files.completeUpload('d1', correlationId, { isSuccess: true, statusCode: 201, statusDescription: '' });
    expect(seen.map((n) => n.blobName)).toEqual(['d1/g']);
  });

  it('notifies once when the same report arrives twice at the same time', async () => {
    const files = await open();
    const { grant, correlationId } = await grantFor(files, 'd1', 'f');
    await files.putBlob(grant, chunks('x'));
    const ok = { isSuccess: true, statusCode: 201, statusDescription: '' };
    const both = await Promise.allSettled([files.completeUpload('d1', correlationId, ok), files.completeUpload('d1', correlationId, ok)]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('knows a correlation id only for its device and until the token expires', async () => {
    const files = await open();
    const t = await files.createUpload('d1', 'f', 'h');
    expect(await codeOf(files.completeUpload('d2', t.correlationId, { isSuccess: false, statusCode: 0, statusDescription: '' })))
      .toBe('FH_FILE_UPLOAD_UNKNOWN');
    await clock.advance(60_000);
    expect(await codeOf(files.completeUpload('d1', t.correlationId, { isSuccess: false, statusCode: 0, statusDescription: '' })))
      .toBe('FH_FILE_UPLOAD_UNKNOWN');
  });

  it('emits nothing when notifications are off', async () => {
    const files = await open({ notifications: false });
    const seen: FileNotification[] = [];
    files.onFileNotification((n) => seen.push(n));
    const { grant, correlationId } = await grantFor(files, 'd1', 'f');
    await files.putBlob(grant, chunks('x'));
    expect(await files.completeUpload('d1', correlationId, { isSuccess: true, statusCode: 201, statusDescription: '' })).toBeUndefined();
    expect(seen).toEqual([]);
  });
});
