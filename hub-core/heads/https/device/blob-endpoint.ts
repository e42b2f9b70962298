/**
 * The blob endpoint: the part of the Azure Blob Storage API that device SDKs use to upload a file
 * (@azure/storage-blob's BlockBlobClient, which azure-iot-device drives), served on the HTTPS
 * port under `/{container}/`. Authorisation is the blob SAS token in the query (files-sas.ts),
 * checked before a byte of the body is read; there is no Authorization header.
 *
 * PUT /{container}/{deviceId}/{blobName…}?{sas}                          Put Blob (x-ms-blob-type: BlockBlob)
 * PUT /{container}/{deviceId}/{blobName…}?{sas}&comp=block&blockid={id}  Put Block
 * PUT /{container}/{deviceId}/{blobName…}?{sas}&comp=blocklist           Put Block List (XML body)
 *   201 + ETag, Last-Modified, x-ms-request-server-encrypted · 403 AuthenticationFailed (token) or
 *   QuotaExceeded (folder full) · 413 RequestBodyTooLarge (fileUpload.maxFileBytes) · 400 bad request
 *
 * @azure/storage-blob 12.8 (azure-iot-device's) always stages 4 MiB blocks then commits the list,
 * even for a 1-byte file; other storage clients send small files as one Put Blob.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { FileService, HubCoreApi } from '../../../core/api.js';
import type { Logger } from '../../../log.js';
import { readBody } from '../request-body.js';
import { StorageRequestError, storageErrorOf, writeCreated, writeStorageError } from './blob-reply.js';

/** Largest Put Block List body read, bytes (about 45,000 block ids; Azure allows 50,000). */
const MAX_BLOCK_LIST_BYTES = 4 * 1024 * 1024;

function splitUrl(url: string): { rawPath: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  return q < 0 ? { rawPath: url, query: new URLSearchParams() } : { rawPath: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) };
}

function decodeSegments(rawPath: string): string[] {
  try {
    return rawPath.split('/').slice(1).map((s) => decodeURIComponent(s));
  } catch {
    throw new StorageRequestError(400, 'InvalidUri', 'the blob path is not valid percent-encoding');
  }
}

function declaredLength(req: IncomingMessage): number | undefined {
  const n = Number(req.headers['content-length'] ?? NaN);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * The block ids of a Put Block List body, in order. Latest, Uncommitted and Committed entries
 * all name staged blocks here: the hub keeps no committed blocks to reuse.
 */
export function parseBlockList(xml: string): string[] {
  if (!/<BlockList\b[^>]*>/.test(xml)) throw new StorageRequestError(400, 'InvalidXmlDocument', 'the body is not a <BlockList> document');
  return [...xml.matchAll(/<(Latest|Uncommitted|Committed)>\s*([^<]*?)\s*<\/\1>/g)].map((m) => m[2] ?? '');
}

function blobHeaders(props: { etag: string; lastModifiedMs: number }): Record<string, string> {
  return { ETag: props.etag, 'Last-Modified': new Date(props.lastModifiedMs).toUTCString() };
}

async function serve(files: FileService, req: IncomingMessage, res: ServerResponse, rawPath: string, query: URLSearchParams): Promise<void> {
  if (req.method !== 'PUT') throw new StorageRequestError(405, 'UnsupportedHttpVerb', `${req.method ?? ''} is not supported on blobs here`);
  const [container = '', ...path] = decodeSegments(rawPath);
  const grant = files.authorizeBlob(container, path, query);
  // Keep the request alive when the core stops reading early (limit, quota): the answer and a
  // bounded drain follow, instead of a reset the client would retry.
  const body = req.iterator({ destroyOnReturn: false });
  const comp = query.get('comp');
  if (comp === 'block') {
    await files.putBlock(grant, query.get('blockid') ?? '', body, declaredLength(req));
    writeCreated(req, res, {});
  } else if (comp === 'blocklist') {
    const xml = await readBody(req, res, MAX_BLOCK_LIST_BYTES);
    writeCreated(req, res, blobHeaders(await files.putBlockList(grant, parseBlockList(xml.toString('utf8')))));
  } else if (comp === null) {
    const type = req.headers['x-ms-blob-type']?.toString();
    if (type === undefined) throw new StorageRequestError(400, 'MissingRequiredHeader', 'x-ms-blob-type is required');
    if (type.toLowerCase() !== 'blockblob') throw new StorageRequestError(400, 'InvalidHeaderValue', 'only BlockBlob uploads are supported');
    writeCreated(req, res, blobHeaders(await files.putBlob(grant, body, declaredLength(req))));
  } else {
    throw new StorageRequestError(400, 'InvalidQueryParameterValue', `comp=${comp} is not supported`);
  }
}

/**
 * Wraps the head's request listener: requests under `/{container}/` go to the blob endpoint,
 * everything else to `next`. When file upload is disabled nothing is intercepted.
 */
export function withBlobEndpoint(core: HubCoreApi, logger: Logger, next: RequestListener): RequestListener {
  return (req, res) => {
    const files = core.files;
    const url = req.url ?? '/';
    if (!files.enabled || !url.startsWith(`/${files.containerName}/`)) {
      next(req, res);
      return;
    }
    const { rawPath, query } = splitUrl(url);
    res.once('close', () => {
      // The query holds the SAS token: only the path is logged.
      logger.debug({ method: req.method, path: rawPath, status: res.statusCode, completed: res.writableFinished }, 'blob request');
    });
    serve(files, req, res, rawPath, query).catch((err: unknown) => {
      if (res.headersSent || res.destroyed || req.socket.destroyed) {
        // The client went away mid-upload: the core already removed the partial file.
        logger.debug({ err: (err as Error).message, path: rawPath }, 'blob request aborted');
        res.destroy();
        return;
      }
      const error = storageErrorOf(err);
      if (error.unexpected) logger.error({ err, method: req.method, path: rawPath }, 'blob request failed');
      writeStorageError(req, res, error);
    });
  };
}
