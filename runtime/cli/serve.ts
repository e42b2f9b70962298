/**
 * Runs a hub server as this process: shared by `fieldhub hub` and `fieldhub start`. Loads the
 * configuration, starts the server, tells a person where the CA and keys are, prints exactly one
 * `fieldhub <role> ready: …` line once every head listens (tests wait for `ready`), and closes
 * everything on SIGINT/SIGTERM, exiting 0. Logs are JSON on stderr; stdout is for people.
 */
import { isIP } from 'node:net';
import { createRootLogger } from '../../hub-core/log.js';
import { startHubServer, type HubServer } from '../../hub-core/server/hub-server.js';
import { serverNames } from '../../hub-core/tls/index.js';
import { loadHubConfig, type HubConfig, type HubConfigOverrides, type HubRole } from '../config/hub-config.js';

/** Flags of `hub` and `start`. */
export interface ServeFlags {
  config?: string;
  dataDir?: string;
  hostname?: string;
  bind?: string;
  mqttPort?: number;
  amqpPort?: number;
  httpsPort?: number;
  logLevel?: string;
}

function overridesFrom(flags: ServeFlags): HubConfigOverrides {
  const o: HubConfigOverrides = {};
  if (flags.hostname !== undefined) o.hostName = flags.hostname;
  if (flags.dataDir !== undefined) o.dataDir = flags.dataDir;
  if (flags.bind !== undefined) o.bindAddress = flags.bind;
  if (flags.mqttPort !== undefined) o.mqttPort = flags.mqttPort;
  if (flags.amqpPort !== undefined) o.amqpPort = flags.amqpPort;
  if (flags.httpsPort !== undefined) o.httpsPort = flags.httpsPort;
  if (flags.logLevel !== undefined) o.logLevel = flags.logLevel;
  return o;
}

/** `host:port` for a URL: IPv6 literals in brackets. */
function hostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The lines a person reads at start (no secrets: the owner key stays in hub.json). */
export function startupLines(role: HubRole, config: HubConfig, server: HubServer): string[] {
  const c = server.certificates;
  const name = role === 'hub' ? 'fieldhub hub' : 'fieldhub gateway';
  const mark = (created: boolean): string => (created ? ' (created now)' : '');
  const lines = [
    `${name}: data folder ${config.dataDir}`,
    `  CA certificate (clients trust this): ${c.paths.caCert}${mark(c.created.ca)}`,
    ...(c.paths.caKey ? [`  CA key (secret, 0600):               ${c.paths.caKey}`] : []),
    `  server certificate:                  ${c.paths.serverCert}${mark(c.created.server)}, for ` +
      `${serverNames(config.hostName, config.tls.extraNames).join(', ')}, expires ${c.expires.server.toISOString().slice(0, 10)}`,
    `  server key (secret, 0600):           ${c.paths.serverKey}`,
    `  owner connection string (secret):    in ${server.infoFile} (0600); the CLI reads it, e.g.`,
    `    fieldhub device create my-device --data-dir ${config.dataDir}`,
  ];
  if (role === 'gateway') {
    lines.push('  This runs the gateway\u2019s local hub only: modules and the upstream link come in later releases.');
  }
  for (const w of c.warnings) lines.push(`  warning: ${w}`);
  return lines;
}

/**
 * Starts the server for `role`; resolves once ready (the process then lives on its sockets).
 * Rejects with the coded errors of loadHubConfig and startHubServer.
 */
export async function serve(role: HubRole, flags: ServeFlags): Promise<HubServer> {
  const config = loadHubConfig({ role, ...(flags.config !== undefined ? { file: flags.config } : {}), overrides: overridesFrom(flags) });
  // --log-level, then FIELDHUB_LOG_LEVEL (the ad hoc switch tests use), then the file.
  const logger = createRootLogger(flags.logLevel ?? process.env.FIELDHUB_LOG_LEVEL ?? config.log.level);
  const server = await startHubServer(config, logger);

  let signals = 0;
  const stop = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      process.stdout.write(`${role === 'hub' ? 'fieldhub hub' : 'fieldhub gateway'}: second ${signal}, exiting now\n`);
      process.exit(1);
    }
    process.stdout.write(`${role === 'hub' ? 'fieldhub hub' : 'fieldhub gateway'}: ${signal}, stopping\n`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ event: 'closeFailed', err }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  for (const line of startupLines(role, config, server)) process.stdout.write(`${line}\n`);
  const { mqtt, https, amqp } = server.addresses;
  // mqtts and https come first: scripts and tests match that prefix of the line.
  process.stdout.write(`fieldhub ${role === 'hub' ? 'hub' : 'gateway'} ready: mqtts://${hostPort(config.hostName, mqtt.port)} ` +
    `https://${hostPort(config.hostName, https.port)} amqps://${hostPort(config.hostName, amqp.port)}\n`);
  return server;
}
