/**
 * Twin requests of one identity connection: each GET or reported-properties PATCH gets a
 * `$rid`, is published at QoS 0 (as the SDK does) and waits for `$iothub/twin/res/{status}` with
 * the same `$rid`, or for its timeout. A lost connection fails every request still waiting.
 */
import { randomUUID } from 'node:crypto';
import type { RuntimeError } from '../../errors.js';
import { twinGetTopic, twinReportedTopic, type TwinResponse } from './codec.js';
import { offlineError, timeoutError, twinError } from './error-map.js';

interface Waiting {
  resolve(answer: TwinResponse): void;
  reject(err: RuntimeError): void;
  timer: NodeJS.Timeout;
}

export class TwinRequests {
  private readonly waiting = new Map<string, Waiting>();
  private failure: RuntimeError | undefined;

  /**
   * @param publish Puts one request on the wire; false when the connection cannot take it.
   * @param what Names the identity in error messages.
   */
  constructor(
    private readonly publish: (topic: string, body: string) => boolean,
    private readonly timeoutMs: number,
    private readonly what: string,
  ) {}

  /** GET (the whole twin) or PATCH of reported properties; rejects on a status >= 300. */
  request(op: 'GET' | 'PATCH', body?: string): Promise<TwinResponse> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const rid = randomUUID();
    const label = `twin ${op} for ${this.what}`;
    return new Promise<TwinResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(rid);
        reject(timeoutError(`${label}: no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiting.set(rid, {
        timer,
        reject,
        resolve: (answer) => (answer.status >= 300 ? reject(twinError(answer.status, answer.body, label)) : resolve(answer)),
      });
      // The SDK sends a single space as the GET body.
      const sent = op === 'GET' ? this.publish(twinGetTopic(rid), ' ') : this.publish(twinReportedTopic(rid), body ?? '{}');
      if (!sent) this.settle(rid, undefined, offlineError(`${label}: the connection is gone`));
    });
  }

  /** A `$iothub/twin/res/…` message; one for an unknown `$rid` (timed out, another connection) is dropped. */
  answer(response: TwinResponse): void {
    this.settle(response.rid, response);
  }

  /** The connection is gone: every waiting request fails, later ones at once. */
  failAll(err: RuntimeError): void {
    this.failure ??= err;
    for (const rid of [...this.waiting.keys()]) this.settle(rid, undefined, err);
  }

  private settle(rid: string, response: TwinResponse | undefined, err?: RuntimeError): void {
    const w = this.waiting.get(rid);
    if (w === undefined) return;
    this.waiting.delete(rid);
    clearTimeout(w.timer);
    if (response !== undefined) w.resolve(response);
    else w.reject(err ?? offlineError(`twin request for ${this.what} failed`));
  }
}
