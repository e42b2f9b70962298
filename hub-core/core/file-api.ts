/**
 * The hub core's file-upload API (part of api.ts's public API, re-exported there): the blob
 * folder settings, the device's upload flow (SAS target, block uploads, completion) and the file
 * notifications the service side receives.
 */
/** File upload settings: where blobs are stored and how much. */
export interface FileUploadOptions {
  /** Absolute folder; a blob lands in `{dir}/{deviceId}/{blobName}`. */
  dir: string;
  /** Largest file, bytes. Default 268435456 (256 MiB). */
  maxFileBytes?: number;
  /** Bytes the folder may hold: stored files plus uploads in progress. Default 1073741824 (1 GiB). */
  quotaBytes?: number;
  /** Lifetime of a blob SAS token and of its correlation id, seconds. Default 3600. */
  sasTtlS?: number;
  /** Emit a file notification for each successful upload. Default true. */
  notifications?: boolean;
}

/** Where a device uploads one file (the answer to `POST /devices/{d}/files`, minus hostName). */
export interface FileUploadTarget {
  correlationId: string;
  containerName: string;
  /** `{deviceId}/{blobName}`, each path segment percent-encoded: ready to go into the blob URL. */
  blobName: string;
  /** Starts with `?`; authorises writing exactly this blob until `expiresAt`. */
  sasToken: string;
  /** ISO time the SAS token and the correlation id expire. */
  expiresAt: string;
}

/** What the device reports after uploading (`POST /devices/{d}/files/notifications`). */
export interface FileUploadResult {
  isSuccess: boolean;
  statusCode: number;
  statusDescription: string;
}

/** A file notification, as the service receives it (wire contract E). */
export interface FileNotification {
  deviceId: string;
  /** `https://{host}/{container}/{encoded blobName}`. */
  blobUri: string;
  /** `{deviceId}/{blobName}`, decoded. */
  blobName: string;
  /** ISO time the blob was last written. */
  lastUpdatedTime: string;
  blobSizeInBytes: number;
  /** ISO time the hub took the device's notification. */
  enqueuedTimeUtc: string;
}

/** Write access to one blob, as a verified blob SAS token grants it. */
export interface BlobGrant {
  readonly deviceId: string;
  /** The device-relative blob name (decoded, `/`-separated). */
  readonly blobName: string;
  readonly correlationId: string;
  readonly maxBytes: number;
  readonly expiresAtMs: number;
}

/** What a completed blob write reports (the storage API's ETag and Last-Modified). */
export interface BlobProperties {
  etag: string;
  lastModifiedMs: number;
  sizeBytes: number;
}

/**
 * File upload: the correlation ids handed to devices, the blob folder with its quota, and file
 * notifications. Protocol-free: a head parses the storage API and passes bodies as byte streams.
 */
export interface FileService {
  /** False when the hub has no upload folder; then every operation throws FH_FILE_DISABLED. */
  readonly enabled: boolean;
  /** The one container blobs are uploaded to (the first path segment of a blob URL). */
  readonly containerName: string;
  /**
   * Starts an upload of `blobName` (validated: no `..`, no absolute or empty segments) by
   * `deviceId`. `endpoint` is the blob endpoint's `host[:port]` as given to the device; it goes
   * into the notification's blobUri. FH_MSG_INVALID, FH_FILE_TOO_MANY_UPLOADS, FH_FILE_QUOTA.
   */
  createUpload(deviceId: string, blobName: string, endpoint: string): Promise<FileUploadTarget>;
  /**
   * The device's completion report. Ends the correlation id; on success (and with notifications
   * on) emits and returns the file notification. FH_FILE_UPLOAD_UNKNOWN; FH_MSG_INVALID when it
   * reports success for a blob that was never written.
   */
  completeUpload(deviceId: string, correlationId: string, result: FileUploadResult): Promise<FileNotification | undefined>;
  /**
   * Verifies a blob SAS token (the request's query) for the blob at `path` (decoded segments
   * after the container: device id, then the blob name's segments). FH_FILE_SAS_INVALID.
   */
  authorizeBlob(containerName: string, path: readonly string[], sas: URLSearchParams): BlobGrant;
  /** Put Blob: streams `body` to the folder (replacing the blob). FH_FILE_TOO_LARGE, FH_FILE_QUOTA. */
  putBlob(grant: BlobGrant, body: AsyncIterable<Uint8Array>, declaredBytes?: number): Promise<BlobProperties>;
  /** Put Block: stages one block of the upload (base64 id). FH_MSG_INVALID, FH_FILE_TOO_LARGE, FH_FILE_QUOTA. */
  putBlock(grant: BlobGrant, blockId: string, body: AsyncIterable<Uint8Array>, declaredBytes?: number): Promise<void>;
  /** Put Block List: writes the blob from staged blocks, in list order. FH_MSG_INVALID, FH_FILE_TOO_LARGE, FH_FILE_QUOTA. */
  putBlockList(grant: BlobGrant, blockIds: readonly string[]): Promise<BlobProperties>;
  /** Bytes held (files plus uploads in progress) and the limits. */
  usage(): { usedBytes: number; quotaBytes: number; maxFileBytes: number };
  /** Called for each file notification; returns an unsubscribe function. */
  onFileNotification(listener: (notification: FileNotification) => void): () => void;
}
