/**
 * The plain MQTT bridge upstream link against a real mosquitto: telemetry of several identities on
 * their mapped topics in order, the broker stopped and restarted (persistence on) with the link
 * reconnecting by itself, commands from mosquitto_pub reaching onC2d (also ones queued by the
 * broker while the gateway was away), and the refusals of what a bridge cannot do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { IdentityRef, Message } from '../../../hub-core/core/types.js';
import { isRuntimeError } from '../../../runtime/errors.js';
import type { UpstreamC2d, UpstreamHandlers, UpstreamLink } from '../../../runtime/upstream/link.js';
import { createMqttBridgeLink, type MqttBridgeOptions } from '../../../runtime/upstream/mqtt-bridge/index.js';
import { waitFor } from '../../helpers/core-fixtures.js';
import { Mosquitto, type BrokerOptions } from './mosquitto.js';

const msg = (body: string, system: Message['system'] = {}): Message => ({ body: Buffer.from(body), system, properties: {} });
const key = (ref: IdentityRef): string => (ref.moduleId ? `${ref.deviceId}/${ref.moduleId}` : ref.deviceId);

/** Records every callback the link makes. */
class Recorder implements UpstreamHandlers {
  online: string[] = [];
  offline: { who: string; code: string }[] = [];
  c2d: { who: string; c2d: UpstreamC2d }[] = [];
  onMethod(): never {
    throw new Error('the bridge has no methods');
  }
  onDesired(): void {
    throw new Error('the bridge has no twins');
  }
  onC2d(ref: IdentityRef, c2d: UpstreamC2d): void {
    this.c2d.push({ who: key(ref), c2d });
  }
  onIdentityOnline(ref: IdentityRef): void {
    this.online.push(key(ref));
  }
  onIdentityOffline(ref: IdentityRef, reason: Error): void {
    this.offline.push({ who: key(ref), code: (reason as { code?: string }).code ?? '?' });
  }
  count(list: string[], who: string): number {
    return list.filter((w) => w === who).length;
  }
}

describe('MQTT bridge upstream link (real mosquitto)', () => {
  let broker: Mosquitto | undefined;
  const links: UpstreamLink[] = [];

  afterEach(async () => {
    for (const l of links.splice(0)) await l.close();
    await broker?.close();
    broker = undefined;
  });

  async function setup(brokerOptions: BrokerOptions, options: Partial<MqttBridgeOptions> = {}) {
    broker = await Mosquitto.start('bridge', brokerOptions);
    const b = broker;
    const rec = new Recorder();
    const link = open(b, rec, options);
    return { broker: b, link, rec };
  }

  function open(b: Mosquitto, rec: Recorder, options: Partial<MqttBridgeOptions> = {}): UpstreamLink {
    const link = createMqttBridgeLink({ url: b.url, clientId: 'gw-test', reconnect: { minMs: 50, maxMs: 200 }, ...options });
    links.push(link);
    link.start(rec);
    return link;
  }

  it('declares its capabilities and refuses twins with FH_UPSTREAM_UNSUPPORTED', async () => {
    const { link } = await setup({});
    expect(link.kind).toBe('mqtt-bridge');
    expect(link.capabilities).toEqual({ twins: false, methods: false, c2d: false });
    const withCommands = createMqttBridgeLink({ url: 'mqtt://127.0.0.1:1', topics: { commands: true } });
    expect(withCommands.capabilities.c2d).toBe(true);
    for (const p of [link.getTwin({ deviceId: 'dev1' }), link.updateReported({ deviceId: 'dev1' }, { a: 1 })]) {
      const err = await p.then(() => undefined, (e: unknown) => e);
      expect(isRuntimeError(err, 'FH_UPSTREAM_UNSUPPORTED')).toBe(true);
      expect((err as { retryable: boolean }).retryable).toBe(false);
    }
  });

  it('telemetry of 3 identities lands on the mapped topics, in order per device', async () => {
    const { broker, link, rec } = await setup({});
    const ids: IdentityRef[] = [{ deviceId: 'dev1' }, { deviceId: 'dev2' }, { deviceId: 'dev3', moduleId: 'modbus' }];
    for (const ref of ids) link.addIdentity(ref);
    await waitFor(() => rec.online.length === 3, 'three identities online');
    expect(new Set(rec.online)).toEqual(new Set(['dev1', 'dev2', 'dev3/modbus']));
    expect(link.status()).toMatchObject({ state: 'connected', identitiesOnline: 3, identitiesTotal: 3, connections: 1 });

    const n = 10;
    const sub = await broker.subscribe('fieldhub/#', 3 * n);
    const sends: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      sends.push(link.sendTelemetry(ids[0]!, msg(`a${i}`)));
      sends.push(link.sendTelemetry(ids[1]!, msg(`b${i}`)));
      sends.push(link.sendTelemetry(ids[2]!, msg(`c${i}`, { outputName: 'temps' })));
    }
    await Promise.all(sends);
    const byTopic = new Map<string, string[]>();
    for (const line of await sub.lines) {
      const [topic, body] = line.split(' ');
      byTopic.set(topic!, [...(byTopic.get(topic!) ?? []), body!]);
    }
    expect(Object.fromEntries(byTopic)).toEqual({
      'fieldhub/dev1/messages': Array.from({ length: n }, (_, i) => `a${i}`),
      'fieldhub/dev2/messages': Array.from({ length: n }, (_, i) => `b${i}`),
      'fieldhub/dev3/modbus/temps': Array.from({ length: n }, (_, i) => `c${i}`),
    });
  });

  it('broker stopped and restarted: offline at once, then reconnects by itself and sends again', async () => {
    const { broker, link, rec } = await setup({ persistence: true });
    link.addIdentity({ deviceId: 'dev1' });
    link.addIdentity({ deviceId: 'dev2' });
    await waitFor(() => rec.online.length === 2, 'identities online');
    await link.sendTelemetry({ deviceId: 'dev1' }, msg('before'));

    await broker.stop();
    await waitFor(() => rec.offline.length === 2, 'identities offline');
    expect(rec.offline.map((o) => o.code)).toEqual(['FH_UPSTREAM_UNREACHABLE', 'FH_UPSTREAM_UNREACHABLE']);
    expect(link.isOnline({ deviceId: 'dev1' })).toBe(false);
    const err = await link.sendTelemetry({ deviceId: 'dev1' }, msg('while down')).then(() => undefined, (e: unknown) => e);
    expect(isRuntimeError(err, 'FH_UPSTREAM_OFFLINE')).toBe(true);
    expect((err as { retryable: boolean }).retryable).toBe(true);
    expect(link.status().lastError?.code).toBe('FH_UPSTREAM_OFFLINE');
    // The next failed attempt (connection refused) is the latest error, and the link waits in backoff.
    await waitFor(() => link.status().state === 'backoff' && link.status().lastError?.code === 'FH_UPSTREAM_UNREACHABLE', 'a refused attempt, then backoff');
    expect(link.status()).toMatchObject({ identitiesOnline: 0, identitiesTotal: 2, connections: 0 });
    expect(link.status().lastError?.message).toMatch(/ECONNREFUSED/);

    await broker.restart();
    await waitFor(() => rec.count(rec.online, 'dev1') === 2 && rec.count(rec.online, 'dev2') === 2, 'identities online again');
    expect(link.isOnline({ deviceId: 'dev1' })).toBe(true);
    const sub = await broker.subscribe('fieldhub/dev1/messages', 1);
    await link.sendTelemetry({ deviceId: 'dev1' }, msg('after'));
    expect(await sub.lines).toEqual(['fieldhub/dev1/messages after']);
    // The broker restored the persistent session of the fixed clientId.
    expect(broker.log).toMatch(/Sending CONNACK to gw-test \(1, 0\)/);
  });

  it('commands published to fieldhub/dev1/commands reach onC2d for dev1', async () => {
    const { broker, link, rec } = await setup({}, { topics: { commands: true } });
    link.addIdentity({ deviceId: 'dev1' });
    await waitFor(() => rec.online.length === 1, 'dev1 online');
    await broker.waitForLog(/Sending SUBACK to gw-test\b/);
    await broker.publish('fieldhub/dev1/commands', 'reboot');
    await broker.publish('fieldhub/stranger/commands', 'not for us');
    await broker.publish('fieldhub/dev1/commands', 'reboot again');
    await waitFor(() => rec.c2d.length === 2, 'two commands');
    expect(rec.c2d.map((c) => [c.who, Buffer.from(c.c2d.message.body).toString()])).toEqual([['dev1', 'reboot'], ['dev1', 'reboot again']]);
    // No settlement exists on plain MQTT: these are accepted and do nothing.
    rec.c2d[0]!.c2d.complete();
    rec.c2d[1]!.c2d.reject();
  });

  it('commands enabled later still subscribe, although the broker kept the clientId\'s session', async () => {
    const { broker, link, rec } = await setup({});
    link.addIdentity({ deviceId: 'dev1' });
    await waitFor(() => rec.online.length === 1, 'online without commands');
    await link.close();
    const rec2 = new Recorder();
    const link2 = open(broker, rec2, { topics: { commands: true } });
    link2.addIdentity({ deviceId: 'dev1' });
    await broker.waitForLog(/Sending CONNACK to gw-test \(1, 0\)/);
    await broker.waitForLog(/Sending SUBACK to gw-test\b/);
    await broker.publish('fieldhub/dev1/commands', 'first command');
    await waitFor(() => rec2.c2d.length === 1, 'command');
  });

  it('MQTT 5 commands carry user properties; commands for modules use {moduleId}', async () => {
    const { broker, link, rec } = await setup({}, { protocolVersion: 5, topics: { commands: 'cmd/{deviceId}/{moduleId}' } });
    link.addIdentity({ deviceId: 'dev1', moduleId: 'relay' });
    await waitFor(() => rec.online.length === 1, 'module online');
    await broker.waitForLog(/Sending SUBACK to gw-test\b/);
    await broker.publish('cmd/dev1/relay', 'on', ['-V', 'mqttv5', '-D', 'publish', 'user-property', 'channel', '3']);
    await waitFor(() => rec.c2d.length === 1, 'command');
    expect(rec.c2d[0]!.who).toBe('dev1/relay');
    expect(rec.c2d[0]!.c2d.message.properties).toEqual({ channel: '3' });
  });

  it('commands survive the gateway being away: the broker keeps them for the fixed clientId', async () => {
    const { broker, link, rec } = await setup({ persistence: true }, { topics: { commands: true } });
    link.addIdentity({ deviceId: 'dev1' });
    await broker.waitForLog(/Sending SUBACK to gw-test\b/);
    await link.close();
    await broker.waitForLog(/Client gw-test disconnected/);
    await broker.publish('fieldhub/dev1/commands', 'queued while away');

    // The broker restarts too (its database keeps the session); a new link with the same clientId.
    await broker.stop();
    await broker.restart();
    const rec2 = new Recorder();
    const link2 = open(broker, rec2, { topics: { commands: true } });
    link2.addIdentity({ deviceId: 'dev1' });
    await waitFor(() => rec2.c2d.length === 1, 'queued command delivered');
    expect(Buffer.from(rec2.c2d[0]!.c2d.message.body).toString()).toBe('queued while away');
    expect(rec.c2d).toEqual([]);
  });

  it('a refused login is FH_UPSTREAM_AUTH and retried with backoff; the right one connects', async () => {
    const login = { username: 'gw', password: 's3cret' };
    const { broker, link, rec } = await setup({ login }, { username: 'gw', password: 'wrong', clientId: 'gw-bad' });
    link.addIdentity({ deviceId: 'dev1' });
    // mosquitto names a refused client by its address; two refusals show it retries.
    await broker.waitForLog(/Sending CONNACK to \S+ \(0, 5\)/, 2);
    expect(link.status()).toMatchObject({ connections: 0, identitiesOnline: 0, lastError: { code: 'FH_UPSTREAM_AUTH' } });
    expect(rec.online).toEqual([]);
    expect(JSON.stringify(link.status())).not.toContain('wrong');

    const rec2 = new Recorder();
    const good = open(broker, rec2, { ...login, clientId: 'gw-good' });
    good.addIdentity({ deviceId: 'dev1' });
    await waitFor(() => rec2.online.length === 1, 'online with the right password');
    const sub = await broker.subscribe('fieldhub/#', 1);
    await good.sendTelemetry({ deviceId: 'dev1' }, msg('authenticated'));
    expect(await sub.lines).toEqual(['fieldhub/dev1/messages authenticated']);
  });

  it('over TLS (mqtts, caFile = the test CA)', async () => {
    const { TEST_CA_CERT } = await import('../../helpers/test-ca.js');
    const { broker, link, rec } = await setup({ tls: true }, { caFile: TEST_CA_CERT });
    link.addIdentity({ deviceId: 'dev1' });
    await waitFor(() => rec.online.length === 1, 'online over TLS');
    const sub = await broker.subscribe('fieldhub/#', 1);
    await link.sendTelemetry({ deviceId: 'dev1' }, msg('tls'));
    expect(await sub.lines).toEqual(['fieldhub/dev1/messages tls']);
  });
});
