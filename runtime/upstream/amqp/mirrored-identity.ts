/**
 * The state of one mirrored identity across connections: where it is in its life (waiting for
 * the attach gate, attaching, online, waiting for its own retry), its links on the current
 * connection, its own backoff, its token-renewal timer and the last error the upstream gave.
 */
import type { IdentityRef } from '../../../hub-core/core/types.js';
import type { RuntimeError } from '../../errors.js';
import type { IdentityLinks } from './identity-links.js';
import type { BackoffSettings } from './options.js';
import { FullJitterBackoff } from './pacing.js';
import type { SessionSeat } from './upstream-connection.js';

export type IdentityState =
  /** Waits for a connection. */
  | 'idle'
  /** Waits for the attach gate (rate limit). */
  | 'queued'
  | 'attaching'
  | 'online'
  /** Its attach failed or its links went down; retried when its own timer fires. */
  | 'retry'
  | 'removed';

/** What the link tells about one identity. */
export interface IdentityStatus {
  state: IdentityState;
  /** The method links are attached: the upstream can invoke direct methods on the identity now. */
  methods: boolean;
  retryInMs?: number;
  lastError?: { code: string; message: string; at: string };
}

export class MirroredIdentity {
  state: IdentityState = 'idle';
  links: IdentityLinks | undefined;
  seat: SessionSeat | undefined;
  readonly backoff: FullJitterBackoff;
  retryTimer: NodeJS.Timeout | undefined;
  retryAt: number | undefined;
  renewTimer: NodeJS.Timeout | undefined;
  /** When the token last put for this identity runs out (ms since the epoch). */
  tokenExpiresAtMs: number | undefined;
  lastError: { code: string; message: string; at: string; error: RuntimeError } | undefined;
  /** Bumped whenever a running attach or renewal must be abandoned (reconnect, removal). */
  generation = 0;
  /** The gateway wants direct methods for it (the method links attached while online). */
  methodsWanted = false;

  constructor(readonly ref: IdentityRef, readonly key: string, retry: Required<BackoffSettings>) {
    this.backoff = new FullJitterBackoff(retry.minDelayMs, retry.maxDelayMs);
  }

  get online(): boolean {
    return this.state === 'online' && this.links?.isUp === true;
  }

  noteError(error: RuntimeError): void {
    this.lastError = { code: error.code, message: error.message, at: new Date().toISOString(), error };
  }

  /** Drops the links and the session seat (after they were closed or aborted). */
  detach(): void {
    this.links = undefined;
    this.seat?.release();
    this.seat = undefined;
  }

  clearTimers(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.renewTimer);
    this.retryTimer = undefined;
    this.renewTimer = undefined;
    this.retryAt = undefined;
  }

  status(now: number): IdentityStatus {
    const out: IdentityStatus = { state: this.state, methods: this.online && this.links?.methodsUp === true };
    if (this.retryAt !== undefined) out.retryInMs = Math.max(0, this.retryAt - now);
    if (this.lastError !== undefined) out.lastError = { code: this.lastError.code, message: this.lastError.message, at: this.lastError.at };
    return out;
  }
}
