/**
 * Blob names and blob SAS tokens for file upload. A device never gets a storage key: it gets a
 * token the hub signs with a key of its own (random per process, so tokens die with a restart,
 * as the correlation ids they belong to do), binding container, device, blob name, correlation
 * id, expiry and size limit. The token looks like an Azure Storage SAS (`?sv=…&se=…&sig=…`) so
 * every storage client passes it through untouched; only this hub reads it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HubError } from '../errors.js';

/** The `sv` parameter: a storage service version, as Azure writes one. Clients never parse it. */
const SAS_VERSION = '2021-04-10';
/** Azure's blob name limit, characters. */
const MAX_BLOB_NAME = 1024;
/** A file name on common file systems, bytes. */
const MAX_SEGMENT_BYTES = 255;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** What a blob SAS token binds. */
export interface SignedBlob {
  container: string;
  deviceId: string;
  /** Device-relative blob name (decoded). */
  blobName: string;
  correlationId: string;
  expiresAtMs: number;
  maxBytes: number;
}

/**
 * The segments of a device-supplied blob name. Blob names are paths below the device's folder:
 * `/`-separated, no empty, `.` or `..` segment (so no absolute path and no way out of the
 * folder), no backslash or control character. FH_MSG_INVALID otherwise.
 */
export function blobNameSegments(name: unknown): string[] {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_BLOB_NAME) {
    throw new HubError('FH_MSG_INVALID', `blobName must be a string of 1-${MAX_BLOB_NAME} characters`);
  }
  if (CONTROL.test(name) || name.includes('\\')) {
    throw new HubError('FH_MSG_INVALID', 'blobName must not contain control characters or backslashes');
  }
  const segments = name.split('/');
  for (const seg of segments) {
    if (seg === '' || seg === '.' || seg === '..') {
      throw new HubError('FH_MSG_INVALID', 'blobName must be a relative path without empty, "." or ".." segments');
    }
    if (Buffer.byteLength(seg, 'utf8') > MAX_SEGMENT_BYTES) {
      throw new HubError('FH_MSG_INVALID', `each blobName segment is at most ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
  return segments;
}

/** `{deviceId}/{blobName}` with each segment percent-encoded, as it appears in the blob URL. */
export function encodedBlobPath(deviceId: string, segments: readonly string[]): string {
  return [deviceId, ...segments].map((s) => encodeURIComponent(s)).join('/');
}

/**
 * The folder name of a device. Ids may be `.`, `..` or start with a dot (the id alphabet allows
 * it), which must not name the parent or the hub's hidden staging folder: `%` becomes `%25` and
 * a leading `.` becomes `%2E`, which keeps the mapping one-to-one and leaves ordinary ids as
 * they are.
 */
export function deviceFolderName(deviceId: string): string {
  const escaped = deviceId.replace(/%/g, '%25');
  return escaped.startsWith('.') ? `%2E${escaped.slice(1)}` : escaped;
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function signature(key: Buffer, b: SignedBlob, se: string): Buffer {
  const text = ['fieldhub-blob', SAS_VERSION, b.container, b.deviceId, b.blobName, b.correlationId, se, String(b.maxBytes)].join('\n');
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

/** The SAS token (with its leading `?`) for `blob`; the expiry is rounded down to the second. */
export function signBlobSas(key: Buffer, blob: SignedBlob): string {
  const se = isoSeconds(blob.expiresAtMs);
  const params = new URLSearchParams({
    sv: SAS_VERSION, sr: 'b', sp: 'cw', se,
    fhcid: blob.correlationId, fhmax: String(blob.maxBytes),
    sig: signature(key, blob, se).toString('base64'),
  });
  return `?${params.toString()}`;
}

/**
 * Checks a token from a request's query against the blob it is used on. The signature is
 * compared in constant time before anything it covers is trusted. FH_FILE_SAS_INVALID for a
 * missing, altered, foreign or expired token.
 */
export function verifyBlobSas(
  key: Buffer, query: URLSearchParams, blob: Omit<SignedBlob, 'correlationId' | 'expiresAtMs' | 'maxBytes'>, nowMs: number,
): { correlationId: string; expiresAtMs: number; maxBytes: number } {
  const invalid = (why: string): HubError => new HubError('FH_FILE_SAS_INVALID', `blob SAS token ${why}`);
  const se = query.get('se');
  const correlationId = query.get('fhcid');
  const max = query.get('fhmax');
  const sig = query.get('sig');
  if (se === null || correlationId === null || max === null || sig === null) throw invalid('is missing or incomplete');
  const maxBytes = Number(max);
  const expiresAtMs = Date.parse(se);
  if (!/^\d{1,16}$/.test(max) || Number.isNaN(expiresAtMs)) throw invalid('is malformed');
  const expected = signature(key, { ...blob, correlationId, expiresAtMs, maxBytes }, se);
  const given = Buffer.from(sig, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw invalid('does not match this blob (altered, or issued for another blob)');
  }
  if (nowMs >= expiresAtMs) throw invalid('has expired');
  return { correlationId, expiresAtMs, maxBytes };
}
