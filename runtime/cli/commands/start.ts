/**
 * `fieldhub start`: the gateway's command: its local hub core, the module host, routes and, when
 * configured, the upstream link with store-and-forward. Without a config file it runs the embedded
 * default: data in ./data, host name localhost, MQTT 8883 and HTTPS 8443 (so it runs as a normal
 * user), the system module, no upstream.
 */
import type { Command } from 'commander';
import { action, examples } from '../cli-support.js';
import type { ServeFlags } from '../serve.js';
import { addServeOptions } from './serve-options.js';

/** Registers `start` on the program. */
export function registerStartCommand(program: Command): void {
  const cmd = program
    .command('start')
    .summary('run the field gateway (local hub, modules, routes, upstream link)')
    .description([
      'Runs the field gateway. With no config file it runs the embedded default: the local hub with its data in ./data, host name localhost, MQTT over TLS on 8883, AMQP on 5671 and the HTTPS service API on 8443 (not 443: the gateway runs as a normal user), the system module (board health), and no upstream.',
      'With --config FILE it also syncs with an upstream hub (`upstream:`: Azure IoT Hub or a `fieldhub hub`, identities multiplexed over AMQP (1,000 per connection by default), or a plain MQTT bridge), runs the configured modules, and routes messages (`routes:`, `sinks:`). Messages bound upstream wait in a persisted outbox while the upstream is away. `fieldhub config check FILE` checks a file first; deploy/config/gateway.example.yaml shows every key.',
      'Leaf devices connect with a connection string from `fieldhub device create` (GatewayHostName = this gateway) and trust data/certs/ca.pem. Health: GET /fieldhub/v1/gateway on the HTTPS port.',
      'SIGHUP reads the config file again and applies its modules section: only modules whose settings changed restart; other sections need a restart (it says which). A file with errors changes nothing.',
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
