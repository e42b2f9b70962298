/**
 * Authentication and scope: refused CONNECTs carry the right CONNACK code, disabled devices are
 * refused and cut off, one identity cannot publish or subscribe as another, and TLS is mandatory.
 */
import device from 'azure-iot-device';
import deviceMqtt from 'azure-iot-device-mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signSas } from '../../../hub-core/core/sas.js';
import {
  addSasIdentity, deviceConnectionString, deviceToken, logsWithCode, startMqttHub, storedTelemetry, username, waitFor,
  type MqttTestHub,
} from './harness.js';
import { closed, connectMqtt, endAllMqtt } from './mqtt-peer.js';

const { Client } = device;
const { Mqtt } = deviceMqtt;
const WRONG_KEY = Buffer.alloc(32, 7).toString('base64');

describe('MQTT head: security', () => {
  let hub: MqttTestHub;
  let key1: string;

  beforeEach(async () => {
    hub = await startMqttHub();
    key1 = await addSasIdentity(hub, 'dev1');
    await addSasIdentity(hub, 'dev2');
  });
  afterEach(async () => {
    await endAllMqtt();
    await hub.close();
  });

  it('refuses a wrong key: CONNACK 5, and the SDK open() rejects', async () => {
    const r = await connectMqtt(hub, { clientId: 'dev1', username: username(hub, 'dev1'), password: deviceToken(hub, 'dev1', WRONG_KEY) });
    expect(r).toMatchObject({ outcome: 'refused', returnCode: 5 });

    const client = Client.fromConnectionString(deviceConnectionString(hub, 'dev1', WRONG_KEY), Mqtt);
    await client.setOptions({ ca: hub.ca });
    await expect(client.open()).rejects.toThrow();
    await client.close().catch(() => undefined);
    expect(hub.connects.size).toBe(0);
    expect(logsWithCode(hub, 'FH_AUTH_BAD_SIGNATURE').map((l) => [l.event, l.identity])).toEqual([['connect-refused', 'dev1'], ['connect-refused', 'dev1']]);
    // Refusals name the identity, never the credential.
    const logged = JSON.stringify(hub.logs);
    expect(logged).not.toContain('SharedAccessSignature');
    expect(logged).not.toContain(WRONG_KEY);
  });

  it('refuses an expired token with CONNACK 5', async () => {
    const expired = signSas(`${hub.hostName}/devices/dev1`, key1, Math.floor(Date.now() / 1000) - 60);
    const r = await connectMqtt(hub, { clientId: 'dev1', username: username(hub, 'dev1'), password: expired });
    expect(r).toMatchObject({ outcome: 'refused', returnCode: 5 });
    expect(logsWithCode(hub, 'FH_AUTH_EXPIRED')).toHaveLength(1);
  });

  it('maps unreadable credentials to 4 and a bad clientId to 2', async () => {
    expect(await connectMqtt(hub, { clientId: 'dev1', username: username(hub, 'dev1'), password: 'not a token' }))
      .toMatchObject({ outcome: 'refused', returnCode: 4 });
    expect(await connectMqtt(hub, { clientId: 'dev1', username: username(hub, 'dev1') }))
      .toMatchObject({ outcome: 'refused', returnCode: 4 });
    expect(await connectMqtt(hub, { clientId: 'a/b/c', username: username(hub, 'a'), password: deviceToken(hub, 'dev1', key1) }))
      .toMatchObject({ outcome: 'refused', returnCode: 2 });
    expect(logsWithCode(hub, 'FH_AUTH_MALFORMED')).toHaveLength(1);
    expect(logsWithCode(hub, 'FH_AUTH_MISSING')).toHaveLength(1);
  });

  it('refuses a token of one device used as another (clientId or username mismatch)', async () => {
    const token = deviceToken(hub, 'dev1', key1);
    expect(await connectMqtt(hub, { clientId: 'dev2', username: username(hub, 'dev2'), password: token }))
      .toMatchObject({ outcome: 'refused', returnCode: 5 });
    expect(await connectMqtt(hub, { clientId: 'dev1', username: username(hub, 'dev2'), password: token }))
      .toMatchObject({ outcome: 'refused', returnCode: 5 });
    expect(logsWithCode(hub, 'FH_AUTH_SCOPE')).toHaveLength(2);
  });

  it('accepts a policy token with DeviceConnect, refuses one without', async () => {
    const policies = hub.core.auth.policies();
    const owner = policies.find((p) => p.keyName === 'iothubowner')!;
    const service = policies.find((p) => p.keyName === 'service')!;
    const exp = Math.floor(Date.now() / 1000) + 600;
    const ok = await connectMqtt(hub, { clientId: 'dev2', username: username(hub, 'dev2'), password: signSas(hub.hostName, owner.primaryKey, exp, owner.keyName) });
    expect(ok.outcome).toBe('connected');
    const no = await connectMqtt(hub, { clientId: 'dev1', username: username(hub, 'dev1'), password: signSas(hub.hostName, service.primaryKey, exp, service.keyName) });
    expect(no).toMatchObject({ outcome: 'refused', returnCode: 5 });
    expect(logsWithCode(hub, 'FH_AUTH_PERMISSION')).toHaveLength(1);
  });

  it('refuses a disabled device, and disconnects a connected device when it is disabled', async () => {
    const c = await connectMqtt(hub, { clientId: 'dev1', username: username(hub, 'dev1'), password: deviceToken(hub, 'dev1', key1) });
    expect(c.outcome).toBe('connected');
    const gone = closed(c.client);
    await hub.core.registry.updateDevice({ deviceId: 'dev1', status: 'disabled' }, '*');
    await gone;
    expect(logsWithCode(hub, 'FH_AUTH_DISABLED').map((l) => l.event)).toEqual(['closed-by-core']);

    const again = await connectMqtt(hub, { clientId: 'dev1', username: username(hub, 'dev1'), password: deviceToken(hub, 'dev1', key1) });
    expect(again).toMatchObject({ outcome: 'refused', returnCode: 5 });
  });

  it('disconnects a device publishing to another device\u2019s topic and stores nothing for it', async () => {
    const c = await connectMqtt(hub, { clientId: 'dev1', username: username(hub, 'dev1'), password: deviceToken(hub, 'dev1', key1) });
    const gone = closed(c.client);
    c.client.publish('devices/dev2/messages/events/', 'spoofed', { qos: 1 });
    await gone;
    expect(await storedTelemetry(hub, 'dev2')).toEqual([]);
    expect(await storedTelemetry(hub)).toEqual([]);
    expect(logsWithCode(hub, 'FH_AUTH_SCOPE').map((l) => l.event)).toEqual(['scope-violation']);
  });

  it('grants own filters with min(qos, 1) and refuses another device\u2019s devicebound with 0x80', async () => {
    const c = await connectMqtt(hub, { clientId: 'dev1', username: username(hub, 'dev1'), password: deviceToken(hub, 'dev1', key1) });
    // mqtt.js 5 rejects a SUBACK containing 0x80 and carries the packet on the error.
    const err = await c.client.subscribeAsync({
      'devices/dev1/messages/devicebound/#': { qos: 2 },
      'devices/dev2/messages/devicebound/#': { qos: 1 },
      '#': { qos: 0 },
      '$iothub/methods/POST/#': { qos: 0 },
    }).then(() => undefined, (e: { packet?: { granted: number[] } }) => e);
    expect(err?.packet?.granted).toEqual([1, 128, 128, 0]);
    expect(c.client.connected).toBe(true);
    // The refused subscription never delivers dev2's messages to dev1.
    const got: string[] = [];
    c.client.on('message', (topic) => got.push(topic));
    await hub.core.c2d.send('dev2', { body: Buffer.from('for dev2'), system: {}, properties: {} });
    await hub.core.c2d.send('dev1', { body: Buffer.from('for dev1'), system: {}, properties: {} });
    await waitFor(() => got.length >= 1, 'dev1 C2D');
    expect(got.every((t) => t.startsWith('devices/dev1/messages/devicebound/'))).toBe(true);
    expect(await hub.core.c2d.queueDepth('dev2')).toBe(1);
  });

  it('never starts an MQTT session over plain TCP (the TLS handshake fails)', async () => {
    const r = await connectMqtt(hub, { plain: true, clientId: 'dev1', username: username(hub, 'dev1'), password: deviceToken(hub, 'dev1', key1) });
    expect(r.outcome).toBe('closed');
    expect(hub.connects.size).toBe(0);
    await waitFor(() => hub.logs.some((l) => l.event === 'tls-client-error'), 'TLS error log');
  });
});
