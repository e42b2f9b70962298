/**
 * `fieldhub start` reloads its configuration on SIGHUP: the modules whose settings changed are
 * restarted, the others keep running, and a broken file changes nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDist, hubArgs, REPO_ROOT } from '../../helpers/hub-process.js';
import { waitFor } from '../../helpers/core-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'fh-reload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (intervalB: number): string => [
  'modules:',
  '  sysA: { type: system, config: { intervalS: 60 } }',
  `  sysB: { type: system, config: { intervalS: ${intervalB} } }`,
  '',
].join('\n');

describe('fieldhub start: SIGHUP', () => {
  it('restarts only the module whose settings changed, and refuses a broken file without changing anything', async () => {
    ensureDist();
    const file = join(dir, 'gateway.yaml');
    writeFileSync(file, config(60));
    const child = spawn(process.execPath, hubArgs({ command: 'start', dataDir: join(dir, 'data'), configFile: file, hostName: '127.0.0.1', bindAddress: '127.0.0.1' }), {
      cwd: REPO_ROOT, env: { ...process.env, FIELDHUB_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => /fieldhub gateway ready/.test(out), 'ready', 30_000);
      const applies = (): { stopped: string[]; starting: string[] }[] => err.split('\n').filter((l) => l.includes('"modules-apply"'))
        .map((l) => JSON.parse(l) as { stopped: string[]; starting: string[] });
      expect(applies()).toEqual([expect.objectContaining({ stopped: [], starting: expect.arrayContaining(['sysA', 'sysB']) })]);

      writeFileSync(file, config(30));
      child.kill('SIGHUP');
      await waitFor(() => /configuration reloaded/.test(out), 'reload line', 15_000);
      await waitFor(() => applies().length === 2, 'second apply', 15_000);
      expect(applies()[1]).toMatchObject({ stopped: ['sysB'], starting: ['sysB'] });

      writeFileSync(file, 'modules:\n  sysB: { type: nosuch }\n');
      child.kill('SIGHUP');
      await waitFor(() => /configuration not reloaded: .*FH_CONFIG_INVALID|configuration not reloaded: .*unknown module type/.test(out), 'refusal line', 15_000);
      expect(applies()).toHaveLength(2);
      expect(out).toMatch(/\/modules\/sysB\/type/);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
