/**
 * Module input messages end to end over the MQTT head: the hub core's `sendToModuleInput` queues a
 * message for a module identity, and the official SDK's ModuleClient (azure-iot-device-mqtt,
 * unmodified) receives it on `inputMessage` with its input name; the PUBACK completes it.
 */
import device from 'azure-iot-device';
import deviceMqtt from 'azure-iot-device-mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addSasIdentity, deviceConnectionString, startMqttHub, waitFor, type MqttTestHub } from '../mqtt/harness.js';

const { ModuleClient, Message } = device;
const { Mqtt } = deviceMqtt;
type SdkMessage = InstanceType<typeof Message>;

describe('module inputs over MQTT with the official ModuleClient', () => {
  let hub: MqttTestHub;
  const clients: { close(): Promise<unknown> }[] = [];

  beforeEach(async () => {
    hub = await startMqttHub();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close().catch(() => undefined);
    await hub.close();
  });

  async function openModule(deviceId: string, moduleId: string): Promise<InstanceType<typeof ModuleClient>> {
    const key = await addSasIdentity(hub, deviceId, moduleId);
    const client = ModuleClient.fromConnectionString(deviceConnectionString(hub, deviceId, key, moduleId), Mqtt);
    clients.push(client);
    await client.setOptions({ ca: hub.ca });
    await client.open();
    return client;
  }

  it('delivers input messages (queued before and after the subscription) with input name and properties', async () => {
    const client = await openModule('gw1', 'filter');
    const ref = { deviceId: 'gw1', moduleId: 'filter' };
    // Queued while the module is connected but not listening on inputs yet.
    await hub.core.c2d.sendToModuleInput(ref, 'input1', {
      body: Buffer.from('{"t":21}'),
      system: { messageId: 'in-1', contentType: 'application/json', connectionDeviceId: 'sensor7' },
      properties: { unit: 'C', 'with space': 'a&b' },
    });
    const received: [string, SdkMessage][] = [];
    client.on('inputMessage', (inputName: string, msg: SdkMessage) => {
      received.push([inputName, msg]);
      void client.complete(msg);
    });
    const [inputName, msg] = await waitFor(() => received[0], 'first input message');
    expect(inputName).toBe('input1');
    expect(msg.getData().toString()).toBe('{"t":21}');
    expect(msg.messageId).toBe('in-1');
    expect(msg.properties.getValue('unit')).toBe('C');
    expect(msg.properties.getValue('with space')).toBe('a&b');

    await hub.core.c2d.sendToModuleInput(ref, 'control', { body: Buffer.from('second'), system: {}, properties: {} });
    await waitFor(() => received[1], 'second input message');
    expect(received.map(([name, m]) => [name, m.getData().toString()])).toEqual([['input1', '{"t":21}'], ['control', 'second']]);
    // The SDK's PUBACK settles them: the module's queue drains.
    await waitFor(async () => (await hub.core.c2d.depth(ref)) === 0, 'input queue drained');
  });

  it('the module gets its input messages only, not its device\u2019s C2D messages', async () => {
    const client = await openModule('gw2', 'm');
    const inputs: string[] = [];
    client.on('inputMessage', (name: string, msg: SdkMessage) => {
      inputs.push(`${name}:${msg.getData().toString()}`);
      void client.complete(msg);
    });
    await hub.core.c2d.send('gw2', { body: Buffer.from('for the device'), system: {}, properties: {} });
    await hub.core.c2d.sendToModuleInput({ deviceId: 'gw2', moduleId: 'm' }, 'in', { body: Buffer.from('for m'), system: {}, properties: {} });
    await waitFor(() => inputs.length === 1, 'input message');
    expect(inputs).toEqual(['in:for m']);
    expect(await hub.core.c2d.queueDepth('gw2')).toBe(1);
  });
});
