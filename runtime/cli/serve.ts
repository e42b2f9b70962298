/**
 * Runs a hub server as this process: shared by `fieldhub hub` and `fieldhub start`. Loads the
 * configuration, starts the server, tells a person where the CA and keys are, prints exactly one
 * `fieldhub <role> ready: …` line once every head listens (tests wait for `ready`), and closes
 * everything on SIGINT/SIGTERM, exiting 0. Logs are JSON on stderr; stdout is for people.
 */
import { isIP } from 'node:net';
import { createRootLogger, type Logger } from '../../hub-core/log.js';
import { startHubServer, type HubServer } from '../../hub-core/server/hub-server.js';
import { serverNames } from '../../hub-core/tls/index.js';
import { loadHubConfig, type GatewayConfig, type HubConfig, type HubConfigOverrides, type HubRole } from '../config/hub-config.js';

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

/** Where the upstream is, without the key. */
function upstreamLine(g: GatewayConfig): string {
  const up = g.upstream!;
  if (up.protocol === 'mqtt-bridge') return `MQTT bridge to ${(up.bridge?.url ?? '').replace(/\/\/[^@/]*@/, '//')}`;
  const host = /HostName=([^;]+)/.exec(up.connectionString ?? '')?.[1] ?? '?';
  return `AMQP to ${host}:${up.port} (${up.auth === 'policy' ? 'policy key' : 'device keys'}), outbox ${Math.round(up.outbox.maxBytes / 1048576)} MiB, when full: ${up.outbox.fullPolicy}`;
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
    const g = config as GatewayConfig;
    const up = g.upstream;
    lines.push(`  gateway identity:                    ${g.gateway.deviceId}`);
    lines.push(`  upstream:                            ${up === undefined ? 'none (local hub only; add an upstream section to sync)' : upstreamLine(g)}`);
    const modules = Object.entries(g.modules).filter(([, m]) => m.enabled).map(([name, m]) => (name === m.type ? name : `${name} (${m.type})`));
    lines.push(`  modules:                             ${modules.length === 0 ? 'none' : modules.join(', ')}`);
    lines.push(`  routes:                              ${Object.keys(g.routes).length === 0 ? 'none' : Object.values(g.routes).join(' | ')}`);
  }
  for (const w of c.warnings) lines.push(`  warning: ${w}`);
  return lines;
}

/**
 * Starts the server for `role`; resolves once ready (the process then lives on its sockets).
 * Rejects with the coded errors of loadHubConfig and startHubServer.
 */
export async function serve(role: HubRole, flags: ServeFlags): Promise<HubServer> {
  const load = { ...(flags.config !== undefined ? { file: flags.config } : {}), overrides: overridesFrom(flags) };
  // --log-level, then FIELDHUB_LOG_LEVEL (the ad hoc switch tests use), then the file.
  const loggerFor = (config: HubConfig): Logger => createRootLogger(flags.logLevel ?? process.env.FIELDHUB_LOG_LEVEL ?? config.log.level);
  if (role === 'gateway') {
    // Loaded on use: `fieldhub hub` never needs the runtime's gateway parts or the modules.
    const [{ loadGatewayConfig }, { startGateway }, { factories }] = await Promise.all([
      import('../config/gateway-config.js'), import('../gateway/gateway.js'), import('../../modules/index.js'),
    ]);
    const config = loadGatewayConfig({ ...load, factories });
    const logger = loggerFor(config);
    const gateway = await startGateway(config, logger, factories);
    // SIGHUP: read the file again and apply its modules section (a bad file changes nothing).
    process.on('SIGHUP', () => {
      void (async () => {
        try {
          const next = loadGatewayConfig({ ...load, factories });
          const { restartNeededFor } = await gateway.reload(next);
          process.stdout.write(`fieldhub gateway: SIGHUP, configuration reloaded; modules applied${restartNeededFor.length > 0
            ? `; restart to apply ${restartNeededFor.join(', ')}` : ''}\n`);
        } catch (err) {
          process.stdout.write(`fieldhub gateway: SIGHUP, configuration not reloaded: ${(err as Error).message}\n`);
          logger.warn({ event: 'configReloadFailed', err }, 'configuration not reloaded');
        }
      })();
    });
    return announce(role, config, gateway.server, () => gateway.close(), logger);
  }
  const config = loadHubConfig({ role, ...load });
  const logger = loggerFor(config);
  const server = await startHubServer(config, logger);
  return announce(role, config, server, () => server.close(), logger);
}

/** Installs the signal handlers, prints the start lines and then the ready line. */
function announce(role: HubRole, config: HubConfig, server: HubServer, closeAll: () => Promise<void>, logger: Logger): HubServer {
  let signals = 0;
  const stop = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      process.stdout.write(`${role === 'hub' ? 'fieldhub hub' : 'fieldhub gateway'}: second ${signal}, exiting now\n`);
      process.exit(1);
    }
    process.stdout.write(`${role === 'hub' ? 'fieldhub hub' : 'fieldhub gateway'}: ${signal}, stopping\n`);
    closeAll().then(
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
