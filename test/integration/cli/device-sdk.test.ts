/**
 * The CLI against a device that runs the unmodified Azure IoT device SDK (MQTT), connected with
 * the connection string `fieldhub device create` printed and the hub's CA: C2D messages arrive,
 * direct methods are answered, desired properties reach the device, telemetry shows in monitor.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Message } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { ensureDist, FIELDHUB_BIN, startHubProcess, type HubProcess } from '../../helpers/hub-process.js';
import { runCli } from './run-cli.js';

// dist/ is what the processes run: (re)build it here, outside any test's time limit.
beforeAll(() => ensureDist(), 180_000);

let hub: HubProcess;
let at: string[];
const clients: Client[] = [];

async function connectDevice(id: string): Promise<Client> {
  const created = await runCli(['device', 'create', id, '--data-dir', hub.dataDir]);
  expect(created.code).toBe(0);
  const client = Client.fromConnectionString(created.stdout.trim(), Mqtt);
  await client.setOptions({ ca: hub.ca });
  await client.open();
  clients.push(client);
  return client;
}

beforeAll(async () => {
  hub = await startHubProcess({ hostName: 'localhost', bindAddress: '127.0.0.1' });
  at = ['--data-dir', hub.dataDir];
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await hub?.cleanup();
});

describe('CLI with an Azure IoT SDK device', () => {
  it('c2d send reaches the device with body, message id and properties', async () => {
    const client = await connectDevice('sdk-c2d');
    const received = new Promise<Message>((resolve) => client.on('message', (m: Message) => resolve(m)));
    const sent = await runCli(['c2d', 'send', 'sdk-c2d', 'hello device', '--message-id', 'msg-42', '--prop', 'kind=greeting',
      '--prop', 'a=b=c', '--ack', 'full', '--correlation-id', 'corr-1', ...at]);
    expect(sent).toMatchObject({ code: 0, stdout: 'msg-42\n' });
    const m = await received;
    expect(m.data.toString()).toBe('hello device');
    expect(m.messageId).toBe('msg-42');
    expect(m.correlationId).toBe('corr-1');
    expect(m.properties.getValue('kind')).toBe('greeting');
    expect(m.properties.getValue('a')).toBe('b=c');
    // Over MQTT the SDK surfaces the feedback request as the app property iothub-ack (AMQP: msg.ack).
    expect(m.properties.getValue('iothub-ack')).toBe('full');

    const fromStdin = new Promise<Message>((resolve) => client.once('message', (msg: Message) => resolve(msg)));
    const piped = await runCli(['c2d', 'send', 'sdk-c2d', '-', ...at], { input: 'from stdin' });
    expect(piped.code).toBe(0);
    expect(piped.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    expect((await fromStdin).data.toString()).toBe('from stdin');
  });

  it('method invoke prints the device\u2019s answer; offline and timeout exit non-zero', async () => {
    const client = await connectDevice('sdk-method');
    client.onDeviceMethod('echo', (req, res) => {
      void res.send(201, { got: req.payload, method: req.methodName });
    });
    client.onDeviceMethod('silent', () => { /* never answers */ });
    // onDeviceMethod subscribes asynchronously; a twin round trip on the same connection orders after it.
    await client.getTwin();

    const ok = await runCli(['method', 'invoke', 'sdk-method', 'echo', '--payload', '{"a":[1,2]}', ...at]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ status: 201, payload: { got: { a: [1, 2] }, method: 'echo' } });

    const late = await runCli(['method', 'invoke', 'sdk-method', 'silent', '--timeout', '1', ...at]);
    expect(late.code).toBe(1);
    expect(late.stdout).toBe('');
    expect(late.stderr).toMatch(/^fieldhub: FH_CLI_TIMEOUT: invoke silent on sdk-method: the device did not answer in time/);

    await runCli(['device', 'create', 'sdk-offline', ...at]);
    const off = await runCli(['method', 'invoke', 'sdk-offline', 'echo', ...at]);
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/^fieldhub: FH_CLI_DEVICE_OFFLINE: invoke echo on sdk-offline: the device is not connected/);
  });

  it('twin update delivers desired properties to the device, which reports back', async () => {
    const client = await connectDevice('sdk-twin');
    const twin = await client.getTwin();
    const desired = new Promise<Record<string, unknown>>((resolve) => {
      twin.on('properties.desired', (patch: Record<string, unknown>) => {
        if ('interval' in patch) resolve(patch);
      });
    });
    const up = await runCli(['twin', 'update', 'sdk-twin', '--desired', '{"interval":7}', ...at]);
    expect(up.code).toBe(0);
    expect((await desired).interval).toBe(7);
    await new Promise<void>((resolve, reject) => twin.properties.reported.update({ applied: 7 }, (err?: Error) => (err ? reject(err) : resolve())));
    const shown = JSON.parse((await runCli(['twin', 'show', 'sdk-twin', ...at])).stdout);
    expect(shown.properties.reported.applied).toBe(7);
    expect(shown.connectionState).toBe('Connected');
  });

  it('monitor prints the device\u2019s telemetry as JSON lines and ends cleanly on SIGINT', async () => {
    const client = await connectDevice('sdk-tele');
    const before = new Message('{"t":20.5}');
    before.properties.add('unit', 'C');
    before.messageId = 'early';
    await client.sendEvent(before);

    const monitor = spawn(process.execPath, [FIELDHUB_BIN, 'monitor', '--device', 'sdk-tele', '--from-start', ...at], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    monitor.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    monitor.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    const waitFor = (test: () => boolean): Promise<void> => new Promise((resolve, reject) => {
      const check = (): void => { if (test()) { cleanup(); resolve(); } };
      const onExit = (): void => { cleanup(); reject(new Error(`monitor exited: ${err}`)); };
      const cleanup = (): void => { monitor.stdout.off('data', check); monitor.stderr.off('data', check); monitor.off('exit', onExit); };
      monitor.stdout.on('data', check);
      monitor.stderr.on('data', check);
      monitor.once('exit', onExit);
      check();
    });
    const exited = new Promise<number | null>((resolve) => monitor.once('exit', (code) => resolve(code)));

    await waitFor(() => out.includes('"early"'));
    await waitFor(() => err.includes('following telemetry'));
    const live = new Message(Buffer.from([0xff, 0x00, 0x01]));
    live.messageId = 'live';
    await client.sendEvent(live);
    await waitFor(() => out.includes('"live"'));

    monitor.kill('SIGINT');
    expect(await exited).toBe(0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      deviceId: 'sdk-tele', moduleId: null, body: '{"t":20.5}', bodyEncoding: 'utf8',
      properties: { unit: 'C' }, system: { messageId: 'early' },
    });
    expect(lines[1]).toMatchObject({ body: Buffer.from([0xff, 0x00, 0x01]).toString('base64'), bodyEncoding: 'base64', system: { messageId: 'live' } });
    expect(lines[1]!.seq as number).toBeGreaterThan(lines[0]!.seq as number);
    expect(typeof lines[0]!.enqueuedTime).toBe('string');
  });
});
