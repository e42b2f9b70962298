/**
 * The upload folder: blobs as plain files under `{root}/{device folder}/{blob name}`, with a quota
 * over everything it holds. Uploads stream into `{root}/.staging` (a temporary file per Put Blob,
 * one file per staged block) with a byte counter, so neither a size limit nor the quota is ever
 * overrun on disk, and only a complete blob is renamed into place: a reader never sees a partial
 * file, and a failed upload leaves nothing behind.
 *
 * Accounting: `committed` = bytes of the files in place (scanned at open), `staging` = bytes in
 * the staging folder, counted per chunk as they arrive. `committed + staging <= quotaBytes`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { HubError } from '../errors.js';
import type { BlobProperties, Clock } from './api.js';
import { deviceFolderName } from './files-sas.js';
import { KeyedLock } from './keyed-lock.js';

const STAGING = '.staging';

/** Blocks staged for one upload (one SAS token), until Put Block List, expiry or a failure. */
interface BlockSet {
  blocks: Map<string, { file: string; size: number }>;
  /** Staged plus in-flight bytes. */
  bytes: number;
  expiresAtMs: number;
  /** Dropped (limit exceeded, expired, committed): blocks still arriving are refused. */
  closed: boolean;
  /** Settles once the dropped blocks' files are gone. */
  removal?: Promise<void>;
}

const tooLarge = (max: number): HubError => new HubError('FH_FILE_TOO_LARGE', `the file exceeds the ${max}-byte limit`);

/** Total size of the files below `dir`, skipping the staging folder at the top. */
async function sizeOf(dir: string, top: boolean): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (top && entry.name === STAGING) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await sizeOf(path, false);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}

/** Never rejects: a staging file that will not go away is wiped at the next start anyway. */
function unlinkQuietly(file: string): Promise<void> {
  return unlink(file).catch(() => undefined);
}

/** The blob folder with its quota. Create with {@link BlobFolder.open}. */
export class BlobFolder {
  private committed = 0;
  private staging = 0;
  private readonly sets = new Map<string, BlockSet>();
  private readonly lock = new KeyedLock();

  private constructor(readonly root: string, readonly quotaBytes: number, private readonly clock: Clock) {}

  /** Creates the folder if needed, wipes the staging folder (uploads do not survive a restart), sums what is stored. */
  static async open(root: string, quotaBytes: number, clock: Clock): Promise<BlobFolder> {
    const folder = new BlobFolder(root, quotaBytes, clock);
    await mkdir(root, { recursive: true, mode: 0o700 });
    await rm(join(root, STAGING), { recursive: true, force: true });
    await mkdir(join(root, STAGING), { mode: 0o700 });
    folder.committed = await sizeOf(root, true);
    return folder;
  }

  usedBytes(): number {
    return this.committed + this.staging;
  }

  /** The file of a blob. The names are validated already; the check here is defence in depth. */
  blobPath(deviceId: string, segments: readonly string[]): string {
    const path = join(this.root, deviceFolderName(deviceId), ...segments);
    const rel = relative(this.root, path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new HubError('FH_MSG_INVALID', 'the blob name leaves the upload folder');
    return path;
  }

  async stat(path: string): Promise<{ size: number; mtimeMs: number } | undefined> {
    try {
      const s = await stat(path);
      return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Put Blob: streams `body` to a staging file, then renames it into place. */
  async writeBlob(path: string, body: AsyncIterable<Uint8Array>, maxBytes: number, declared?: number): Promise<BlobProperties> {
    await this.sweep();
    if (declared !== undefined && declared > maxBytes) throw tooLarge(maxBytes);
    this.checkQuota(declared ?? 0);
    const temp = join(this.root, STAGING, `${randomUUID()}.tmp`);
    let size = 0;
    await this.spool(temp, body, (len) => {
      if (size + len > maxBytes) throw tooLarge(maxBytes);
      size += len;
    });
    return this.commit(path, temp, size, size);
  }

  /** Put Block: stages one block of upload `uploadKey`; a block id given again replaces the block. */
  async stageBlock(
    uploadKey: string, blockId: string, body: AsyncIterable<Uint8Array>,
    limits: { maxBytes: number; expiresAtMs: number }, declared?: number,
  ): Promise<void> {
    await this.sweep();
    let set = this.sets.get(uploadKey);
    if (set === undefined) {
      set = { blocks: new Map(), bytes: 0, expiresAtMs: limits.expiresAtMs, closed: false };
      this.sets.set(uploadKey, set);
    }
    const s = set;
    if (s.closed) throw tooLarge(limits.maxBytes);
    if (declared !== undefined && s.bytes + declared > limits.maxBytes) {
      await this.release(s);
      throw tooLarge(limits.maxBytes);
    }
    this.checkQuota(declared ?? 0);
    const file = join(this.root, STAGING, `${randomUUID()}.blk`);
    let counted = 0;
    try {
      await this.spool(file, body, (len) => {
        if (s.closed) throw tooLarge(limits.maxBytes);
        if (s.bytes + len > limits.maxBytes) {
          // Over the limit: the whole upload is void, including blocks already staged (the
          // removal is awaited in the catch below, before the answer).
          void this.release(s);
          throw tooLarge(limits.maxBytes);
        }
        s.bytes += len;
        counted += len;
      });
    } catch (err) {
      if (!s.closed) s.bytes -= counted;
      // Answer only once nothing of the voided upload is left on disk.
      await s.removal;
      throw err;
    }
    if (s.closed) {
      // Dropped while the last chunks were written (expired, or a sibling block overran).
      this.staging -= counted;
      await Promise.all([unlinkQuietly(file), s.removal]);
      throw tooLarge(limits.maxBytes);
    }
    const previous = s.blocks.get(blockId);
    s.blocks.set(blockId, { file, size: counted });
    if (previous !== undefined) {
      s.bytes -= previous.size;
      this.staging -= previous.size;
      await unlinkQuietly(previous.file);
    }
  }

  /**
   * Put Block List: writes the blob from the listed blocks in order (a block may be listed more
   * than once); unlisted blocks are discarded, as Azure does. FH_MSG_INVALID for an unknown block.
   */
  async commitBlocks(uploadKey: string, path: string, blockIds: readonly string[], maxBytes: number): Promise<BlobProperties> {
    await this.sweep();
    const set = this.sets.get(uploadKey);
    if (set?.closed) throw tooLarge(maxBytes);
    const blocks = blockIds.map((id) => {
      const block = set?.blocks.get(id);
      if (block === undefined) throw new HubError('FH_MSG_INVALID', `block ${id} was not staged for this upload`);
      return block;
    });
    const total = blocks.reduce((n, b) => n + b.size, 0);
    if (total > maxBytes) {
      if (set !== undefined) await this.release(set);
      throw tooLarge(maxBytes);
    }
    // The staged blocks become the blob; only blocks listed twice add bytes.
    this.checkQuota(Math.max(0, total - (set?.bytes ?? 0)));
    const temp = join(this.root, STAGING, `${randomUUID()}.tmp`);
    const out = await open(temp, 'wx');
    try {
      for (const block of blocks) {
        for await (const chunk of createReadStream(block.file)) await out.write(chunk as Buffer);
      }
    } catch (err) {
      await out.close().catch(() => undefined);
      await unlinkQuietly(temp);
      throw err;
    }
    await out.close();
    const props = await this.commit(path, temp, total, 0);
    await this.drop(uploadKey);
    return props;
  }

  /** Forgets an upload's staged blocks (committed, notified, or its token expired); settles once their files are gone. */
  drop(uploadKey: string): Promise<void> {
    const set = this.sets.get(uploadKey);
    if (set === undefined) return Promise.resolve();
    this.sets.delete(uploadKey);
    return this.release(set);
  }

  /**
   * Deletes a set's blocks and closes it. A set voided by the size limit stays in the table
   * closed until its token expires, so the upload's remaining blocks (the SDK sends several at
   * once) and its block list get the same 413 instead of starting over.
   */
  private release(set: BlockSet): Promise<void> {
    set.closed = true;
    const removals: Promise<void>[] = set.removal === undefined ? [] : [set.removal];
    for (const block of set.blocks.values()) {
      this.staging -= block.size;
      removals.push(unlinkQuietly(block.file));
    }
    set.blocks.clear();
    set.bytes = 0;
    set.removal = Promise.all(removals).then(() => undefined);
    return set.removal;
  }

  /** Drops the staged blocks of uploads whose SAS token expired; settles once their files are gone. */
  async sweep(): Promise<void> {
    const now = this.clock.now();
    const drops: Promise<void>[] = [];
    for (const [key, set] of this.sets) if (set.expiresAtMs <= now) drops.push(this.drop(key));
    await Promise.all(drops);
  }

  private checkQuota(extra: number): void {
    if (this.committed + this.staging + extra > this.quotaBytes) {
      throw new HubError('FH_FILE_QUOTA', `the upload folder is full (quota ${this.quotaBytes} bytes)`);
    }
  }

  /**
   * Writes `body` to a new staging file chunk by chunk (the async iteration waits for each write,
   * so a fast sender is held back rather than buffered). `accept` sees each chunk's length first
   * and throws to refuse it; the quota is checked per chunk. On any failure the file is removed
   * and its bytes released.
   */
  private async spool(file: string, body: AsyncIterable<Uint8Array>, accept: (len: number) => void): Promise<void> {
    const out = await open(file, 'wx');
    let counted = 0;
    try {
      for await (const chunk of body) {
        accept(chunk.length);
        this.checkQuota(chunk.length);
        this.staging += chunk.length;
        counted += chunk.length;
        await out.write(chunk);
      }
      await out.close();
    } catch (err) {
      this.staging -= counted;
      await out.close().catch(() => undefined);
      await unlinkQuietly(file);
      throw err;
    }
  }

  /** Renames a finished staging file into place (replacing the blob), stamped with the hub clock. */
  private async commit(path: string, temp: string, size: number, releasedStaging: number): Promise<BlobProperties> {
    try {
      return await this.lock.run(path, async () => {
        const old = await this.stat(path);
        await mkdir(dirname(path), { recursive: true });
        await rename(temp, path);
        const now = this.clock.now();
        await utimes(path, now / 1000, now / 1000);
        this.staging -= releasedStaging;
        this.committed += size - (old?.size ?? 0);
        return { etag: `"0x${randomBytes(8).toString('hex').toUpperCase()}"`, lastModifiedMs: now, sizeBytes: size };
      });
    } catch (err) {
      this.staging -= releasedStaging;
      await unlinkQuietly(temp);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST') {
        throw new HubError('FH_MSG_INVALID', 'the blob name clashes with another blob (a file where a folder is needed, or the reverse)', { cause: err });
      }
      throw new HubError('FH_STORE_IO', `cannot store the blob: ${(err as Error).message}`, { cause: err });
    }
  }
}
