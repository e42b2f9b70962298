/**
 * `fieldhub hub`: the hub core alone, a self-hosted IoT hub for a fleet of gateways and devices
 * (and the upstream in tests). Keeps IoT Hub's standard ports: 8883 (MQTT) and 443 (HTTPS), so
 * the unmodified service SDK, which always dials port 443, works against it.
 */
import type { Command } from 'commander';
import { action, examples } from '../cli-support.js';
import type { ServeFlags } from '../serve.js';
import { addServeOptions } from './serve-options.js';

/** Registers `hub` on the program. */
export function registerHubCommand(program: Command): void {
  const cmd = program
    .command('hub')
    .summary('run a self-hosted IoT hub (hub core alone)')
    .description([
      'Runs the hub core alone: an Azure IoT Hub-compatible hub for devices (MQTT over TLS) and back ends (the IoT Hub service REST API over HTTPS).',
      'On first start it creates, in its data folder, a CA (certs/ca.pem: the file clients must trust), a server certificate for the host name, localhost and 127.0.0.1, and the owner policy keys (in hub.json, mode 0600). It prints where they are, then one line "fieldhub hub ready: mqtts://HOST:PORT https://HOST:PORT amqps://HOST:PORT" once every port listens.',
      'Port 443 is privileged: run as root, grant node CAP_NET_BIND_SERVICE, or pick --https-port >= 1024 (the Azure service SDK only dials 443; this CLI dials any port).',
      'SIGINT/SIGTERM stop it cleanly (exit 0). A port it cannot bind, or a data folder another hub holds, stops it with exit code 2 and a message naming the flag and config key to change.',
    ].join('\n\n'));
  addServeOptions(cmd, 'hub')
    .addHelpText('after', examples(
      'fieldhub hub                                        # ./hub-data, ports 8883 and 443',
      'fieldhub hub --hostname hub.lan --https-port 8443   # as a normal user',
      'fieldhub hub --config hub.yaml --data-dir /var/lib/fieldhub',
    ))
    .action(action(async (flags: ServeFlags) => {
      // Loaded on use: the server pulls in the whole hub core, which client commands never need.
      const { serve } = await import('../serve.js');
      await serve('hub', flags);
    }));
}
