/**
 * MemoryStore: the in-process backend, for unit tests and for a hub run without a data folder.
 * Each node (root or sublevel) owns its own {@link SortedMap}, so namespaces cannot collide and
 * a parent's iteration never shows its sublevels' entries. Data survives close/open of the same
 * instance (like memory-level) but not a new instance: `supports.persistence` is false.
 */
import { BaseStore, type NormalOp } from './base-store.js';
import { SortedMap } from './sorted-map.js';
import type { NormalRange } from './validate.js';

/** Copies bytes into a fresh plain Uint8Array (Buffer#slice would alias, not copy). */
function copy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** Shared by the root and its sublevels; the root differs only in owning open/close. */
abstract class MemoryNode extends BaseStore {
  /** This node's own entries (a sublevel's live in the sublevel's node, not here). */
  protected readonly data = new SortedMap();

  protected async _get(key: string): Promise<Uint8Array | undefined> {
    const value = this.data.get(key);
    return value === undefined ? undefined : copy(value);
  }

  protected async _getMany(keys: string[]): Promise<(Uint8Array | undefined)[]> {
    return keys.map((k) => {
      const value = this.data.get(k);
      return value === undefined ? undefined : copy(value);
    });
  }

  protected async _put(key: string, value: Uint8Array): Promise<void> {
    this.data.set(key, copy(value));
  }

  protected async _del(key: string): Promise<void> {
    this.data.delete(key);
  }

  protected async _batch(ops: NormalOp[]): Promise<void> {
    // Copy first, then apply synchronously: no other caller can observe half a batch.
    const staged = ops.map((op) => ({ ...op, value: op.value && copy(op.value) }));
    for (const op of staged) {
      const data = (op.node as MemoryNode).data;
      if (op.type === 'put') data.set(op.key, op.value!);
      else data.delete(op.key);
    }
  }

  protected _iterate(range: NormalRange): AsyncIterator<[string, Uint8Array]> {
    return this.#walk(range, (key, value) => [key, copy(value)] as [string, Uint8Array]);
  }

  protected _keys(range: NormalRange): AsyncIterator<string> {
    return this.#walk(range, (key) => key);
  }

  /** Re-seeks after the last key on every step, so concurrent writes are safe. */
  async *#walk<T>(range: NormalRange, map: (key: string, value: Uint8Array) => T): AsyncGenerator<T> {
    let last: string | undefined;
    for (let n = 0; n < range.limit; n++) {
      const key = this.data.next(range, last);
      if (key === undefined) return;
      last = key;
      yield map(key, this.data.get(key)!);
    }
  }

  protected async _clear(range: NormalRange): Promise<void> {
    for (const key of this.data.keysIn(range)) this.data.delete(key);
  }

  protected _sublevel(): BaseStore {
    return new MemorySublevel(this);
  }
}

class MemorySublevel extends MemoryNode {
  constructor(parent: MemoryNode) {
    super(parent);
  }

  // Never called: BaseStore routes a sublevel's open/close through the root.
  protected async _open(): Promise<void> {}
  protected async _close(): Promise<void> {}
}

/** Options for {@link MemoryStore}; none yet, kept for symmetry with LevelStore. */
export type MemoryStoreOptions = Record<string, never>;

/**
 * The in-memory store. Starts closed: call `await store.open()` before use, as with LevelStore,
 * so code tested against it also opens a real store correctly.
 */
export class MemoryStore extends MemoryNode {
  constructor(_options: MemoryStoreOptions = {}) {
    super(null);
  }

  // Yields once so status is observably 'opening'/'closing', as with a real backend.
  protected async _open(): Promise<void> {
    await Promise.resolve();
  }

  protected async _close(): Promise<void> {
    await Promise.resolve();
  }
}
