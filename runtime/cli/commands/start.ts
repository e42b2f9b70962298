/**
 * `fieldhub start`: the gateway's command. In this release the gateway is its local hub core (the
 * module host and the upstream link come later), on the embedded default: data in ./data, host
 * name localhost, MQTT 8883 and HTTPS 8443, so it runs as a normal user.
 */
import type { Command } from 'commander';
import { action, examples } from '../cli-support.js';
import type { ServeFlags } from '../serve.js';
import { addServeOptions } from './serve-options.js';

/** Registers `start` on the program. */
export function registerStartCommand(program: Command): void {
  const cmd = program
    .command('start')
    .summary('run the field gateway (for now: its local hub)')
    .description([
      'Runs the field gateway on its embedded default configuration, no config file needed: the local hub with its data in ./data, host name localhost, MQTT over TLS on 8883 and the HTTPS service API on 8443 (not 443: the gateway runs as a normal user).',
      'Leaf devices connect with a connection string from `fieldhub device create` and trust data/certs/ca.pem. Modules (Modbus, serial, BLE) and the upstream link arrive in later releases.',
      'It prints "fieldhub gateway ready: mqtts://HOST:PORT https://HOST:PORT" once ready; SIGINT/SIGTERM stop it cleanly. The flags override the config file (same keys as `fieldhub hub`).',
    ].join('\n\n'));
  addServeOptions(cmd, 'gateway')
    .addHelpText('after', examples(
      'npm start                                  # same as: fieldhub start',
      'fieldhub start --data-dir /var/lib/fieldhub --hostname gw-17.lan',
      'fieldhub start --config gateway.yaml',
    ))
    .action(action(async (flags: ServeFlags) => {
      // Loaded on use: the server pulls in the whole hub core, which client commands never need.
      const { serve } = await import('../serve.js');
      await serve('gateway', flags);
    }));
}
