/**
 * Module input messages over the AMQP head: the official SDK's ModuleClient (azure-iot-device-amqp,
 * unmodified) receives `sendToModuleInput` messages on its input link with the input name
 * (`x-opt-input-name`); completing a message settles it, abandoning redelivers it.
 */
import device from 'azure-iot-device';
import deviceAmqp from 'azure-iot-device-amqp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addSasIdentity, deviceConnectionString, startAmqpHub, waitFor, type AmqpTestHub } from '../amqp/harness.js';

const { ModuleClient, Message } = device;
const { Amqp } = deviceAmqp;
type SdkMessage = InstanceType<typeof Message>;

describe('module inputs over AMQP with the official ModuleClient', () => {
  let hub: AmqpTestHub;
  const clients: { close(): Promise<unknown> }[] = [];

  beforeEach(async () => {
    hub = await startAmqpHub();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close().catch(() => undefined);
    await hub.close();
  });

  it('delivers input messages with their input name; abandon redelivers, complete drains', async () => {
    const key = await addSasIdentity(hub, 'gw1', 'filter');
    const client = ModuleClient.fromConnectionString(deviceConnectionString(hub, 'gw1', key, 'filter'), Amqp);
    clients.push(client);
    await client.setOptions({ ca: hub.ca });
    await client.open();
    const ref = { deviceId: 'gw1', moduleId: 'filter' };
    const received: [string, string][] = [];
    let abandonedOnce = false;
    client.on('inputMessage', (inputName: string, msg: SdkMessage) => {
      received.push([inputName, msg.getData().toString()]);
      if (!abandonedOnce) {
        abandonedOnce = true;
        void client.abandon(msg);
      } else {
        void client.complete(msg);
      }
    });
    await hub.core.c2d.sendToModuleInput(ref, 'input1', { body: Buffer.from('hello module'), system: { messageId: 'a-1' }, properties: { p: 'v' } });
    await waitFor(() => received.length >= 2, 'input message and its redelivery');
    expect(received.slice(0, 2)).toEqual([['input1', 'hello module'], ['input1', 'hello module']]);
    await waitFor(async () => (await hub.core.c2d.depth(ref)) === 0, 'input queue drained');
  });
});
