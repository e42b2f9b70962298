/**
 * A head's connection code, loaded on its first connection instead of at start. A hub that
 * nobody has dialled over AMQP or WebSockets then never loads rhea or ws (a few MB of heap each
 * on a board with little memory); the first client waits for one dynamic import, once.
 *
 * The stream waits paused meanwhile: a readable stream buffers what arrives until the connection
 * code attaches its `data` listener, so no byte is lost. An error before then is held off (the
 * stream closes after it and is dropped), because an `error` event without a listener would end
 * the process.
 */
import type { Duplex } from 'node:stream';

export interface LazyCode<T> {
  /**
   * Runs `use` with the loaded code: at once when it is loaded, otherwise once the import
   * settles. A stream that closed meanwhile is skipped. If the import fails, the stream is
   * destroyed and `failed` runs; the next connection tries the import again.
   */
  withCode(stream: Duplex, use: (code: T) => void, failed: (err: unknown) => void): void;
}

export function lazyCode<T>(load: () => Promise<T>): LazyCode<T> {
  let loaded: T | undefined;
  let pending: Promise<T> | undefined;
  const importOnce = (): Promise<T> => {
    pending ??= load().then((code) => (loaded = code), (err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
  return {
    withCode(stream, use, failed) {
      if (loaded !== undefined) {
        use(loaded);
        return;
      }
      const holdOff = (): void => { /* the stream closes next; its close drops it */ };
      stream.on('error', holdOff);
      importOnce().then((code) => {
        stream.off('error', holdOff);
        if (!stream.destroyed) use(code);
      }, (err: unknown) => {
        stream.off('error', holdOff);
        stream.destroy();
        failed(err);
      });
    },
  };
}
