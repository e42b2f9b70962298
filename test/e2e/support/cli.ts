/**
 * Runs the built CLI (`node bin/fieldhub.js …`) as a user would. The build must exist
 * (`npm test` builds first; for a single file run `npm run build` before vitest).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './observe.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BIN = join(REPO_ROOT, 'bin', 'fieldhub.js');

function assertBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
}

/** Runs one CLI command to completion; rejects with its stderr when it exits non-zero. */
export function runCli(args: string[], timeoutMs = 20_000): Promise<{ stdout: string; stderr: string }> {
  assertBuilt();
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`fieldhub ${args.join(' ')} failed (${err.message}):\n${stderr}`));
      else resolvePromise({ stdout, stderr });
    });
  });
}

export interface Monitor {
  /** Parsed JSON lines printed so far. */
  readonly lines: Record<string, unknown>[];
  /** Resolves with the first line (already printed or future) that matches. */
  waitForLine(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/**
 * `fieldhub monitor --data-dir DIR [--device ID] --from-start`, reading its stdout line by line.
 * --from-start: monitor otherwise prints only messages stored after it asked for the latest
 * sequence number, and a test cannot know when that was.
 */
export function startMonitor(dataDir: string, deviceId?: string): Monitor {
  assertBuilt();
  const args = [BIN, 'monitor', '--data-dir', dataDir, ...(deviceId ? ['--device', deviceId] : []), '--from-start'];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let partial = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl).trim();
      partial = partial.slice(nl + 1);
      if (line === '') continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        throw new Error(`fieldhub monitor printed a line that is not JSON: ${line}`);
      }
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => { stderr += chunk; });
  return {
    lines,
    async waitForLine(match, timeoutMs = 15_000) {
      await waitFor(() => lines.some(match) || child.exitCode !== null, timeoutMs,
        () => `monitor printed no matching line; lines: ${JSON.stringify(lines)}; stderr: ${stderr}`);
      const found = lines.find(match);
      if (!found) throw new Error(`monitor exited (${child.exitCode}) without a matching line; stderr: ${stderr}`);
      return found;
    },
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    },
  };
}
