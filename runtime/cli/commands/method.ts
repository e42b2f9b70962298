/**
 * `fieldhub method invoke`: calls a direct method on a connected device and prints the device's
 * answer `{status, payload}`. Exits non-zero when the device is offline (FH_CLI_DEVICE_OFFLINE)
 * or does not answer in time (FH_CLI_TIMEOUT); the device's own status is data, not an error.
 */
import type { Command } from 'commander';
import { action, addTargetOptions, examples, parseJson, parseSeconds, printJson, targetOptions } from '../cli-support.js';
import { resolveTarget, type TargetOptions } from '../hub-target.js';
import { ServiceClient, enc } from '../service-client.js';

interface MethodFlags extends TargetOptions {
  payload?: unknown;
  timeout: number;
  module?: string;
}

/** Registers `method` on the program. */
export function registerMethodCommand(program: Command): void {
  const method = program.command('method').summary('invoke direct methods')
    .description('Invokes direct methods on connected devices and modules.');

  addTargetOptions(method.command('invoke').summary('invoke a direct method on a device or module').argument('<id>', 'device ID').argument('<name>', 'method name')
    .description('Invokes method NAME on device ID and prints {"status": N, "payload": …} as the device answered. The device must be connected and subscribed to methods; otherwise it fails at once (exit 1, FH_CLI_DEVICE_OFFLINE). No answer within --timeout seconds: exit 1, FH_CLI_TIMEOUT.')
    .option('--payload <json>', 'the request payload, any JSON value (default null)', parseJson)
    .option('--timeout <seconds>', 'how long to wait for the answer', parseSeconds, 30)
    .option('--module <id>', 'invoke it on this module of the device'))
    .addHelpText('after', examples(
      'fieldhub method invoke sensor-1 reboot',
      'fieldhub method invoke sensor-1 setInterval --payload \'{"seconds":10}\' --timeout 5',
      'fieldhub method invoke sensor-1 ping --module filter',
    ))
    .action(action(async (id: string, name: string, flags: MethodFlags) => {
      const client = new ServiceClient(resolveTarget(targetOptions({ ...flags })));
      const path = flags.module === undefined
        ? `/twins/${enc(id)}/methods`
        : `/twins/${enc(id)}/modules/${enc(flags.module)}/methods`;
      const body = {
        methodName: name,
        payload: flags.payload ?? null,
        responseTimeoutInSeconds: flags.timeout,
        connectTimeoutInSeconds: 0,
      };
      // The hub answers by the response timeout; the socket limit only guards against a hung hub.
      const result = await client.json(path, { method: 'POST', body, timeoutMs: (flags.timeout + 30) * 1000 }, `invoke ${name} on ${id}`);
      printJson(result);
    }));
}
