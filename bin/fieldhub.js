#!/usr/bin/env node
// The `fieldhub` command. The CLI is TypeScript compiled to dist/ by `npm run build`, which
// `npm install` runs through the `prepare` script. A checkout where that did not happen (install
// scripts disabled, a fresh `git clone` without install) gets one build here, then continues.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'runtime', 'cli', 'main.js');

if (!existsSync(entry)) {
  process.stderr.write('fieldhub: dist/ is missing (the build did not run at install); building it now with `npm run build`…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (!existsSync(entry)) {
    process.stderr.write(`fieldhub: FH_CLI_USAGE: the build failed (exit ${build.status ?? build.error?.message}); run \`npm install\` in ${root} and try again\n`);
    process.exit(1);
  }
}

const { main } = await import(pathToFileURL(entry).href);
await main(process.argv);
