/**
 * The shared half of every backend, after abstract-level: public methods validate, check the
 * status and normalise; backends implement the `_`-prefixed hooks and always get clean input.
 * Status lives on the root. A sublevel is open while the root is open, unless it (or a parent
 * sublevel) was closed since the root last opened; opening the root reopens every sublevel.
 */
import type { BatchOp, RangeOptions, Store, StoreStatus, WriteOptions } from './store.js';
import {
  assertKey, assertSublevelName, assertValue, normalizeRange, notOpen, syncOption, type NormalRange,
} from './validate.js';

/** A batch op after validation: the target node resolved (never undefined). */
export interface NormalOp<N extends BaseStore = BaseStore> {
  type: 'put' | 'del';
  key: string;
  /** Set for puts. */
  value?: Uint8Array;
  node: N;
}

/** Base class of MemoryStore and LevelStore (root and sublevel nodes alike). */
export abstract class BaseStore implements Store {
  readonly #parent: BaseStore | null;
  readonly #root: BaseStore;
  readonly #children = new Map<string, BaseStore>();
  #state: StoreStatus = 'closed';
  /** The last queued open/close step (never rejects), or null when idle. */
  #tail: Promise<void> | null = null;
  /** Increments on every successful root open; a sublevel closed in an older epoch is open again. */
  #epoch = 0;
  #closedInEpoch = -1;

  protected constructor(parent: BaseStore | null) {
    this.#parent = parent;
    this.#root = parent === null ? this : parent.#root;
  }

  /** Backend hooks. Only `_open`/`_close` are root-only; the rest run on any node. */
  protected abstract _open(): Promise<void>;
  protected abstract _close(): Promise<void>;
  protected abstract _get(key: string): Promise<Uint8Array | undefined>;
  protected abstract _getMany(keys: string[]): Promise<(Uint8Array | undefined)[]>;
  protected abstract _put(key: string, value: Uint8Array, sync: boolean): Promise<void>;
  protected abstract _del(key: string, sync: boolean): Promise<void>;
  protected abstract _batch(ops: NormalOp[], sync: boolean): Promise<void>;
  protected abstract _iterate(range: NormalRange): AsyncIterator<[string, Uint8Array]>;
  protected abstract _keys(range: NormalRange): AsyncIterator<string>;
  protected abstract _clear(range: NormalRange): Promise<void>;
  protected abstract _sublevel(name: string): BaseStore;

  /** Root epoch: backends that cache per-open handles compare it to know when to rebuild them. */
  protected get openEpoch(): number {
    return this.#root.#epoch;
  }

  get status(): StoreStatus {
    const rootState = this.#root.#state;
    if (rootState !== 'open') return rootState;
    const epoch = this.#root.#epoch;
    for (let n: BaseStore | null = this; n !== null && n !== this.#root; n = n.#parent) {
      if (n.#closedInEpoch === epoch) return 'closed';
    }
    return 'open';
  }

  async open(): Promise<void> {
    if (this.#parent !== null) {
      await this.#parent.open();
      this.#closedInEpoch = -1;
      return;
    }
    return this.#lifecycle(async () => {
      if (this.#state === 'open') return;
      this.#state = 'opening';
      try {
        await this._open();
      } catch (err) {
        this.#state = 'closed';
        throw err;
      }
      this.#epoch++;
      this.#state = 'open';
    });
  }

  async close(): Promise<void> {
    if (this.#parent !== null) {
      if (this.status === 'open') this.#closedInEpoch = this.#root.#epoch;
      return;
    }
    return this.#lifecycle(async () => {
      if (this.#state === 'closed') return;
      this.#state = 'closing';
      try {
        await this._close();
      } finally {
        // A failed close still leaves the backend unusable; report it, but stay consistent.
        this.#state = 'closed';
      }
    });
  }

  /**
   * Runs open/close steps one after another, in call order, so the last call decides the final
   * status (open, close, open ends open). With nothing in flight the step starts synchronously,
   * so `status` reads 'opening'/'closing' as soon as open()/close() returns.
   */
  #lifecycle(step: () => Promise<void>): Promise<void> {
    const run = this.#tail === null ? step() : this.#tail.then(step);
    const settled: Promise<void> = run.then(noop, noop).then(() => {
      if (this.#tail === settled) this.#tail = null;
    });
    this.#tail = settled;
    return run;
  }

  /** Throws FH_STORE_NOT_OPEN unless this node is open. */
  protected assertOpen(): void {
    const status = this.status;
    if (status !== 'open') throw notOpen(status);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    assertKey(key);
    this.assertOpen();
    return this._get(key);
  }

  async getMany(keys: string[]): Promise<(Uint8Array | undefined)[]> {
    if (!Array.isArray(keys)) throw new TypeError('getMany expects an array of keys');
    keys.forEach((k) => assertKey(k));
    this.assertOpen();
    return keys.length === 0 ? [] : this._getMany(keys);
  }

  async put(key: string, value: Uint8Array, options?: WriteOptions): Promise<void> {
    assertKey(key);
    assertValue(value);
    const sync = syncOption(options);
    this.assertOpen();
    return this._put(key, value, sync);
  }

  async del(key: string, options?: WriteOptions): Promise<void> {
    assertKey(key);
    const sync = syncOption(options);
    this.assertOpen();
    return this._del(key, sync);
  }

  async batch(ops: BatchOp[], options?: WriteOptions): Promise<void> {
    if (!Array.isArray(ops)) throw new TypeError('batch expects an array of operations');
    const sync = syncOption(options);
    // Validate every op before writing any: a bad op must not leave half a batch behind.
    const normal = ops.map((op) => this.#normalizeOp(op));
    this.assertOpen();
    for (const op of normal) op.node.assertOpen();
    if (normal.length === 0) return;
    return this._batch(normal, sync);
  }

  #normalizeOp(op: BatchOp): NormalOp {
    if (op === null || typeof op !== 'object') throw new TypeError('A batch operation must be an object');
    if (op.type !== 'put' && op.type !== 'del') throw new TypeError("A batch operation's type must be 'put' or 'del'");
    assertKey(op.key);
    let node: BaseStore = this;
    if (op.sublevel !== undefined && op.sublevel !== null) {
      if (!(op.sublevel instanceof BaseStore) || !op.sublevel.#isWithin(this)) {
        throw new TypeError('A batch operation\u2019s sublevel must be this store or one of its sublevels');
      }
      node = op.sublevel;
    }
    if (op.type === 'put') {
      assertValue(op.value);
      return { type: 'put', key: op.key, value: op.value, node };
    }
    return { type: 'del', key: op.key, node };
  }

  #isWithin(ancestor: BaseStore): boolean {
    for (let n: BaseStore | null = this; n !== null; n = n.#parent) if (n === ancestor) return true;
    return false;
  }

  iterate(range?: RangeOptions): AsyncIterableIterator<[string, Uint8Array]> {
    const normal = normalizeRange(range);
    return this.#guard(() => this._iterate(normal));
  }

  keys(range?: RangeOptions): AsyncIterableIterator<string> {
    const normal = normalizeRange(range);
    return this.#guard(() => this._keys(normal));
  }

  /** Checks the status before every step, so iterating a closed store rejects FH_STORE_NOT_OPEN. */
  async *#guard<T>(start: () => AsyncIterator<T>): AsyncGenerator<T, undefined, undefined> {
    this.assertOpen();
    const it = start();
    let done = false;
    try {
      for (;;) {
        this.assertOpen();
        const step = await it.next();
        if (step.done) {
          done = true;
          return undefined;
        }
        yield step.value;
      }
    } finally {
      // Release the backend iterator on break/throw (level holds a native snapshot).
      if (!done) await it.return?.();
    }
  }

  async clear(range?: RangeOptions): Promise<void> {
    const normal = normalizeRange(range);
    this.assertOpen();
    return this._clear(normal);
  }

  sublevel(name: string): Store {
    assertSublevelName(name);
    let child = this.#children.get(name);
    if (child === undefined) {
      child = this._sublevel(name);
      this.#children.set(name, child);
    }
    return child;
  }
}

function noop(): void {}
