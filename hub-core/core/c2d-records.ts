/**
 * Cloud-to-device queue records: how a queued message is stored (the `c2d` sublevel, key
 * `identityKey/seqKey(seq)`, i.e. `d/seq` for a device's C2D and `d/m/seq` for a module's input
 * messages, so one identity's messages are contiguous and in send order), its effective expiry,
 * and the feedback records settlement produces (wire contract E, Feedback).
 */
import { HubError } from '../errors.js';
import { seqKey } from '../store/store.js';
import type { FeedbackRecord, FeedbackStatus, Message } from './types.js';

/** IoT Hub's longest C2D time to live, ms (48 h). */
export const MAX_C2D_TTL_MS = 48 * 3600 * 1000;

/** A queued message as stored. Small (≤ 64 KB), so JSON with a base64 body is fine here. */
export interface C2dRecord {
  seq: number;
  enqueuedMs: number;
  expiresMs: number;
  /** Deliveries that ended without completion (abandoned, lock expired, session lost). */
  deliveryCount: number;
  body: string;
  system: Message['system'];
  properties: Record<string, string>;
}

/** The store key of a queued message; `key` is the identity key (`d` or `d/m`, see ids.ts). */
export function c2dKey(key: string, seq: number): string {
  return `${key}/${seqKey(seq)}`;
}

/** Splits a `c2d` key into identity key and seq (ids never contain `/`; the seq is the last segment). */
export function parseC2dKey(storeKey: string): { key: string; seq: number } {
  const slash = storeKey.lastIndexOf('/');
  return { key: storeKey.slice(0, slash), seq: parseInt(storeKey.slice(slash + 1), 16) };
}

export function recordMessage(record: C2dRecord): Message {
  return { body: new Uint8Array(Buffer.from(record.body, 'base64')), system: { ...record.system }, properties: { ...record.properties } };
}

/**
 * When a message sent at `nowMs` expires: its `expiryTimeUtc` when given, else now + `defaultTtlMs`;
 * never later than now + 48 h. An unparseable expiry is FH_MSG_INVALID.
 */
export function effectiveExpiry(expiryTimeUtc: string | undefined, nowMs: number, defaultTtlMs: number): number {
  const cap = nowMs + MAX_C2D_TTL_MS;
  if (expiryTimeUtc === undefined || expiryTimeUtc === '') return Math.min(cap, nowMs + defaultTtlMs);
  const at = Date.parse(expiryTimeUtc);
  if (Number.isNaN(at)) throw new HubError('FH_MSG_INVALID', 'expiryTimeUtc is not an ISO time');
  return Math.min(cap, at);
}

const DESCRIPTIONS: Record<FeedbackStatus, string> = {
  Success: 'Success',
  Expired: 'Message expired',
  DeliveryCountExceeded: 'Message delivery count exceeded',
  Rejected: 'Message rejected',
  Purged: 'Message purged',
};

/**
 * Whether `ack` asks for feedback of `status`: positive = completion only, negative = dead-letter
 * only (rejected, expired, delivery count exceeded, purged), full = both; none or absent = never.
 */
export function wantsFeedback(ack: string | undefined, status: FeedbackStatus): boolean {
  const a = ack?.toLowerCase();
  if (a === 'full') return true;
  return status === 'Success' ? a === 'positive' : a === 'negative';
}

/** A feedback record; `enqueuedTimeUtc` is when the outcome happened, as IoT Hub reports it. */
export function feedbackRecord(
  messageId: string | undefined, status: FeedbackStatus, deviceId: string, generationId: string, nowMs: number,
): FeedbackRecord {
  return {
    originalMessageId: messageId ?? '',
    enqueuedTimeUtc: new Date(nowMs).toISOString(),
    statusCode: status,
    description: DESCRIPTIONS[status],
    deviceId,
    deviceGenerationId: generationId,
  };
}
