#!/usr/bin/env node
// Writes runtime/config/generated/hub-config-validators.ts (the hub configuration's validators,
// precompiled with ajv's standalone code generation) from the BUILT generator
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
const { generateHubConfigValidators, GENERATED_VALIDATORS_PATH } = await import(pathToFileURL(codegen).href);
const target = join(root, GENERATED_VALIDATORS_PATH);
const text = generateHubConfigValidators();
const before = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
if (before === text) {
  process.stdout.write(`gen-validators: ${GENERATED_VALIDATORS_PATH} is up to date (${text.length} bytes)\n`);
} else {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  process.stdout.write(`gen-validators: wrote ${GENERATED_VALIDATORS_PATH} (${text.length} bytes)\n`);
}
