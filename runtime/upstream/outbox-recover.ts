/**
 * Recovery at open: one ordered pass over the records sublevel rebuilds the per-identity queues
 * (ids, sizes, ages) and the totals. The key order is (identity, id), so each identity's records
 * arrive together and in send order: every push is an append, the pass is linear in the backlog.
 * Only the 17-byte header of each value is looked at; bodies are not decoded or kept.
 */
import type { Store } from '../../hub-core/store/index.js';
import { IdentityQueue } from './outbox-queue.js';
import { parseIdentityKey, parseRecordKey, readHeader } from './outbox-record.js';

/** A record that cannot be read back; moved to the dead letters (or deleted) after open. */
export interface CorruptRecord {
  key: string;
  /** Undefined when the key itself is not a record key. */
  ik: string | undefined;
  id: number | undefined;
  value: Uint8Array;
}

/** What the pass found. */
export interface Recovered {
  queues: Map<string, IdentityQueue>;
  messages: number;
  bytes: number;
  /** Highest record id seen, or -1. */
  maxId: number;
  corrupt: CorruptRecord[];
}

/** Reads every record key and header of `records`. */
export async function recoverRecords(records: Store): Promise<Recovered> {
  const queues = new Map<string, IdentityQueue>();
  const corrupt: CorruptRecord[] = [];
  let messages = 0;
  let bytes = 0;
  let maxId = -1;
  let current: IdentityQueue | undefined;
  for await (const [key, value] of records.iterate()) {
    const parsed = parseRecordKey(key);
    const header = parsed === undefined ? undefined : readHeader(value);
    if (parsed === undefined || header === undefined) {
      corrupt.push({ key, ik: parsed?.ik, id: parsed?.id, value });
      if (parsed !== undefined) maxId = Math.max(maxId, parsed.id);
      continue;
    }
    if (current === undefined || current.ik !== parsed.ik) {
      current = queues.get(parsed.ik);
      if (current === undefined) {
        current = new IdentityQueue(parsed.ik, parseIdentityKey(parsed.ik));
        queues.set(parsed.ik, current);
      }
    }
    const size = key.length + value.byteLength;
    current.push(parsed.id, size, header.enqueuedAtMs);
    messages++;
    bytes += size;
    maxId = Math.max(maxId, parsed.id);
  }
  return { queues, messages, bytes, maxId, corrupt };
}
