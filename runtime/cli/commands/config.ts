/**
 * `fieldhub config check FILE`: the same checks `fieldhub start --config FILE` (or, with
 * `--role hub`, `fieldhub hub`) runs before it starts anything, so a file it accepts starts.
 * Prints `ok: FILE` and a summary, or every error with its JSON path, exit 2.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { isRuntimeError } from '../../errors.js';
import { action, examples } from '../cli-support.js';

/** Registers `config check` on the program. */
export function registerConfigCommand(program: Command): void {
  const config = program.command('config').summary('check configuration files').description('Configuration files: `fieldhub config check FILE`.');
  config
    .command('check')
    .argument('<file>', 'YAML or JSON configuration file')
    .summary('check a configuration file without starting anything')
    .description([
      'Checks FILE as `fieldhub start --config FILE` would (or `fieldhub hub` with --role hub): YAML/JSON syntax, the schema (unknown keys and wrong types, each with its JSON path), the upstream settings, every route (with the column of an error), the sinks and modules the routes name, and each module\u2019s own settings against its schema.',
      'Exit 0 and a summary when the file is valid; exit 2 with every error otherwise.',
    ].join('\n\n'))
    .addOption(new Option('--role <role>', 'which command the file is for').choices(['gateway', 'hub']).default('gateway'))
    .addHelpText('after', examples(
      'fieldhub config check gateway.yaml',
      'fieldhub config check hub.yaml --role hub',
    ))
    .action(action(async (file: string, flags: { role: 'gateway' | 'hub' }) => {
      try {
        await check(file, flags.role);
      } catch (err) {
        if (!isRuntimeError(err, 'FH_CONFIG_INVALID')) throw err;
        // One problem per line here (start prints them on one line, as every CLI error).
        const problems = err.problems.length > 0 ? err.problems : [err.message];
        process.stderr.write(`fieldhub: FH_CONFIG_INVALID: ${file}: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
        process.exitCode = 2;
      }
    }));
}

async function check(file: string, role: 'gateway' | 'hub'): Promise<void> {
  const { loadHubConfig } = await import('../../config/hub-config.js');
  if (role === 'hub') {
    const c = loadHubConfig({ role: 'hub', file });
    process.stdout.write(`ok: ${file} (hub ${c.hostName}, data ${c.dataDir})\n`);
    return;
  }
  const { loadGatewayConfig } = await import('../../config/gateway-config.js');
  const { factories } = await import('../../../modules/index.js');
  const c = loadGatewayConfig({ file, factories });
  const modules = Object.entries(c.modules).map(([name, m]) => `${name} (${m.type}${m.enabled ? '' : ', disabled'})`);
  process.stdout.write([
    `ok: ${file}`,
    `  gateway ${c.gateway.deviceId} on ${c.hostName}, data ${c.dataDir}`,
    `  upstream: ${c.upstream === undefined ? 'none (local hub only)' : c.upstream.protocol}`,
    `  modules: ${modules.length === 0 ? 'none' : modules.join(', ')}`,
    `  routes: ${Object.keys(c.routes).length}, sinks: ${Object.keys(c.sinks).length}`,
  ].join('\n') + '\n');
}
