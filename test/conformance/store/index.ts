/**
 * The store conformance suite, after abstract-level's test/index.js and aedes-persistence's
 * abstract.js: every backend calls `suite(name, common)`. Features run on a root store and then
 * again on a sublevel, which must behave as a store of its own.
 */
import { afterEach, describe, test } from 'vitest';
import type { Store } from '../../../hub-core/store/store.js';
import * as basic from './basic.js';
import * as batch from './batch.js';
import * as closed from './closed.js';
import type { Common } from './common.js';
import * as groupCommit from './group-commit.js';
import * as iterate from './iterate.js';
import * as sublevel from './sublevel.js';

export type { Common, Supports, Test } from './common.js';

const FEATURES = { basic, iterate, batch, sublevel, closed, groupCommit };

/** Registers the whole suite for one backend inside a vitest `describe`. */
export function suite(name: string, common: Common): void {
  describe(name, () => {
    // Every root made by the factory is closed after each test, so level releases its lock.
    const roots: Store[] = [];
    afterEach(async () => {
      await Promise.all(roots.splice(0).map((db) => db.close()));
    });
    const tracked = async (): Promise<Store> => {
      const db = await common.factory();
      roots.push(db);
      return db;
    };
    const onRoot: Common = { ...common, factory: tracked };
    const onSublevel: Common = { ...common, factory: async () => (await tracked()).sublevel('suite').sublevel('nested') };

    for (const [feature, mod] of Object.entries(FEATURES)) {
      describe(feature, () => mod.all(test, onRoot));
    }
    describe('on a sublevel', () => {
      for (const [feature, mod] of Object.entries(FEATURES)) {
        describe(feature, () => mod.all(test, onSublevel));
      }
    });
  });
}
