/**
 * Twin queries (`POST /devices/query`): parses the IoT Hub query, runs it over the twin documents
 * of every device (FROM devices) or module (FROM devices.modules), and pages the result. The
 * continuation is an opaque token holding the offset into the result; it is returned only when
 * more items exist, because the SDK treats any x-ms-continuation header as "more" [wire E].
 */
import { HubError } from '../errors.js';
import type { QueryResult, QueryService } from './api.js';
import { parseQuery, runQuery } from './query/index.js';
import type { Twins } from './twins.js';
import type { JsonObject } from './types.js';

/** Page size when the caller gives none (IoT Hub's default). */
export const DEFAULT_PAGE_SIZE = 100;
/** Largest page served. */
export const MAX_PAGE_SIZE = 1000;

/** Implements {@link QueryService} over the twins service's documents. */
export class Queries implements QueryService {
  constructor(private readonly twins: Pick<Twins, 'documents'>) {}

  async query(sql: string, options: { maxItemCount?: number; continuation?: string } = {}): Promise<QueryResult> {
    if (typeof sql !== 'string') throw new HubError('FH_QUERY_INVALID', 'the query must be a string');
    const q = parseQuery(sql);
    const offset = options.continuation === undefined || options.continuation === '' ? 0 : decodeContinuation(options.continuation);
    const pageSize = pageSizeOf(options.maxItemCount);
    const docs: JsonObject[] = [];
    for await (const doc of this.twins.documents(q.from === 'devices' ? 'devices' : 'modules')) docs.push(doc);
    // Each page re-runs the query: results are not snapshotted, so a page may shift if twins
    // change between requests (IoT Hub gives no stronger guarantee either).
    const { items, itemType } = runQuery(q, docs);
    const page = items.slice(offset, offset + pageSize);
    const result: QueryResult = { items: page, itemType };
    if (offset + pageSize < items.length) result.continuation = encodeContinuation(offset + pageSize);
    return result;
  }
}

function pageSizeOf(maxItemCount: number | undefined): number {
  if (maxItemCount === undefined || maxItemCount === null || !Number.isFinite(maxItemCount) || maxItemCount <= 0) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.floor(maxItemCount));
}

function encodeContinuation(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeContinuation(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isSafeInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through
  }
  throw new HubError('FH_QUERY_INVALID', 'the continuation token is not valid');
}
