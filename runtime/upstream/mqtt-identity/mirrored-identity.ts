/**
 * The state of one mirrored identity across its MQTT connections: where it is in its life
 * (waiting for the connect gate, connecting, online, waiting for its own retry), its current
 * connection, its own backoff, its token-renewal timer and the last error the upstream gave.
 */
import type { IdentityRef } from '../../../hub-core/core/types.js';
import type { RuntimeError } from '../../errors.js';
import { FullJitterBackoff } from '../amqp/pacing.js';
import type { IdentityConnection } from './identity-connection.js';
import type { MqttBackoffSettings } from './options.js';

export type MqttIdentityState =
  /** The link is not started. */
  | 'idle'
  /** Waits for the connect gate (rate limit). */
  | 'queued'
  | 'connecting'
  | 'online'
  /** Its connection failed or dropped; retried when its own timer fires. */
  | 'backoff'
  | 'removed';

/** What the link tells about one identity. */
export interface MqttIdentityStatus {
  state: MqttIdentityState;
  /** The upstream holds the methods subscription: it can invoke direct methods on the identity now. */
  methods: boolean;
  retryInMs?: number;
  lastError?: { code: string; message: string; at: string };
}

export class MirroredIdentity {
  state: MqttIdentityState = 'idle';
  conn: IdentityConnection | undefined;
  readonly backoff: FullJitterBackoff;
  retryTimer: NodeJS.Timeout | undefined;
  retryAt: number | undefined;
  renewTimer: NodeJS.Timeout | undefined;
  /** The current connection is being ended for a token renewal: reconnect at once, no backoff. */
  renewing = false;
  /** When the current connection came up (ms). */
  onlineAt: number | undefined;
  /** Subscribed at least once in this process (afterwards the upstream's session keeps them). */
  subscribed = false;
  lastError: { code: string; message: string; at: string; error: RuntimeError } | undefined;
  /** Bumped whenever a running attempt must be abandoned (removal, close). */
  generation = 0;
  /** The gateway wants direct methods for it (subscribed while online). */
  methodsWanted = false;
  /** Whether the upstream session (kept across connections) holds the methods subscription; undefined = unknown. */
  methodsUpstream: boolean | undefined = undefined;

  constructor(readonly ref: IdentityRef, readonly key: string, retry: Required<MqttBackoffSettings>) {
    this.backoff = new FullJitterBackoff(retry.minDelayMs, retry.maxDelayMs);
  }

  get online(): boolean {
    return this.state === 'online' && this.conn?.isUp === true;
  }

  noteError(error: RuntimeError): void {
    this.lastError = { code: error.code, message: error.message, at: new Date().toISOString(), error };
  }

  clearTimers(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.renewTimer);
    this.retryTimer = undefined;
    this.renewTimer = undefined;
    this.retryAt = undefined;
  }

  status(now: number): MqttIdentityStatus {
    const out: MqttIdentityStatus = { state: this.state, methods: this.online && this.conn?.methodsUp === true };
    if (this.retryAt !== undefined) out.retryInMs = Math.max(0, this.retryAt - now);
    if (this.lastError !== undefined) out.lastError = { code: this.lastError.code, message: this.lastError.message, at: this.lastError.at };
    return out;
  }
}
