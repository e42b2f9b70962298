/**
 * The `fieldhub` command line. One file per command under commands/. Exit codes: 0 success,
 * 1 failure (one stderr line `fieldhub: FH_CODE: message`), 2 usage or configuration errors
 * (bad flags, invalid config, a port that cannot be bound, a data folder another hub holds).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { examples } from './cli-support.js';
import { registerC2dCommand } from './commands/c2d.js';
import { registerConfigCommand } from './commands/config.js';
import { registerDeviceCommand } from './commands/device.js';
import { registerHubCommand } from './commands/hub.js';
import { registerMethodCommand } from './commands/method.js';
import { registerMonitorCommand } from './commands/monitor.js';
import { registerStartCommand } from './commands/start.js';
import { registerStatusCommand } from './commands/status.js';
import { registerTwinCommand } from './commands/twin.js';

/** The package version, found by walking up from this file (source and dist sit at different depths). */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)), i = 0; i < 6; dir = dirname(dir), i++) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'fieldhub') return pkg.version ?? '0.0.0';
  }
  return '0.0.0';
}

/** Builds the program (exported for tests of the help texts). */
export function buildProgram(): Command {
  const program = new Command('fieldhub')
    .description('fieldhub: a field gateway with an embedded Azure IoT Hub-compatible hub. Run `fieldhub start` (the gateway) or `fieldhub hub` (a self-hosted hub); the other commands manage a running hub (--data-dir DIR on the same machine, or --hub CONNECTION_STRING). Exit codes: 0 success, 1 failure, 2 usage or configuration error.')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({
      // Usage errors as one line with their code, like every other error.
      outputError: (text, write) => write(`fieldhub: FH_CLI_USAGE: ${text.replace(/^error: /, '').trim()} (see --help)\n`),
    })
    .showSuggestionAfterError(true);
  registerStartCommand(program);
  registerHubCommand(program);
  registerDeviceCommand(program);
  registerTwinCommand(program);
  registerMethodCommand(program);
  registerC2dCommand(program);
  registerMonitorCommand(program);
  registerStatusCommand(program);
  registerConfigCommand(program);
  program.addHelpText('after', examples(
    'fieldhub start                                   # the gateway, data in ./data',
    'fieldhub device create sensor-1                  # prints its connection string',
    'fieldhub monitor                                 # telemetry as JSON lines',
    'fieldhub status                                  # how the gateway is doing (upstream, outbox, routes)',
    'fieldhub hub --data-dir /var/lib/fieldhub        # a self-hosted hub on 8883/443',
  ));
  return program;
}

/** Runs the CLI with `argv` (process.argv form). Sets process.exitCode; servers keep running. */
export async function main(argv: string[] = process.argv): Promise<void> {
  // `fieldhub monitor | head` closes the pipe: that is a normal end, not a crash.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error (already printed).
      process.exitCode = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? 0 : 2;
      return;
    }
    throw err;
  }
}
