#!/usr/bin/env node
// Writes the precompiled configuration validators (ajv's standalone code generation) under
// runtime/config/generated/: hub-config-validators.ts (the hub configuration) and
// module-config-validators.ts (the built-in module types' config schemas), from the BUILT generator
// dist/runtime/config/validator-codegen.js. Run it as `npm run gen:validators`, which builds first
// and again afterwards (so dist/ runs the new validators). See runtime/config/validator-codegen.ts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const codegen = join(root, 'dist', 'runtime', 'config', 'validator-codegen.js');
if (!existsSync(codegen)) {
  process.stderr.write(`gen-validators: ${codegen} is missing; run \`npm run gen:validators\` (it builds first)\n`);
  process.exit(1);
}
const { GENERATED_FILES } = await import(pathToFileURL(codegen).href);
for (const { path, generate } of GENERATED_FILES) {
  const target = join(root, path);
  const text = generate();
  const before = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (before === text) {
    process.stdout.write(`gen-validators: ${path} is up to date (${text.length} bytes)\n`);
  } else {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    process.stdout.write(`gen-validators: wrote ${path} (${text.length} bytes)\n`);
  }
}
