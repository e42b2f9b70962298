/**
 * The store's public surface: the contract, both backends, group commit and a factory.
 */
import { LevelStore } from './level.js';
import { MemoryStore } from './memory.js';
import type { Store } from './store.js';

export * from './store.js';
export { MemoryStore, type MemoryStoreOptions } from './memory.js';
export { LevelStore, type LevelStoreOptions } from './level.js';
export { GroupCommitter, type GroupCommitterOptions, type GroupCommitStats } from './group-commit.js';

/** Which backend {@link openStore} builds. */
export type StoreKind = 'level' | 'memory';

/**
 * Builds and opens a store: `level` needs the data folder in `location`; `memory` ignores it.
 * Rejects FH_STORE_LOCKED when another process holds the folder.
 */
export async function openStore(kind: StoreKind, location?: string): Promise<Store> {
  let store: Store;
  if (kind === 'memory') {
    store = new MemoryStore();
  } else if (kind === 'level') {
    if (typeof location !== 'string' || location.length === 0) {
      throw new TypeError("openStore('level') needs the data folder as location");
    }
    store = new LevelStore(location);
  } else {
    throw new TypeError(`openStore: unknown store kind ${String(kind)}`);
  }
  await store.open();
  return store;
}
