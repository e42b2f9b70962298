/**
 * `fieldhub device create|list|show|delete|connection-string`: the identity registry, through the
 * hub's service API. `create` and `connection-string` print only the connection string on stdout,
 * so `CS=$(fieldhub device create dev1)` works.
 */
import { Command, Option } from 'commander';
import type { Authentication, Device, Module } from '../../../hub-core/core/types.js';
import { normalizeThumbprint } from '../../../hub-core/tls/thumbprint.js';
import { RuntimeError } from '../../errors.js';
import { action, addTargetOptions, examples, printJson, targetOptions } from '../cli-support.js';
import { deviceConnectionString } from '../device-connection-string.js';
import { resolveTarget, type TargetOptions } from '../hub-target.js';
import { ServiceClient, enc } from '../service-client.js';

interface CreateFlags extends TargetOptions {
  primaryKey?: string;
  secondaryKey?: string;
  x509Thumbprint?: string;
  disabled?: boolean;
  module?: string;
  gatewayHost?: string;
}

function identityPath(deviceId: string, moduleId?: string): string {
  return moduleId === undefined ? `/devices/${enc(deviceId)}` : `/devices/${enc(deviceId)}/modules/${enc(moduleId)}`;
}

function authenticationFrom(flags: CreateFlags): Authentication {
  if (flags.x509Thumbprint !== undefined) {
    if (flags.primaryKey !== undefined || flags.secondaryKey !== undefined) {
      throw new RuntimeError('FH_CLI_USAGE', 'give either SAS keys or --x509-thumbprint, not both');
    }
    const thumbprint = normalizeThumbprint(flags.x509Thumbprint);
    if (thumbprint === undefined) {
      throw new RuntimeError('FH_CLI_USAGE', '--x509-thumbprint must be a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint');
    }
    return { type: 'selfSigned', x509Thumbprint: { primaryThumbprint: thumbprint, secondaryThumbprint: null } };
  }
  // Empty keys: the hub generates them (as IoT Hub does).
  return { type: 'sas', symmetricKey: { primaryKey: flags.primaryKey ?? '', secondaryKey: flags.secondaryKey ?? '' } };
}

async function create(deviceId: string, flags: CreateFlags): Promise<void> {
  if (flags.disabled && flags.module !== undefined) throw new RuntimeError('FH_CLI_USAGE', '--disabled applies to devices, not modules');
  const authentication = authenticationFrom(flags);
  const target = resolveTarget(targetOptions({ ...flags }));
  const client = new ServiceClient(target);
  const body = flags.module === undefined
    ? { deviceId, status: flags.disabled ? 'disabled' : 'enabled', authentication }
    : { deviceId, moduleId: flags.module, authentication };
  const what = flags.module === undefined ? `create device ${deviceId}` : `create module ${deviceId}/${flags.module}`;
  const created = await client.json<Device | Module>(identityPath(deviceId, flags.module), { method: 'PUT', body }, what);
  process.stdout.write(`${deviceConnectionString({
    hostName: target.hostName, deviceId, authentication: created.authentication,
    ...(flags.module !== undefined ? { moduleId: flags.module } : {}),
    ...(target.mqttPort !== undefined ? { mqttPort: target.mqttPort } : {}),
    ...(flags.gatewayHost !== undefined ? { gatewayHost: flags.gatewayHost } : {}),
  })}\n`);
}

async function connectionStringOf(deviceId: string, flags: CreateFlags): Promise<void> {
  const target = resolveTarget(targetOptions({ ...flags }));
  const identity = await new ServiceClient(target).json<Device | Module>(identityPath(deviceId, flags.module), {}, `get ${deviceId}`);
  process.stdout.write(`${deviceConnectionString({
    hostName: target.hostName, deviceId, authentication: identity.authentication,
    ...(flags.module !== undefined ? { moduleId: flags.module } : {}),
    ...(target.mqttPort !== undefined ? { mqttPort: target.mqttPort } : {}),
    ...(flags.gatewayHost !== undefined ? { gatewayHost: flags.gatewayHost } : {}),
  })}\n`);
}

async function list(flags: TargetOptions & { device?: string; json?: boolean }): Promise<void> {
  const client = new ServiceClient(resolveTarget(targetOptions({ ...flags })));
  if (flags.device !== undefined) {
    const modules = await client.json<Module[]>(`/devices/${enc(flags.device)}/modules`, {}, `list modules of ${flags.device}`);
    if (flags.json) return printJson(modules);
    for (const m of modules) process.stdout.write(`${m.deviceId}/${m.moduleId}\t${m.authentication.type}\t${m.connectionState}\n`);
    return;
  }
  const devices = await client.json<Device[]>('/devices', {}, 'list devices');
  if (flags.json) return printJson(devices);
  const rows = [['DEVICE', 'STATUS', 'AUTH', 'CONNECTION', 'LAST ACTIVITY'],
    ...devices.map((d) => [d.deviceId, d.status, d.authentication.type, d.connectionState, d.lastActivityTime])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`);
}

const moduleOption = (verb: string): Option => new Option('--module <id>', `${verb} the module ID of the device instead of the device`);
const gatewayOption = (): Option => new Option('--gateway-host <host[:port]>',
  'add GatewayHostName=HOST[:PORT]: the address devices dial for MQTT (default: HostName, with the MQTT port when it is not 8883)');

/** Registers `device` and its subcommands on the program. */
export function registerDeviceCommand(program: Command): void {
  const device = program.command('device').summary('manage device and module identities')
    .description('Creates, lists, shows and deletes device and module identities of a running hub, and prints their connection strings. Reaches the hub with --data-dir (same machine) or --hub.');

  addTargetOptions(device.command('create').summary('register a device or module; prints its connection string').argument('<id>', 'device ID')
    .description('Registers a device (or, with --module, a module of an existing device) and prints ONLY its connection string on stdout. SAS keys are generated unless given; --x509-thumbprint registers a self-signed X.509 identity instead (its connection string then says x509=true).')
    .option('--primary-key <key>', 'primary SAS key (base64); generated when absent')
    .option('--secondary-key <key>', 'secondary SAS key (base64); generated when absent')
    .option('--x509-thumbprint <thumbprint>', 'SHA-1 or SHA-256 thumbprint of the device\u2019s self-signed certificate')
    .option('--disabled', 'create it disabled (it cannot connect until enabled)')
    .addOption(moduleOption('create'))
    .addOption(gatewayOption()))
    .addHelpText('after', examples(
      'fieldhub device create sensor-1 --data-dir ./data',
      'CS=$(fieldhub device create sensor-1) && node my-device.js "$CS"',
      'fieldhub device create sensor-1 --module filter',
      'fieldhub device create cam-2 --x509-thumbprint 9F1C…E2 --gateway-host 192.168.1.20',
    ))
    .action(action(create));

  addTargetOptions(device.command('list').summary("list devices (or one device's modules)")
    .description('Lists the hub\u2019s devices (a table; --json for the full documents), or with --device the modules of one device.')
    .option('--device <id>', 'list the modules of this device instead')
    .option('--json', 'print the documents as JSON'))
    .addHelpText('after', examples('fieldhub device list', 'fieldhub device list --json | jq -r \'.[].deviceId\'', 'fieldhub device list --device sensor-1'))
    .action(action(list));

  addTargetOptions(device.command('show').summary('print a device or module as JSON').argument('<id>', 'device ID')
    .description('Prints a device\u2019s (or module\u2019s) registry document as JSON, keys included.')
    .addOption(moduleOption('show')))
    .addHelpText('after', examples('fieldhub device show sensor-1', 'fieldhub device show sensor-1 --module filter'))
    .action(action(async (id: string, flags: TargetOptions & { module?: string }) => {
      const client = new ServiceClient(resolveTarget(targetOptions({ ...flags })));
      printJson(await client.json(identityPath(id, flags.module), {}, `show ${id}`));
    }));

  addTargetOptions(device.command('delete').summary('delete a device or module').argument('<id>', 'device ID')
    .description('Deletes a device (with its modules, twin and queued messages), or with --module one module. A connected device is disconnected at once. Prints nothing on success.')
    .addOption(moduleOption('delete')))
    .addHelpText('after', examples('fieldhub device delete sensor-1', 'fieldhub device delete sensor-1 --module filter'))
    .action(action(async (id: string, flags: TargetOptions & { module?: string }) => {
      const client = new ServiceClient(resolveTarget(targetOptions({ ...flags })));
      await client.request(identityPath(id, flags.module), { method: 'DELETE', headers: { 'If-Match': '"*"' } }, `delete ${id}`);
    }));

  addTargetOptions(device.command('connection-string').summary("print a device's or module's connection string").argument('<id>', 'device ID')
    .description('Prints ONLY the connection string of a device or module (primary key), for the Azure IoT device SDKs.')
    .addOption(moduleOption('for'))
    .addOption(gatewayOption()))
    .addHelpText('after', examples('fieldhub device connection-string sensor-1', 'fieldhub device connection-string sensor-1 --gateway-host 192.168.1.20'))
    .action(action(connectionStringOf));
}
