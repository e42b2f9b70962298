/**
 * `fieldhub twin show|update`: device and module twins through the service API. `update` patches
 * tags and desired properties (objects merge, null deletes), as IoT Hub's PATCH /twins does.
 */
import type { Command } from 'commander';
import { RuntimeError } from '../../errors.js';
import { action, addTargetOptions, examples, parseJsonObject, printJson, targetOptions } from '../cli-support.js';
import { resolveTarget, type TargetOptions } from '../hub-target.js';
import { ServiceClient, enc } from '../service-client.js';

interface TwinFlags extends TargetOptions {
  module?: string;
  desired?: Record<string, unknown>;
  tags?: Record<string, unknown>;
  etag?: string;
}

function twinPath(deviceId: string, moduleId?: string): string {
  return moduleId === undefined ? `/twins/${enc(deviceId)}` : `/twins/${enc(deviceId)}/modules/${enc(moduleId)}`;
}

/** Registers `twin` and its subcommands on the program. */
export function registerTwinCommand(program: Command): void {
  const twin = program.command('twin').summary('show and update device twins')
    .description('Shows a device or module twin, and patches its tags and desired properties.');

  addTargetOptions(twin.command('show').summary('print a twin as JSON').argument('<id>', 'device ID')
    .description('Prints the twin (tags, desired and reported properties with $version and $metadata) as JSON.')
    .option('--module <id>', 'the twin of this module of the device'))
    .addHelpText('after', examples('fieldhub twin show sensor-1', 'fieldhub twin show sensor-1 | jq .properties.reported'))
    .action(action(async (id: string, flags: TwinFlags) => {
      const client = new ServiceClient(resolveTarget(targetOptions({ ...flags })));
      printJson(await client.json(twinPath(id, flags.module), {}, `show twin ${id}`));
    }));

  addTargetOptions(twin.command('update').summary('patch tags and desired properties').argument('<id>', 'device ID')
    .description('Patches tags and/or desired properties (JSON objects: objects merge, null deletes a key) and prints the updated twin. A connected device is told the desired change at once. With --etag the update applies only if the twin is unchanged since you read it (else exit 1, PreconditionFailed).')
    .option('--desired <json>', 'desired properties patch, e.g. \'{"interval":5}\'', parseJsonObject)
    .option('--tags <json>', 'tags patch, e.g. \'{"site":"north"}\'', parseJsonObject)
    .option('--etag <etag>', 'apply only if the twin still has this etag (default: unconditional)')
    .option('--module <id>', 'the twin of this module of the device'))
    .addHelpText('after', examples(
      'fieldhub twin update sensor-1 --desired \'{"interval":5}\'',
      'fieldhub twin update sensor-1 --tags \'{"site":"north","floor":null}\'',
      'fieldhub twin update sensor-1 --desired \'{"mode":"eco"}\' --etag AAAAAAAAAAM=',
    ))
    .action(action(async (id: string, flags: TwinFlags) => {
      if (flags.desired === undefined && flags.tags === undefined) {
        throw new RuntimeError('FH_CLI_USAGE', 'twin update needs --desired JSON and/or --tags JSON');
      }
      const body: Record<string, unknown> = {};
      if (flags.tags !== undefined) body.tags = flags.tags;
      if (flags.desired !== undefined) body.properties = { desired: flags.desired };
      const etag = flags.etag === undefined ? '*' : flags.etag.replace(/^"|"$/g, '');
      const client = new ServiceClient(resolveTarget(targetOptions({ ...flags })));
      printJson(await client.json(twinPath(id, flags.module), { method: 'PATCH', body, headers: { 'If-Match': `"${etag}"` } }, `update twin ${id}`));
    }));
}
