/**
 * Waiting for a module's promise within a bound, on the host's clock (a fake one in tests): the
 * outcome is the value's settlement, or `timeout`. The promise itself goes on; a late rejection is
 * swallowed so an abandoned module cannot crash the process with an unhandled rejection.
 */
import type { Clock } from '../../hub-core/core/api.js';

export type Outcome = { kind: 'ok' } | { kind: 'error'; error: unknown } | { kind: 'timeout' };

export interface BoundOptions {
  /** Give up after this many ms. */
  ms: number;
  clock: Clock;
  /** Also give up `graceMs` after this signal aborts (a stop requested while starting). */
  signal?: AbortSignal;
  graceMs?: number;
  /** Settles the wait early with this promise's rejection (a fatal error reported meanwhile). */
  fatal?: Promise<never>;
}

/** Runs `fn` (a sync throw counts as a rejection) and waits for it within the bound. */
export function settleWithin(fn: () => Promise<unknown>, options: BoundOptions): Promise<Outcome> {
  let work: Promise<unknown>;
  try {
    work = Promise.resolve(fn());
  } catch (error) {
    return Promise.resolve({ kind: 'error', error });
  }
  work.catch(() => undefined);
  return new Promise<Outcome>((resolve) => {
    const timers: { cancel(): void }[] = [];
    let done = false;
    const finish = (outcome: Outcome): void => {
      if (done) return;
      done = true;
      for (const t of timers) t.cancel();
      options.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = (): void => {
      timers.push(options.clock.setTimeout(() => finish({ kind: 'timeout' }), options.graceMs ?? 0));
    };
    timers.push(options.clock.setTimeout(() => finish({ kind: 'timeout' }), options.ms));
    if (options.signal?.aborted === true) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    work.then(() => finish({ kind: 'ok' }), (error: unknown) => finish({ kind: 'error', error }));
    options.fatal?.catch((error: unknown) => finish({ kind: 'error', error }));
  });
}
