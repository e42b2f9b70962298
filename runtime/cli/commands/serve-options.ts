/**
 * The flags `fieldhub hub` and `fieldhub start` share. Each overrides the same key of the config
 * file; the help names the key so a person can move a flag into the file.
 */
import { Option, type Command } from 'commander';
import { LOG_LEVELS, ROLE_DEFAULTS, type HubRole } from '../../config/hub-config.js';
import { parsePort } from '../cli-support.js';

/** Adds --config, --data-dir, --hostname, --bind, --mqtt-port, --https-port, --log-level. */
export function addServeOptions(cmd: Command, role: HubRole): Command {
  const d = ROLE_DEFAULTS[role];
  return cmd
    .option('--config <file>', 'YAML or JSON configuration file (see README: Configuration)')
    .option('--data-dir <dir>', `data folder: store, certs/, hub.json (config dataDir; default ${d.dataDir})`)
    .option('--hostname <name>', 'host name clients use; in connection strings and the server certificate (config hostName; default localhost)')
    .option('--bind <addr>', 'address to listen on (config bindAddress; default 0.0.0.0, every interface)')
    .option('--mqtt-port <n>', 'MQTT over TLS port for devices, 0 = any free port (config mqtt.port; default 8883)', parsePort)
    .option('--amqp-port <n>', 'AMQP 1.0 over TLS port for devices and services, 0 = any free port (config amqp.port; default 5671)', parsePort)
    .option('--https-port <n>', `HTTPS port of the service API, 0 = any free port (config https.port; default ${d.httpsPort})`, parsePort)
    .addOption(new Option('--log-level <level>', 'log level of the JSON logs on stderr (config log.level; default info)').choices([...LOG_LEVELS]));
}
