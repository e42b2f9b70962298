/**
 * LevelStore: the persistent backend, on `level` (LevelDB through classic-level).
 *
 * Layout: every node (root or sublevel) keeps its own entries in a reserved level sublevel `_`
 * and its child namespaces in level sublevels named after them. So root keys live under `!_!`,
 * sublevel `a`'s under `!a!!_!`, and a parent's iteration never walks into its children (plain
 * level would show `!a!key` entries when iterating the root). `_` cannot clash with a user name
 * because names are [a-z0-9-]+.
 *
 * All batches go through the root Level instance with `op.sublevel`, which abstract-level
 * writes as one LevelDB WriteBatch: atomic across namespaces, and one fsync with `sync`.
 */
import { Level } from 'level';
import { BaseStore, type NormalOp } from './base-store.js';
import { mapLevelError } from './level-errors.js';
import { toLevelRange, type NormalRange } from './validate.js';

/** Options shared by every level call: string keys, Uint8Array values. */
const ENCODING = { keyEncoding: 'utf8', valueEncoding: 'view' } as const;
const OWN = '_';

type Sync = { sync: boolean };
interface LevelOp {
  type: 'put' | 'del';
  key: string;
  value?: Uint8Array;
  sublevel: LevelHandle;
}
/**
 * The slice of the abstract-level API used here. level's own generics describe the root's
 * default encodings only, and abstract-level is not a direct dependency, so this is typed by hand.
 */
interface LevelHandle {
  get(key: string): Promise<Uint8Array | undefined>;
  getMany(keys: string[]): Promise<(Uint8Array | undefined)[]>;
  put(key: string, value: Uint8Array, options: Sync): Promise<void>;
  del(key: string, options: Sync): Promise<void>;
  batch(ops: LevelOp[], options: Sync): Promise<void>;
  iterator(options: object): AsyncIterable<[string, Uint8Array]>;
  keys(options: object): AsyncIterable<string>;
  clear(options: object): Promise<void>;
  sublevel(name: string, options: object): LevelHandle;
  close(): Promise<void>;
}

/** level may hand back Buffers; callers get plain Uint8Arrays (same bytes, no copy). */
function plain(value: Uint8Array): Uint8Array {
  return value.constructor === Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** What every node of one LevelStore shares: the folder and the current root Level. */
interface LevelContext {
  readonly location: string;
  db(): LevelHandle;
}

abstract class LevelNode extends BaseStore {
  #cache: { epoch: number; nest: LevelHandle; own: LevelHandle } | null = null;
  readonly #parentNode: LevelNode | null;
  readonly #name: string;
  protected readonly ctx: LevelContext;

  protected constructor(parent: LevelNode | null, name: string, ctx: LevelContext) {
    super(parent);
    this.#parentNode = parent;
    this.#name = name;
    this.ctx = ctx;
  }

  /**
   * Handles are rebuilt after each open: level closes a sublevel when its root closes, and a
   * reopened root does not reopen them.
   */
  protected handles(): { nest: LevelHandle; own: LevelHandle } {
    if (this.#cache === null || this.#cache.epoch !== this.openEpoch) {
      // The root's namespace is the Level itself; a sublevel's is a level sublevel of its parent's.
      const nest = this.#parentNode === null ? this.ctx.db() : this.#parentNode.handles().nest.sublevel(this.#name, ENCODING);
      this.#cache = { epoch: this.openEpoch, nest, own: nest.sublevel(OWN, ENCODING) };
    }
    return this.#cache;
  }

  protected fail(err: unknown, action: string): never {
    throw mapLevelError(err, action, this.ctx.location);
  }

  protected async _get(key: string): Promise<Uint8Array | undefined> {
    try {
      const value = await this.handles().own.get(key);
      return value === undefined ? undefined : plain(value);
    } catch (err) { this.fail(err, 'get'); }
  }

  protected async _getMany(keys: string[]): Promise<(Uint8Array | undefined)[]> {
    try {
      const values = await this.handles().own.getMany(keys);
      return values.map((v) => (v === undefined ? undefined : plain(v)));
    } catch (err) { this.fail(err, 'getMany'); }
  }

  protected async _put(key: string, value: Uint8Array, sync: boolean): Promise<void> {
    try { await this.handles().own.put(key, value, { sync }); } catch (err) { this.fail(err, 'put'); }
  }

  protected async _del(key: string, sync: boolean): Promise<void> {
    try { await this.handles().own.del(key, { sync }); } catch (err) { this.fail(err, 'del'); }
  }

  protected async _batch(ops: NormalOp[], sync: boolean): Promise<void> {
    const levelOps = ops.map((op): LevelOp => {
      const sublevel = (op.node as LevelNode).handles().own;
      return op.type === 'put'
        ? { type: 'put', key: op.key, value: op.value!, sublevel }
        : { type: 'del', key: op.key, sublevel };
    });
    try { await this.ctx.db().batch(levelOps, { sync }); } catch (err) { this.fail(err, 'batch'); }
  }

  protected _iterate(range: NormalRange): AsyncIterator<[string, Uint8Array]> {
    return this.#wrap(this.handles().own.iterator(toLevelRange(range)), ([k, v]) => [k, plain(v)] as [string, Uint8Array]);
  }

  protected _keys(range: NormalRange): AsyncIterator<string> {
    return this.#wrap(this.handles().own.keys(toLevelRange(range)), (k) => k);
  }

  /** Maps level errors mid-iteration; returning early closes the level iterator. */
  async *#wrap<T, U>(source: AsyncIterable<T>, map: (item: T) => U): AsyncGenerator<U> {
    try {
      for await (const item of source) yield map(item);
    } catch (err) { this.fail(err, 'iterate'); }
  }

  protected async _clear(range: NormalRange): Promise<void> {
    try { await this.handles().own.clear(toLevelRange(range)); } catch (err) { this.fail(err, 'clear'); }
  }

  protected _sublevel(name: string): BaseStore {
    return new LevelSublevel(this, name, this.ctx);
  }
}

class LevelSublevel extends LevelNode {
  constructor(parent: LevelNode, name: string, ctx: LevelContext) {
    super(parent, name, ctx);
  }

  // Never called: BaseStore routes a sublevel's open/close through the root.
  protected async _open(): Promise<void> {}
  protected async _close(): Promise<void> {}
}

/** Options for {@link LevelStore}. */
export interface LevelStoreOptions {
  /** Create the folder and database when missing. Default true. */
  createIfMissing?: boolean;
}

/**
 * The LevelDB-backed store at `location` (a folder). Starts closed; `open()` takes LevelDB's
 * lock on the folder, so a second open anywhere (this or another process) fails FH_STORE_LOCKED.
 * Writes resolve once handed to the OS (survive kill -9); pass `{ sync: true }` to fsync.
 */
export class LevelStore extends LevelNode {
  readonly #location: string;
  readonly #options: Required<LevelStoreOptions>;
  #db: LevelHandle | null = null;

  constructor(location: string, options: LevelStoreOptions = {}) {
    if (typeof location !== 'string' || location.length === 0) throw new TypeError('LevelStore needs a folder path');
    super(null, '', {
      location,
      db: () => {
        if (this.#db === null) throw new Error('LevelStore: no database (not open)');
        return this.#db;
      },
    });
    this.#location = location;
    this.#options = { createIfMissing: options.createIfMissing ?? true };
  }

  /** The data folder. */
  get location(): string {
    return this.#location;
  }

  protected async _open(): Promise<void> {
    // A fresh Level per open: level opens itself on the next microtask after construction, so
    // creating it in the constructor would take the folder lock before open() was asked for.
    const db = new Level<string, Uint8Array>(this.#location, ENCODING);
    try {
      await db.open({ createIfMissing: this.#options.createIfMissing });
    } catch (err) {
      await db.close().catch(() => undefined);
      this.fail(err, 'open');
    }
    this.#db = db as unknown as LevelHandle;
  }

  protected async _close(): Promise<void> {
    const db = this.#db;
    this.#db = null;
    if (db !== null) {
      try { await db.close(); } catch (err) { this.fail(err, 'close'); }
    }
  }
}
