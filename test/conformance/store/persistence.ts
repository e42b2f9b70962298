/**
 * Persistent backends only (after aedes-persistence-level's restore test): data survives a new
 * instance on the same folder, every acknowledged write survives kill -9 of the writer, and a
 * folder is held by one store at a time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { seqKey, type Store } from '../../../hub-core/store/store.js';
import { buildStore, type BuiltStore } from './build-store.js';
import { collect, expectCode, text, utf8, type Common } from './common.js';

/** A persistent backend: also makes folders and opens stores on a given one. */
export interface PersistentCommon extends Common {
  /** A new, empty folder path for a store. */
  location: () => string;
  /** A new, unopened store on `location`. */
  open: (location: string) => Store;
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'crash-writer.mjs');

/** Mirrors valueOf in crash-writer.mjs. */
const valueOf = (n: number): string => `value-${n}-${'x'.repeat(n % 97)}`;

/** Registers the persistence tests when the backend declares `supports.persistence`. */
export function suite(name: string, common: PersistentCommon): void {
  describe.runIf(common.supports.persistence)(name, () => {
    const opened: Store[] = [];
    const open = async (dir: string): Promise<Store> => {
      const db = common.open(dir);
      opened.push(db);
      await db.open();
      return db;
    };
    afterAll(async () => {
      await Promise.all(opened.map((db) => db.close()));
    });

    test('reopen and restore: a new instance reads back root and sublevel data', async () => {
      const dir = common.location();
      const first = await open(dir);
      const sub = first.sublevel('twins');
      await first.batch([
        { type: 'put', key: 'b', value: utf8('root-b') },
        { type: 'put', key: 'a', value: new Uint8Array([0, 0xff, 0]) },
        { type: 'put', key: 'a', value: utf8('twin-a'), sublevel: sub },
      ]);
      await sub.sublevel('reported').put('r', utf8('nested'), { sync: true });
      await first.del('b');
      await first.close();

      const second = await open(dir);
      expect(Array.from((await second.get('a'))!)).toEqual([0, 0xff, 0]);
      expect(await second.get('b')).toBeUndefined();
      expect(await collect(second.keys())).toEqual(['a']);
      expect(text(await second.sublevel('twins').get('a'))).toBe('twin-a');
      expect(text(await second.sublevel('twins').sublevel('reported').get('r'))).toBe('nested');
    });

    test('a second store on an open folder rejects FH_STORE_LOCKED; it works once the first closes', async () => {
      const dir = common.location();
      const first = await open(dir);
      await first.put('k', utf8('v'));
      const second = common.open(dir);
      opened.push(second);
      await expectCode(second.open(), 'FH_STORE_LOCKED');
      expect(second.status).toBe('closed');
      await first.close();
      await second.open();
      expect(text(await second.get('k'))).toBe('v');
    });

    test('a damaged folder fails to open with FH_STORE_CORRUPT', async () => {
      const dir = common.location();
      const db = await open(dir);
      await db.put('k', utf8('v'));
      await db.close();
      writeFileSync(join(dir, 'CURRENT'), 'not a manifest name'); // no trailing newline: corrupt
      await expectCode(common.open(dir).open(), 'FH_STORE_CORRUPT');
    });

    describe('unclean stop (kill -9 of a writing process)', () => {
      let built: BuiltStore;
      const children = new Set<ChildProcess>();
      beforeAll(() => {
        built = buildStore();
      });
      // Also runs when a test timed out: never leave a writer behind (killed by its own PID).
      afterEach(() => {
        for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        children.clear();
      });
      afterAll(() => built.remove());

      for (const sync of [false, true]) {
        test(`every acknowledged write survives SIGKILL (sync: ${sync})`, async () => {
          const dir = common.location();
          const child = spawn(process.execPath, [CHILD, built.entry, dir, sync ? '1' : '0'], {
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          children.add(child);
          let acked: number[];
          try {
            acked = await readAcks(child, 3000, async () => {
              // While the child holds the folder, another process cannot open it.
              const intruder = common.open(dir);
              await expectCode(intruder.open(), 'FH_STORE_LOCKED');
            });
          } finally {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          }
          const exit = await new Promise<string | null>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode);
            else child.once('exit', (_code, signal) => resolve(signal));
          });
          expect(exit).toBe('SIGKILL');
          expect(acked.length).toBeGreaterThanOrEqual(3000);

          const db = await open(dir);
          const telemetry = db.sublevel('telemetry');
          const missing: number[] = [];
          for (const n of acked) {
            const value = await (n % 2 === 0 ? db : telemetry).get(seqKey(n));
            if (text(value) !== valueOf(n)) missing.push(n);
          }
          expect(missing).toEqual([]);
          // Still a working store: new writes land and iteration sees old and new.
          await db.put(seqKey(10 ** 9), utf8('after restart'), { sync: true });
          expect(text(await db.get(seqKey(10 ** 9)))).toBe('after restart');
          const rootKeys = await collect(db.keys());
          expect(rootKeys.length).toBeGreaterThanOrEqual(acked.filter((n) => n % 2 === 0).length + 1);
        });
      }
    });
  });
}

/**
 * Collects "ack n" lines until `target` acks (then resolves; the caller kills the child). Runs
 * `whileRunning` once after the child is ready. Rejects if the child exits first.
 */
function readAcks(child: ChildProcess, target: number, whileRunning: () => Promise<void>): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const acked: number[] = [];
    let buffered = '';
    let stderr = '';
    let checking: Promise<void> | null = null;
    let done = false;
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (done) return;
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!; // a partial last line is not an ack yet
      for (const line of lines) {
        if (line === 'ready' && checking === null) checking = whileRunning();
        else if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
      }
      if (acked.length >= target && checking !== null) {
        done = true;
        // Kill first (freeze the acked set), then wait for the side check to finish.
        child.kill('SIGKILL');
        checking.then(() => resolve(acked), reject);
      }
    });
    child.once('exit', (code, signal) => {
      if (!done) reject(new Error(`writer exited early (code ${code}, signal ${signal}): ${stderr}`));
    });
  });
}
