/**
 * The folder rules of docs/architecture (shared/docs/architecture.md, "Folders"), checked on the
 * import statements of the sources, so a change that breaks them fails here rather than in review:
 * - hub-core/core imports no protocol library and no head: only node built-ins, its own files,
 *   hub-core/store and hub-core/errors.
 * - hub-core/store imports only node built-ins, level, its own files and hub-core/errors.
 * - nothing in hub-core imports runtime/, modules/ or devices/ (they build on hub-core, not the reverse).
 * - devices/ (profiles as data, their loader and codecs) imports nothing of runtime/ or modules/:
 *   only node built-ins, ajv, yaml, its own files and hub-core/errors.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && name !== 'test-kit.ts') out.push(path);
  }
  return out;
}

/** Every module specifier a file imports or re-exports (static and dynamic). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  const patterns = [/^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gms, /import\(\s*['"]([^'"]+)['"]\s*\)/g, /^\s*import\s+['"]([^'"]+)['"]/gm];
  for (const re of patterns) for (const m of text.matchAll(re)) found.push(m[1] as string);
  return found;
}

/** The repo-relative folder a relative specifier lands in, or the package name of a bare one. */
function target(file: string, spec: string): string {
  if (spec.startsWith('.')) return relative(ROOT, resolve(dirname(file), spec));
  return spec;
}

function violations(folder: string, allowed: (t: string) => boolean): string[] {
  const bad: string[] = [];
  for (const file of sources(join(ROOT, folder))) {
    for (const spec of specifiers(file)) {
      const t = target(file, spec);
      if (!allowed(t)) bad.push(`${relative(ROOT, file)} imports ${spec}`);
    }
  }
  return bad;
}

const builtin = (t: string): boolean => t.startsWith('node:');

describe('import boundaries', () => {
  it('finds the import statements it checks (the scanner itself works)', () => {
    const core = sources(join(ROOT, 'hub-core', 'core'));
    expect(core.length).toBeGreaterThan(10);
    expect(core.flatMap(specifiers)).toContain('../store/store.js');
  });

  it('hub-core/core imports only node built-ins, itself, hub-core/store and hub-core/errors', () => {
    const ok = (t: string) => builtin(t) || t.startsWith('hub-core/core/') || t.startsWith('hub-core/store/') || t === 'hub-core/errors.js';
    expect(violations('hub-core/core', ok)).toEqual([]);
  });

  it('hub-core/store imports only node built-ins, level, itself and hub-core/errors', () => {
    const ok = (t: string) => builtin(t) || t === 'level' || t.startsWith('hub-core/store/') || t === 'hub-core/errors.js';
    expect(violations('hub-core/store', ok)).toEqual([]);
  });

  it('hub-core imports nothing from runtime, modules or devices', () => {
    const ok = (t: string) => !/^(runtime|modules|devices)\//.test(t);
    expect(violations('hub-core', ok)).toEqual([]);
  });

  it('devices imports only node built-ins, ajv, yaml, itself and hub-core/errors (nothing of runtime or modules)', () => {
    expect(sources(join(ROOT, 'devices')).flatMap(specifiers)).toContain('../errors.js');
    const ok = (t: string) => builtin(t) || t === 'ajv' || t === 'yaml' || t.startsWith('devices/') || t === 'hub-core/errors.js';
    expect(violations('devices', ok)).toEqual([]);
  });
});
