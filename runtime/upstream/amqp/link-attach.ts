/**
 * Waiting for a link's attach. The hub answers a link it refuses with an attach followed at
 * once by a detach carrying the error; a link is up when its attach came back and no detach
 * followed in the same read. Rejects on detach, on timeout, or when `signal` aborts (the
 * connection went away: rhea then emits nothing on the link itself).
 */
import type { EventContext, Receiver, Sender } from 'rhea';
import { detachError, offlineError, timeoutError } from './error-map.js';

export function attachLink(link: Sender | Receiver, timeoutMs: number, what: string, signal?: AbortSignal): Promise<void> {
  const prefix = link.is_sender() ? 'sender' : 'receiver';
  return new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      link.removeListener(`${prefix}_open`, onOpen);
      link.removeListener(`${prefix}_close`, onClose);
      signal?.removeEventListener('abort', onAbort);
      if (err === undefined) resolve();
      else reject(err);
    };
    // rhea emits the open and a detach read in the same chunk back to back: look once more
    // after the current turn so such a refusal counts as a refusal.
    const onOpen = (): void => {
      setImmediate(() => finish(link.is_open() ? undefined : detachError(link.error, what)));
    };
    const onClose = (c: EventContext): void => finish(detachError((c.sender ?? c.receiver ?? link).error, what));
    const onAbort = (): void => finish(signal?.reason instanceof Error ? signal.reason : offlineError(`${what}: the connection is gone`));
    const timer = setTimeout(() => {
      finish(timeoutError(`${what} was not attached within ${timeoutMs} ms`));
      link.close();
    }, timeoutMs);
    if (signal?.aborted) {
      onAbort();
      return;
    }
    link.once(`${prefix}_open`, onOpen);
    link.once(`${prefix}_close`, onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
