/**
 * LevelStore against the store conformance suite, plus what only a persistent backend must do:
 * restore after reopen, survive kill -9 of a writer, and refuse a second opener of its folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { HubError } from '../../../hub-core/errors.js';
import { openStore } from '../../../hub-core/store/index.js';
import { LevelStore } from '../../../hub-core/store/level.js';
import { suite } from './index.js';
import * as persistence from './persistence.js';

const root = mkdtempSync(join(tmpdir(), 'fieldhub-level-'));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

const common = {
  // A fresh folder per store, all under one temp root removed at the end.
  factory: async () => new LevelStore(join(root, `db-${n++}`)),
  supports: { persistence: true },
};

suite('LevelStore', common);
persistence.suite('LevelStore persistence', {
  ...common,
  location: () => join(root, `db-${n++}`),
  open: (dir) => new LevelStore(dir),
});

describe('LevelStore specifics', () => {
  test('a missing folder with createIfMissing: false fails FH_STORE_IO and stays closed', async () => {
    const db = new LevelStore(join(root, 'does-not-exist'), { createIfMissing: false });
    const err = await db.open().then(() => undefined, (e: unknown) => e);
    expect((err as HubError).code).toBe('FH_STORE_IO');
    expect((err as HubError).cause).toBeDefined();
    expect(db.status).toBe('closed');
  });

  test('a bad location is a programmer error', () => {
    expect(() => new LevelStore('')).toThrow(TypeError);
  });

  test('openStore builds and opens either backend', async () => {
    const level = await openStore('level', join(root, `db-${n++}`));
    const memory = await openStore('memory');
    try {
      for (const db of [level, memory]) {
        expect(db.status).toBe('open');
        await db.put('k', new Uint8Array([1]));
        expect(Array.from((await db.get('k'))!)).toEqual([1]);
      }
      await expect(openStore('level')).rejects.toBeInstanceOf(TypeError);
    } finally {
      await Promise.all([level.close(), memory.close()]);
    }
  });
});
