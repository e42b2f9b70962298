/**
 * File upload (wire contract D, "File upload", and E, "File notifications"): the correlation ids
 * handed to devices, the blob SAS tokens that authorise exactly one blob, the blob folder with
 * its quota (files-folder.ts) and the notifications the service receives.
 *
 * Correlation ids live in memory with the SAS token they came with: a restart ends every upload
 * in progress (the device's notification gets FH_FILE_UPLOAD_UNKNOWN, its blob writes
 * FH_FILE_SAS_INVALID, and it simply asks again). Each device has at most
 * {@link MAX_ACTIVE_UPLOADS} at a time, as in IoT Hub, which also bounds the table.
 *
 * A notification is appended to the durable service-bound queue before the device's report is
 * answered, so a service receiver attached later (or after a restart) still gets it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { HubError } from '../errors.js';
import type {
  BlobGrant, BlobProperties, Clock, FileNotification, FileService, FileUploadOptions, FileUploadResult, FileUploadTarget,
} from './api.js';
import { BlobFolder } from './files-folder.js';
import { blobNameSegments, encodedBlobPath, signBlobSas, verifyBlobSas } from './files-sas.js';
import type { ServiceQueueApi } from './service-queue-api.js';

/** Where file notifications are kept for service receivers (the hub's `serviceQueues.fileNotifications`). */
export type FileNotificationQueue = Pick<ServiceQueueApi<FileNotification>, 'append'>;

/** The container every blob goes to: the first segment of a blob URL path. */
export const UPLOAD_CONTAINER = 'fieldhub-uploads';
/** Uploads a device may have in progress (IoT Hub: 10, error 403006). */
export const MAX_ACTIVE_UPLOADS = 10;
/** Defaults of {@link FileUploadOptions}. */
export const DEFAULT_FILE_UPLOAD = Object.freeze({
  maxFileBytes: 268_435_456,
  quotaBytes: 1_073_741_824,
  sasTtlS: 3600,
  notifications: true,
});

interface Upload {
  deviceId: string;
  segments: string[];
  endpoint: string;
  expiresAtMs: number;
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`HubCore: files.${name} must be a positive integer`);
  return v;
}

/** Implements {@link FileService}. Create with {@link Files.open}. */
export class Files implements FileService {
  readonly containerName = UPLOAD_CONTAINER;
  /** Signs blob SAS tokens; never leaves the process. */
  private readonly key = randomBytes(32);
  private readonly uploads = new Map<string, Upload>();
  private readonly listeners = new Set<(n: FileNotification) => void>();

  private constructor(
    private readonly clock: Clock,
    private readonly folder: BlobFolder | undefined,
    private readonly settings: { maxFileBytes: number; quotaBytes: number; sasTtlS: number; notifications: boolean },
    private readonly queue: FileNotificationQueue | undefined,
  ) {}

  /**
   * Opens the upload folder (created if missing; staging wiped; stored bytes summed). Without
   * options file upload is disabled. Notifications go to `queue` (durably) and to the
   * {@link onFileNotification} listeners. TypeError/RangeError on bad options.
   */
  static async open(clock: Clock, options?: FileUploadOptions, queue?: FileNotificationQueue): Promise<Files> {
    if (options === undefined) return new Files(clock, undefined, { ...DEFAULT_FILE_UPLOAD }, queue);
    if (typeof options.dir !== 'string' || !isAbsolute(options.dir)) throw new TypeError('HubCore: files.dir must be an absolute path');
    const settings = {
      maxFileBytes: positiveInt(options.maxFileBytes, DEFAULT_FILE_UPLOAD.maxFileBytes, 'maxFileBytes'),
      quotaBytes: positiveInt(options.quotaBytes, DEFAULT_FILE_UPLOAD.quotaBytes, 'quotaBytes'),
      sasTtlS: positiveInt(options.sasTtlS, DEFAULT_FILE_UPLOAD.sasTtlS, 'sasTtlS'),
      notifications: options.notifications ?? DEFAULT_FILE_UPLOAD.notifications,
    };
    return new Files(clock, await BlobFolder.open(options.dir, settings.quotaBytes, clock), settings, queue);
  }

  get enabled(): boolean {
    return this.folder !== undefined;
  }

  async createUpload(deviceId: string, blobName: string, endpoint: string): Promise<FileUploadTarget> {
    const folder = this.requireFolder();
    const segments = blobNameSegments(blobName);
    const now = this.clock.now();
    await this.forgetExpired(now);
    let active = 0;
    for (const u of this.uploads.values()) if (u.deviceId === deviceId) active++;
    if (active >= MAX_ACTIVE_UPLOADS) {
      throw new HubError('FH_FILE_TOO_MANY_UPLOADS', `device ${deviceId} has ${active} file uploads in progress`);
    }
    if (folder.usedBytes() >= this.settings.quotaBytes) {
      throw new HubError('FH_FILE_QUOTA', `the upload folder is full (quota ${this.settings.quotaBytes} bytes)`);
    }
    // Whole seconds, as the token's `se` carries them: the id and the token expire together.
    const expiresAtMs = Math.floor((now + this.settings.sasTtlS * 1000) / 1000) * 1000;
    const correlationId = randomUUID();
    this.uploads.set(correlationId, { deviceId, segments, endpoint, expiresAtMs });
    const sasToken = signBlobSas(this.key, {
      container: this.containerName, deviceId, blobName: segments.join('/'), correlationId, expiresAtMs,
      maxBytes: this.settings.maxFileBytes,
    });
    return {
      correlationId, containerName: this.containerName, blobName: encodedBlobPath(deviceId, segments), sasToken,
      expiresAt: new Date(expiresAtMs).toISOString(),
    };
  }

  async completeUpload(deviceId: string, correlationId: string, result: FileUploadResult): Promise<FileNotification | undefined> {
    const folder = this.requireFolder();
    const now = this.clock.now();
    await this.forgetExpired(now);
    const upload = this.uploads.get(correlationId);
    if (upload === undefined || upload.deviceId !== deviceId) {
      throw new HubError('FH_FILE_UPLOAD_UNKNOWN', 'no file upload with this correlation id is in progress for the device');
    }
    // Claimed before any await: a second report of the same id (a retry racing the first) finds
    // nothing, so one upload yields at most one notification.
    this.uploads.delete(correlationId);
    const stored = result.isSuccess ? await folder.stat(folder.blobPath(deviceId, upload.segments)) : undefined;
    if (result.isSuccess && stored === undefined) {
      // Kept open: the device may still write the blob and report again.
      if (upload.expiresAtMs > this.clock.now()) this.uploads.set(correlationId, upload);
      throw new HubError('FH_MSG_INVALID', 'the upload is reported successful, but the blob was never written');
    }
    if (stored === undefined || !this.settings.notifications) {
      await this.end(correlationId);
      return undefined;
    }
    const path = encodedBlobPath(deviceId, upload.segments);
    const notification: FileNotification = {
      deviceId,
      blobUri: `https://${upload.endpoint}/${this.containerName}/${path}`,
      blobName: [deviceId, ...upload.segments].join('/'),
      lastUpdatedTime: new Date(stored.mtimeMs).toISOString(),
      blobSizeInBytes: stored.size,
      enqueuedTimeUtc: new Date(now).toISOString(),
    };
    try {
      await this.queue?.append(notification);
    } catch (err) {
      // Not kept: the device's retry of the same report may still produce the notification.
      if (upload.expiresAtMs > this.clock.now()) this.uploads.set(correlationId, upload);
      throw err;
    }
    await this.end(correlationId);
    for (const listener of this.listeners) {
      try {
        listener(notification);
      } catch {
        // One failing subscriber must not fail the device's notification or starve the others.
      }
    }
    return notification;
  }

  authorizeBlob(containerName: string, path: readonly string[], sas: URLSearchParams): BlobGrant {
    this.requireFolder();
    const [deviceId, ...segments] = path;
    if (containerName !== this.containerName || deviceId === undefined || segments.length === 0) {
      throw new HubError('FH_FILE_SAS_INVALID', 'blob SAS token does not match this blob');
    }
    let blobName: string;
    try {
      blobName = blobNameSegments(segments.join('/')).join('/');
      if (blobName.split('/').length !== segments.length) throw new Error('a segment holds a slash');
    } catch {
      // No token is ever issued for such a name, so it cannot match one.
      throw new HubError('FH_FILE_SAS_INVALID', 'blob SAS token does not match this blob');
    }
    const signed = verifyBlobSas(this.key, sas, { container: containerName, deviceId, blobName }, this.clock.now());
    return { deviceId, blobName, ...signed };
  }

  async putBlob(grant: BlobGrant, body: AsyncIterable<Uint8Array>, declaredBytes?: number): Promise<BlobProperties> {
    const folder = this.requireFolder();
    return folder.writeBlob(this.pathOf(folder, grant), body, grant.maxBytes, declaredBytes);
  }

  async putBlock(grant: BlobGrant, blockId: string, body: AsyncIterable<Uint8Array>, declaredBytes?: number): Promise<void> {
    const folder = this.requireFolder();
    // Azure: a base64 string of at most 64 bytes; every storage SDK sends that.
    if (!/^[A-Za-z0-9+/]{1,88}={0,2}$/.test(blockId)) throw new HubError('FH_MSG_INVALID', 'blockid must be a base64 string of at most 64 bytes');
    await folder.stageBlock(grant.correlationId, blockId, body, { maxBytes: grant.maxBytes, expiresAtMs: grant.expiresAtMs }, declaredBytes);
  }

  async putBlockList(grant: BlobGrant, blockIds: readonly string[]): Promise<BlobProperties> {
    const folder = this.requireFolder();
    return folder.commitBlocks(grant.correlationId, this.pathOf(folder, grant), blockIds, grant.maxBytes);
  }

  usage(): { usedBytes: number; quotaBytes: number; maxFileBytes: number } {
    return { usedBytes: this.folder?.usedBytes() ?? 0, quotaBytes: this.settings.quotaBytes, maxFileBytes: this.settings.maxFileBytes };
  }

  onFileNotification(listener: (notification: FileNotification) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private pathOf(folder: BlobFolder, grant: BlobGrant): string {
    return folder.blobPath(grant.deviceId, grant.blobName.split('/'));
  }

  /** Ends an upload; settles once its leftover staged blocks are removed. */
  private async end(correlationId: string): Promise<void> {
    this.uploads.delete(correlationId);
    await this.folder?.drop(correlationId);
  }

  /** Correlation ids end with their SAS token; their staged blocks go too. */
  private async forgetExpired(now: number): Promise<void> {
    const ended: Promise<void>[] = [];
    for (const [id, upload] of this.uploads) if (upload.expiresAtMs <= now) ended.push(this.end(id));
    await Promise.all([...ended, this.folder?.sweep()]);
  }

  private requireFolder(): BlobFolder {
    if (this.folder === undefined) throw new HubError('FH_FILE_DISABLED', 'file upload is not configured on this hub');
    return this.folder;
  }
}
