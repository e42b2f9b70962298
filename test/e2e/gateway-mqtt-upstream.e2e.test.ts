/**
 * The gateway synced over the MQTT upstream link (one connection per identity, for upstreams
 * without AMQP): leaf telemetry, reported properties and a direct method through a real
 * `fieldhub hub`, with the leaf on the Azure device SDK.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eHub, type E2eHub } from './support/hub.js';
import { startE2eGateway, waitForUpstreamIdentity, type E2eGateway } from './support/gateway.js';
import { deviceSdk, openDevice, type OpenDevice } from './support/device.js';
import { bodyText, readTelemetry } from './support/service-http.js';
import { waitFor } from './support/observe.js';

const { Message } = deviceSdk;
let upstream: E2eHub;
let gw: E2eGateway;
let dev: OpenDevice | undefined;

beforeAll(async () => {
  upstream = await startE2eHub();
  gw = await startE2eGateway(upstream, { deviceId: 'gw-mqtt', upstreamConfig: { protocol: 'mqtt', port: upstream.hub.ports.mqtt } });
}, 120_000);

afterAll(async () => {
  await dev?.close();
  await gw?.stop();
  await upstream?.stop();
});

describe('MQTT upstream link', () => {
  it('mirrors identities with one upstream connection each, and leaf telemetry, reported properties and methods flow', async () => {
    const { connectionString } = await gw.createDevice('leaf-mq1');
    await waitForUpstreamIdentity(upstream, 'leaf-mq1');
    await waitFor(async () => {
      const link = (await gw.health()).upstream?.link;
      return link !== undefined && link.identitiesOnline >= 3 && link.identitiesOnline === link.identitiesTotal;
    }, 30_000, () => 'identities never came online over MQTT');
    const health = await gw.health();
    // gw-mqtt, gw-mqtt/system and leaf-mq1: one connection each.
    expect(health.upstream?.link.connections).toBe(health.upstream?.link.identitiesTotal);

    dev = await openDevice(connectionString, { ca: gw.caPem });
    dev.client.onDeviceMethod('blink', (_req, res) => { void res.send(200, { blinked: true }); });
    for (let i = 1; i <= 3; i++) await dev.client.sendEvent(new Message(`mq-${i}`));
    await waitFor(async () => (await readTelemetry(upstream, { deviceId: 'leaf-mq1' })).length >= 3, 20_000, () => 'telemetry never arrived upstream');
    expect((await readTelemetry(upstream, { deviceId: 'leaf-mq1' })).map(bodyText)).toEqual(['mq-1', 'mq-2', 'mq-3']);

    const twin = await dev.client.getTwin();
    await new Promise<void>((resolve, reject) => twin.properties.reported.update({ via: 'mqtt' }, (err?: Error) => (err ? reject(err) : resolve())));
    await waitFor(async () => (await upstream.registry.getTwin('leaf-mq1')).responseBody.properties.reported.via === 'mqtt', 20_000);

    let result: unknown;
    await waitFor(async () => {
      try {
        result = (await upstream.service.invokeDeviceMethod('leaf-mq1', { methodName: 'blink', payload: null, responseTimeoutInSeconds: 10 })).result;
        return true;
      } catch {
        return false;
      }
    }, 20_000, () => 'the method never reached the leaf');
    expect(result).toEqual({ status: 200, payload: { blinked: true } });
  });
});
