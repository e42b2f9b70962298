// Preloaded into a child process with `NODE_OPTIONS=--import <this file>`: on SIGUSR2 it writes
// the names of the npm packages that process has loaded so far (from the CommonJS module cache,
// where every CommonJS package lands, also when imported from ESM) to FH_PROBE_OUT, as JSON.
// Tests use it to check what a running hub has loaded, e.g. that a head's protocol library
// waits for that head's first connection.
import { renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const out = process.env.FH_PROBE_OUT;
if (out) {
  const cache = createRequire(import.meta.url).cache;
  process.on('SIGUSR2', () => {
    const names = new Set();
    for (const file of Object.keys(cache)) {
      const m = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(file.slice(file.lastIndexOf('node_modules') - 1));
      if (m) names.add(m[1].replace('\\', '/'));
    }
    writeFileSync(`${out}.tmp`, JSON.stringify([...names].sort()));
    // Renamed into place: the reader never sees half a file.
    renameSync(`${out}.tmp`, out);
  });
}
