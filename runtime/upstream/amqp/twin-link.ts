/**
 * One identity's twin channel (`/devices/{d}[/modules/{m}]/twin`, wire contract C): requests go
 * pre-settled on the sender with a fresh uuid-string correlation id; answers come on the
 * receiver with that id, a `status` and maybe a `version` annotation; a message without a
 * correlation id is a desired-properties notification.
 */
import { randomUUID } from 'node:crypto';
import type { EventContext, Receiver, Sender } from 'rhea';
import type { JsonObject, JsonValue } from '../../../hub-core/core/types.js';
import type { RuntimeError } from '../../errors.js';
import { decodeTwinInbound, encodeTwinRequest } from './codec.js';
import { CreditSender } from './credit-sender.js';
import { offlineError, timeoutError, twinError } from './error-map.js';

/** Twin requests one identity may have waiting for credit. */
const MAX_QUEUED = 64;

export interface TwinAnswer {
  status: number;
  version?: number;
  body: JsonValue;
}

interface PendingRequest {
  resolve(answer: TwinAnswer): void;
  reject(err: RuntimeError): void;
  timer: NodeJS.Timeout;
  what: string;
}

export class TwinLink {
  private readonly out: CreditSender;
  private readonly pending = new Map<string, PendingRequest>();
  private failure: RuntimeError | undefined;

  constructor(
    readonly sender: Sender,
    readonly receiver: Receiver,
    private readonly timeoutMs: number,
    private readonly onDesired: (patch: JsonObject) => void,
  ) {
    this.out = new CreditSender(sender, MAX_QUEUED);
    receiver.on('message', (c: EventContext) => {
      if (c.message !== undefined) this.inbound(c.message);
    });
  }

  /** Sends a request; resolves with a 2xx answer, rejects with the mapped error otherwise. */
  request(operation: 'GET' | 'PATCH' | 'PUT' | 'DELETE', resource?: string, body?: string): Promise<TwinAnswer> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = randomUUID();
    const what = `twin ${operation}${resource === undefined ? '' : ` ${resource}`}`;
    return new Promise<TwinAnswer>((resolve, reject) => {
      const entry = { message: encodeTwinRequest(id, operation, resource, body), onSent: () => undefined };
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.out.cancel(entry);
        reject(timeoutError(`${what} got no answer in ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer, what });
      if (!this.out.send(entry)) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(offlineError(`${what}: too many twin requests are waiting`));
      }
    });
  }

  /** The link is gone: pending and later requests fail with `err`. */
  fail(err: RuntimeError): void {
    this.failure ??= err;
    this.out.close();
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(err);
    }
  }

  private inbound(message: Parameters<typeof decodeTwinInbound>[0]): void {
    const decoded = decodeTwinInbound(message);
    if (decoded === undefined) return;
    if (decoded.kind === 'desired') {
      this.onDesired(decoded.patch);
      return;
    }
    const p = this.pending.get(decoded.correlationId);
    if (p === undefined) return;
    this.pending.delete(decoded.correlationId);
    clearTimeout(p.timer);
    // Success is 200..300 inclusive, as the SDK reads it.
    if (decoded.status >= 200 && decoded.status <= 300) {
      const answer: TwinAnswer = { status: decoded.status, body: decoded.body };
      if (decoded.version !== undefined) answer.version = decoded.version;
      p.resolve(answer);
    } else {
      p.reject(twinError(decoded.status, decoded.body, p.what));
    }
  }
}
