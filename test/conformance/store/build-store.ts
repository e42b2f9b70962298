/**
 * Builds hub-core/store as plain JavaScript into a temp folder, for child processes.
 *
 * Why: the crash test must kill a *separate* Node process mid-write, and that process should run
 * the real LevelStore and GroupCommitter, not a re-implementation. dist/ may not be built and
 * tsx is not installed, so the sources are transpiled (types stripped, no type check) with the
 * TypeScript compiler already in devDependencies. A `node_modules` symlink next to the output
 * lets the built files resolve `level` from the repository.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A built copy of the store; `entry` is the file URL of its index.js. Call `remove()` when done. */
export interface BuiltStore {
  entry: string;
  remove(): void;
}

/** Transpiles hub-core/errors.ts and hub-core/store/*.ts (not tests) into a new temp folder. */
export function buildStore(): BuiltStore {
  const out = mkdtempSync(join(tmpdir(), 'fieldhub-store-build-'));
  const sources = [
    'hub-core/errors.ts',
    ...readdirSync(join(REPO, 'hub-core/store'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => `hub-core/store/${f}`),
  ];
  for (const rel of sources) {
    const { outputText } = ts.transpileModule(readFileSync(join(REPO, rel), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: rel,
    });
    const target = join(out, rel.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(REPO, 'node_modules'), join(out, 'node_modules'), 'dir');
  return {
    entry: new URL(`file://${join(out, 'hub-core/store/index.js')}`).href,
    remove: () => rmSync(out, { recursive: true, force: true }),
  };
}
