/**
 * Fixtures for the outbox's tests (unit, kill -9 children, backlog): telemetry items stamped as
 * the hub stamps them, and a logger that keeps its lines. No vitest import, so the plain-node
 * child scripts of test/integration/outbox can use the built copy in dist/.
 */
import { pino } from 'pino';
import type { IdentityRef, StoredTelemetry } from '../../hub-core/core/index.js';
import { enqueuedTimeOf } from '../../hub-core/core/telemetry-codec.js';
import type { Logger } from '../../hub-core/log.js';

const utf8 = new TextEncoder();

/**
 * Telemetry as the hub hands it to the routes: seq `seq`, body `body` (default `m<seq>`, padded
 * with `x` to `bodyBytes` when given), an application property `n` = seq, and the hub's stamps.
 */
export function telemetryItem(ref: IdentityRef, seq: number, options: { body?: string; bodyBytes?: number; atMs?: number } = {}): StoredTelemetry {
  let text = options.body ?? `m${seq}`;
  if (options.bodyBytes !== undefined && text.length < options.bodyBytes) text += 'x'.repeat(options.bodyBytes - text.length);
  const system: StoredTelemetry['message']['system'] = {
    messageId: `msg-${seq}`,
    enqueuedTime: enqueuedTimeOf(options.atMs ?? Date.UTC(2024, 0, 1)),
    connectionDeviceId: ref.deviceId,
  };
  if (ref.moduleId !== undefined) system.connectionModuleId = ref.moduleId;
  const item: StoredTelemetry = { seq, deviceId: ref.deviceId, message: { body: utf8.encode(text), system, properties: { n: String(seq) } } };
  if (ref.moduleId !== undefined) item.moduleId = ref.moduleId;
  return item;
}

/** A pino logger (level info) whose JSON lines land in `lines`, parsed. */
export function recordingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}
