/**
 * Runs `node bin/fieldhub.js …` to completion and collects what it printed: the CLI as a user
 * runs it, a real process talking to a real hub.
 */
import { spawn } from 'node:child_process';
import { FIELDHUB_BIN, REPO_ROOT } from '../../helpers/hub-process.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI with `args`; resolves when it exits (any exit code). Test files call ensureDist()
 * in a beforeAll hook, so every run in a file uses the same build.
 */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string; prefix?: string[] } = {}): Promise<CliResult> {
  const [command, ...pre] = options.prefix ?? [process.execPath];
  return new Promise((resolve, reject) => {
    const child = spawn(command!, [...pre, ...(options.prefix ? [process.execPath] : []), FIELDHUB_BIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, FIELDHUB_LOG_LEVEL: 'warn', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
