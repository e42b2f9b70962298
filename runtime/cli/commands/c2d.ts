/**
 * `fieldhub c2d send`: queues a cloud-to-device message for a device (fieldhub's HTTPS extension
 * of the service API; IoT Hub itself takes C2D over AMQP). Prints the message id.
 */
import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import { RuntimeError } from '../../errors.js';
import { action, addTargetOptions, collectKeyValue, examples, parseSeconds, targetOptions } from '../cli-support.js';
import { resolveTarget, type TargetOptions } from '../hub-target.js';
import { ServiceClient, enc } from '../service-client.js';

interface C2dFlags extends TargetOptions {
  prop?: Record<string, string>;
  ack?: string;
  messageId?: string;
  correlationId?: string;
  contentType?: string;
  contentEncoding?: string;
  ttl?: number;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Registers `c2d` on the program. */
export function registerC2dCommand(program: Command): void {
  const c2d = program.command('c2d').summary('send cloud-to-device messages')
    .description('Sends cloud-to-device messages to devices.');

  addTargetOptions(c2d.command('send').summary('queue a message for a device').argument('<id>', 'device ID').argument('<body>', 'message body (text); - reads it from stdin')
    .description('Queues a message for device ID; the device gets it now if connected, else when it connects (until it expires: default 1 h, the hub\u2019s limits.c2dDefaultTtlMs). Prints the message id.')
    .option('--prop <key=value>', 'an application property (repeat for more)', collectKeyValue)
    .addOption(new Option('--ack <kind>', 'delivery feedback to request').choices(['full', 'positive', 'negative', 'none']))
    .option('--message-id <id>', 'message id (default: a new UUID)')
    .option('--correlation-id <id>', 'correlation id')
    .option('--content-type <type>', 'content type, e.g. application/json')
    .option('--content-encoding <encoding>', 'content encoding, e.g. utf-8')
    .option('--ttl <seconds>', 'expire the message this many seconds from now', parseSeconds))
    .addHelpText('after', examples(
      'fieldhub c2d send sensor-1 "hello"',
      'fieldhub c2d send sensor-1 \'{"led":"on"}\' --content-type application/json --prop priority=high --ack full',
      'cat firmware-note.txt | fieldhub c2d send sensor-1 -',
    ))
    .action(action(async (id: string, bodyArg: string, flags: C2dFlags) => {
      const body = bodyArg === '-' ? await readStdin() : Buffer.from(bodyArg, 'utf8');
      const messageId = flags.messageId ?? randomUUID();
      const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream', 'iothub-messageid': messageId };
      if (flags.correlationId !== undefined) headers['iothub-correlationid'] = flags.correlationId;
      if (flags.ack !== undefined) headers['iothub-ack'] = flags.ack;
      if (flags.contentType !== undefined) headers['iothub-contenttype'] = flags.contentType;
      if (flags.contentEncoding !== undefined) headers['iothub-contentencoding'] = flags.contentEncoding;
      if (flags.ttl !== undefined) headers['iothub-expiry'] = new Date(Date.now() + flags.ttl * 1000).toISOString();
      for (const [k, v] of Object.entries(flags.prop ?? {})) {
        // Properties travel as HTTP headers: names must be header tokens, values printable ASCII.
        if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k) || !/^[\t\x20-\x7e]*$/.test(v)) {
          throw new RuntimeError('FH_CLI_USAGE', `--prop ${k}=…: names may use letters, digits and !#$%&'*+.^_\`|~- only, values printable ASCII`);
        }
        headers[`iothub-app-${k}`] = v;
      }
      const client = new ServiceClient(resolveTarget(targetOptions({ ...flags })));
      await client.request(`/fieldhub/v1/devices/${enc(id)}/messages/devicebound`,
        { method: 'POST', body: new Uint8Array(body), headers }, `send to ${id}`);
      process.stdout.write(`${messageId}\n`);
    }));
}
