/**
 * Every command explains itself: `--help` exits 0, shows its usage and, for commands that do
 * something, examples. Unknown commands and options are usage errors (exit 2, one coded line).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDist } from '../../helpers/hub-process.js';
import { runCli } from './run-cli.js';

// dist/ is what the processes run: (re)build it here, outside any test's time limit.
beforeAll(() => ensureDist(), 180_000);

const LEAVES = [
  'start', 'hub', 'device create', 'device list', 'device show', 'device delete', 'device connection-string',
  'twin show', 'twin update', 'method invoke', 'c2d send', 'monitor', 'status',
];
const GROUPS = ['device', 'twin', 'method', 'c2d'];

describe('fieldhub --help', () => {
  it('the top level lists every command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['start', 'hub', 'device', 'twin', 'method', 'c2d', 'monitor', 'status']) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(r.stdout).toContain('Examples:');
  });

  it('each command has usage, a description and examples', async () => {
    const results = await Promise.all([...LEAVES, ...GROUPS].map(async (c) => [c, await runCli([...c.split(' '), '--help'])] as const));
    for (const [c, r] of results) {
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toContain(`Usage: fieldhub ${c} `);
      if (LEAVES.includes(c)) expect(r.stdout, c).toContain('Examples:\n  $ ');
    }
    const byName = new Map(results);
    expect(byName.get('hub')!.stdout).toContain('--https-port <n>');
    expect(byName.get('hub')!.stdout).toContain('default 443');
    expect(byName.get('start')!.stdout).toContain('default 8443');
    expect(byName.get('hub')!.stdout).toContain('--amqp-port <n>');
    expect(byName.get('start')!.stdout).toContain('default 5671');
    expect(byName.get('device create')!.stdout).toContain('--gateway-host');
    expect(byName.get('c2d send')!.stdout).toMatch(/choices:\s+"full",\s+"positive",\s+"negative",\s+"none"/);
  });

  it('unknown commands and options exit 2 with one FH_CLI_USAGE line', async () => {
    const cmd = await runCli(['devcie']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toMatch(/^fieldhub: FH_CLI_USAGE: unknown command 'devcie'/);
    const opt = await runCli(['device', 'list', '--bogus']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toBe("fieldhub: FH_CLI_USAGE: unknown option '--bogus' (see --help)\n");
    const ack = await runCli(['c2d', 'send', 'd', 'b', '--ack', 'sometimes']);
    expect(ack.code).toBe(2);
    expect(ack.stderr).toContain('Allowed choices are full, positive, negative, none');
  });
});
