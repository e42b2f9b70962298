/**
 * SAS token renewal with the official SDK: DISCONNECT + CONNECT with a new password and NO
 * SUBSCRIBE afterwards (wire contract B, "Sessions must persist"). C2D, desired patches and twin
 * responses must keep working because the head restores the persistent session itself.
 */
import device from 'azure-iot-device';
import deviceMqtt from 'azure-iot-device-mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addSasIdentity, deviceConnectionString, startMqttHub, waitFor, type MqttTestHub } from './harness.js';

const { Client, Message } = device;
const { Mqtt } = deviceMqtt;

describe('MQTT head: token renewal keeps the session', () => {
  let hub: MqttTestHub;
  let client: InstanceType<typeof Client> | undefined;

  beforeEach(async () => {
    hub = await startMqttHub();
  });
  afterEach(async () => {
    await client?.close().catch(() => undefined);
    client = undefined;
    await hub.close();
  });

  it('after reconnects with renewed tokens, C2D, desired patches and twin GET still reach the client', async () => {
    const key = await addSasIdentity(hub, 'dev1');
    client = Client.fromConnectionString(deviceConnectionString(hub, 'dev1', key), Mqtt);
    // Tokens valid 3 s, renewed 2 s before expiry: the SDK reconnects about every second.
    await client.setOptions({ ca: hub.ca, tokenRenewal: { tokenValidTimeInSeconds: 3, tokenRenewalMarginInSeconds: 2 } });
    await client.open();

    // Subscribe to everything once, before any renewal.
    const c2d: string[] = [];
    client.on('message', (m: InstanceType<typeof Message>) => {
      c2d.push(m.getData().toString());
      void client!.complete(m);
    });
    const twin = await client.getTwin();
    const desired: Record<string, unknown>[] = [];
    twin.on('properties.desired', (patch: Record<string, unknown>) => desired.push(patch));
    await waitFor(() => desired.length >= 1, 'initial desired event');
    await waitFor(async () => hub.logs.some((l) => l.event === 'connected') && hub.connects.get('dev1') === 1, 'first connect');

    // At least two renewals, i.e. two more CONNECTs on the same clientId.
    await waitFor(() => (hub.connects.get('dev1') ?? 0) >= 3, 'two token renewals', 20_000);
    // Stop renewing often: this triggers one last renewal, then none for 45 minutes.
    const before = hub.connects.get('dev1')!;
    await client.setOptions({ tokenRenewal: { tokenValidTimeInSeconds: 3600, tokenRenewalMarginInSeconds: 900 } });
    await waitFor(() => hub.connects.get('dev1')! > before, 'last renewal');

    // A twin GET round trip proves the renewed connection is up (and twin responses flow).
    const again = await client.getTwin();
    expect(again.properties.desired.$version).toBe(1);

    await hub.core.c2d.send('dev1', { body: Buffer.from('after renewal'), system: { messageId: 'r1' }, properties: {} });
    await waitFor(() => c2d.includes('after renewal'), 'C2D after renewal');

    await hub.core.twins.patch({ deviceId: 'dev1' }, { properties: { desired: { mode: 'renewed' } } });
    await waitFor(() => desired.find((d) => d.mode === 'renewed'), 'desired patch after renewal');

    // The reconnects resumed the stored session: CONNACK session-present was 1.
    const resumed = hub.logs.filter((l) => l.event === 'connected' && l.clientId === 'dev1' && l.sessionPresent === true);
    expect(resumed.length).toBeGreaterThanOrEqual(3);
  });
});
