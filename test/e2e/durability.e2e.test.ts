/**
 * Nothing acknowledged is lost (architecture.md, Guarantees): publishers push QoS 1 telemetry as
 * fast as the hub acknowledges it, the hub is killed with SIGKILL right after thousands of
 * PUBACKs, restarted on the same data folder, and every acknowledged message must be there, in
 * order per device. A head that acknowledged before persisting fails this test.
 * Then bad input from some clients must not cost another client anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { startE2eHub, type E2eHub } from './support/hub.js';
import { bodyText, readTelemetry } from './support/service-http.js';
import { checkStored, SeqPublisher, type PublisherTarget } from './support/publisher.js';
import { deviceToken, RawMqtt, sdkUsername } from './support/raw-mqtt.js';
import { waitFor } from './support/observe.js';

let e2e: E2eHub;

beforeAll(async () => {
  e2e = await startE2eHub();
});

afterAll(async () => {
  await e2e?.stop();
});

function target(): PublisherTarget {
  return { host: e2e.ip, port: e2e.hub.ports.mqtt, ca: e2e.caPem, hostName: e2e.ip };
}

async function storedSeqs(deviceId: string): Promise<number[]> {
  return (await readTelemetry(e2e, { deviceId })).map((r) => Number(bodyText(r)));
}

describe('kill -9 after acknowledgements', () => {
  it('loses no acknowledged message and keeps per-device order', async () => {
    const WINDOW = 32;
    const KILL_AFTER_ACKS = 3000;
    const ids = ['dur-a', 'dur-b', 'dur-c', 'dur-d'];
    const publishers: SeqPublisher[] = [];
    for (const id of ids) {
      const { key } = await e2e.createDevice(id);
      publishers.push(await SeqPublisher.connect(target(), id, key, WINDOW));
    }
    const pidBefore = e2e.hub.pid;

    let total = 0;
    let killed = false;
    const dead = new Promise<void>((resolve) => {
      for (const pub of publishers) {
        pub.onAck(() => {
          total++;
          if (!killed && total >= KILL_AFTER_ACKS) {
            killed = true;
            // SIGKILL at once, from inside the PUBACK handler: acknowledgements already on the
            // wire still arrive and are recorded, and every one of them must survive.
            for (const p of publishers) p.stop();
            void e2e.hub.kill9();
            resolve();
          }
        });
      }
    });
    for (const pub of publishers) pub.start();
    await dead;
    await Promise.all(publishers.map((p) => p.client.closed));

    await e2e.restart();
    expect(e2e.hub.pid).not.toBe(pidBefore);

    let totalDuplicates = 0;
    for (const pub of publishers) {
      expect(pub.protocolErrors).toEqual([]);
      const { problems, duplicates } = checkStored(await storedSeqs(pub.deviceId), pub.acked, pub.lastSent);
      expect(problems, pub.deviceId).toEqual([]);
      totalDuplicates += duplicates;
    }
    // At-least-once allows duplicates, but only a bounded number: at most a window per device.
    expect(totalDuplicates).toBeLessThanOrEqual(WINDOW * ids.length);
    expect(publishers.reduce((n, p) => n + p.acked.length, 0)).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

    // The restarted hub keeps serving: a new publisher on a fresh connection is acknowledged.
    const again = await SeqPublisher.connect(target(), 'dur-e', (await e2e.createDevice('dur-e')).key, 1);
    again.start();
    await waitFor(() => again.acked.length >= 1, 15_000, () => 'no PUBACK after the restart');
    again.stop();
    await again.client.end();
  }, 120_000);
});

describe('bad input from other clients', () => {
  it('does not disturb a steady publisher: all its messages are acknowledged and stored', async () => {
    const { key: steadyKey } = await e2e.createDevice('steady');
    const steady = await SeqPublisher.connect(target(), 'steady', steadyKey, 8);
    steady.start();
    await waitFor(() => steady.acked.length >= 100, 15_000, () => `steady acked ${steady.acked.length}`);

    const keyOf = async (id: string): Promise<string> => (await e2e.createDevice(id)).key;
    const connectAs = async (id: string, key: string): Promise<RawMqtt> => {
      const { client, connack } = await RawMqtt.connect({
        host: e2e.ip, port: e2e.hub.ports.mqtt, ca: e2e.caPem, clientId: id,
        username: sdkUsername(e2e.ip, id), password: deviceToken(e2e.ip, id, key),
      });
      expect(connack?.returnCode, `${id} CONNACK`).toBe(0);
      return client;
    };

    // 1. A remaining-length field longer than MQTT allows (5 bytes of continuation).
    const badLength = await connectAs('bad-length', await keyOf('bad-length'));
    badLength.writeRaw(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]));
    await badLength.closed;

    // 2. A reserved packet type (15) after a valid CONNECT.
    const reserved = await connectAs('bad-type', await keyOf('bad-type'));
    reserved.writeRaw(Buffer.from([0xf0, 0x00]));
    await reserved.closed;

    // 3. A PUBLISH before any CONNECT.
    const early = await RawMqtt.dial({ host: e2e.ip, port: e2e.hub.ports.mqtt, ca: e2e.caPem });
    early.publish('devices/steady/messages/events/', 'sneaked in');
    await early.closed;
    expect(early.received).toEqual([]);

    // 4. A message over the 256 KB limit: never acknowledged, never stored.
    const big = await connectAs('big', await keyOf('big'));
    const bigId = big.publish('devices/big/messages/events/', Buffer.alloc(300 * 1024, 0x61));
    await big.closed;
    expect(big.received.filter((p) => p.cmd === 'puback' && p.messageId === bigId)).toEqual([]);
    expect(await readTelemetry(e2e, { deviceId: 'big' })).toEqual([]);

    // 5. Bad JSON in a reported-properties patch: a 400 answer, and the connection keeps working.
    const twinKey = await keyOf('bad-json');
    const twin = await connectAs('bad-json', twinKey);
    expect(await twin.subscribe('$iothub/twin/res/#', 0)).toEqual([0]);
    const answers: IPublishPacket[] = [];
    twin.on('publish', (p: IPublishPacket) => answers.push(p));
    twin.publish('$iothub/twin/PATCH/properties/reported/?$rid=77', '{"not json', 0);
    await waitFor(() => answers.some((a) => a.topic.includes('rid=77')), 15_000, () => 'no answer to the bad patch');
    expect(answers.find((a) => a.topic.includes('rid=77'))?.topic).toMatch(/^\$iothub\/twin\/res\/400\//);
    twin.publish('$iothub/twin/PATCH/properties/reported/?$rid=78', JSON.stringify({ fine: true }), 0);
    await waitFor(() => answers.some((a) => a.topic.includes('rid=78')), 15_000, () => 'no answer to the good patch');
    expect(answers.find((a) => a.topic.includes('rid=78'))?.topic).toMatch(/^\$iothub\/twin\/res\/204\//);
    expect(twin.isClosed).toBe(false);
    expect((await e2e.registry.getTwin('bad-json')).responseBody.properties.reported.fine).toBe(true);
    await twin.end();

    // The steady publisher went on throughout; it stops now and every message gets its PUBACK.
    const ackedBefore = steady.acked.length;
    await waitFor(() => steady.acked.length >= ackedBefore + 100, 15_000, () => `steady acked ${steady.acked.length}`);
    steady.stop();
    await waitFor(() => steady.inflightCount === 0, 15_000, () => `${steady.inflightCount} still in flight`);
    expect(steady.client.isClosed).toBe(false);
    expect(steady.protocolErrors).toEqual([]);
    expect(steady.acked.length).toBe(steady.lastSent);

    const stored = await storedSeqs('steady');
    const { problems, duplicates } = checkStored(stored, steady.acked, steady.lastSent);
    expect(problems).toEqual([]);
    expect(duplicates).toBe(0);
    expect(stored).not.toContain(Number.NaN);
    await steady.client.end();
  }, 90_000);
});
