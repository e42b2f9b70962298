/**
 * Parent scope upstream: the gateway holds only its own device connection string for the
 * upstream fieldhub hub, and its token carries the leaf devices whose parent it is there. A
 * device registered upstream without that parent is refused (FH_UPSTREAM_AUTH), the others go on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eHub, type E2eHub } from './support/hub.js';
import { startE2eGateway, type E2eGateway } from './support/gateway.js';
import { deviceSdk, openDevice, type OpenDevice } from './support/device.js';
import { bodyText, readTelemetry } from './support/service-http.js';
import { waitFor } from './support/observe.js';

const { Message } = deviceSdk;
let upstream: E2eHub;
let gw: E2eGateway;
let dev: OpenDevice | undefined;

beforeAll(async () => {
  upstream = await startE2eHub({ amqpPort: 5671 });
  // Upstream, an operator registers the gateway and its children (parentId), as for IoT Edge.
  const { key } = await upstream.createDevice('gw-parent');
  await upstream.registry.create({ deviceId: 'child-1', parentId: 'gw-parent' } as never);
  await upstream.registry.create({ deviceId: 'stranger-1' });
  gw = await startE2eGateway(upstream, {
    deviceId: 'gw-parent',
    upstreamConfig: {
      auth: 'parent', createIdentities: false,
      connectionString: `HostName=${upstream.ip};DeviceId=gw-parent;SharedAccessKey=${key}`,
    },
    config: { modules: {} },
  });
}, 120_000);

afterAll(async () => {
  await dev?.close();
  await gw?.stop();
  await upstream?.stop();
});

describe('parent scope', () => {
  it('carries the gateway and its children on the gateway token; a device that is not its child is refused', async () => {
    const { connectionString } = await gw.createDevice('child-1');
    await gw.createDevice('stranger-1');
    await waitFor(async () => ((await gw.health()).upstream?.link.identitiesOnline ?? 0) >= 2, 30_000, () => 'gateway and child never came online');
    const { link } = (await gw.health()).upstream!;
    expect(link).toMatchObject({ identitiesOnline: 2, identitiesTotal: 3, connections: 1 });

    dev = await openDevice(connectionString, { ca: gw.caPem });
    await dev.client.sendEvent(new Message('from a child'));
    await waitFor(async () => (await readTelemetry(upstream, { deviceId: 'child-1' })).length >= 1, 20_000, () => 'child telemetry never arrived');
    expect((await readTelemetry(upstream, { deviceId: 'child-1' })).map(bodyText)).toEqual(['from a child']);
    expect(gw.hub.stderr()).toMatch(/FH_UPSTREAM_AUTH/);
  });
});
