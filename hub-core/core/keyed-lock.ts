/**
 * Serialises async read-modify-write sections per key (one twin, one C2D queue) without blocking
 * other keys. The core runs in one event loop, so a promise chain per key is enough.
 */

/** A mutex per string key. Entries are removed when their chain drains, so memory stays bounded. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` after every earlier `run` for the same key has settled; resolves to its result. */
  async run<T>(key: string, fn: () => Promise<T> | T): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    try {
      await previous;
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with work queued or running (tests). */
  size(): number {
    return this.tails.size;
  }
}
