/**
 * The MQTT route sink against a real mosquitto: topic templates, QoS 1 acknowledgement (deliver
 * waits for the PUBACK), the broker going away and coming back, TLS, and MQTT 5 user properties.
 * mosquitto_sub observes what the broker routed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredTelemetry } from '../../../hub-core/core/types.js';
import { isRuntimeError } from '../../../runtime/errors.js';
import { createMqttSink, type MqttSink, type MqttSinkOptions } from '../../../runtime/sinks/mqtt-sink.js';
import { TEST_CA_CERT } from '../../helpers/test-ca.js';
import { waitFor } from '../../helpers/core-fixtures.js';
import { Mosquitto, type BrokerOptions } from './mosquitto.js';

let seq = 0;
function item(deviceId: string, body: string, extra: { moduleId?: string; outputName?: string; properties?: Record<string, string> } = {}): StoredTelemetry {
  const t: StoredTelemetry = {
    seq: ++seq,
    deviceId,
    message: { body: Buffer.from(body), system: extra.outputName ? { outputName: extra.outputName } : {}, properties: extra.properties ?? {} },
  };
  if (extra.moduleId !== undefined) t.moduleId = extra.moduleId;
  return t;
}

/** Settles within `ms` or reports that it is still pending (a liveness bound, not a speed figure). */
async function settledWithin<T>(p: Promise<T>, ms: number): Promise<{ ok: true; value: T } | { ok: false; error: unknown } | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>((r) => (timer = setTimeout(() => r('pending'), ms)));
  const settled = p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
  try {
    return await Promise.race([settled, pending]);
  } finally {
    clearTimeout(timer);
  }
}

describe('MQTT sink (real mosquitto)', () => {
  let broker: Mosquitto | undefined;
  let sink: MqttSink | undefined;

  afterEach(async () => {
    await sink?.close();
    await broker?.close();
    sink = undefined;
    broker = undefined;
  });

  async function setup(brokerOptions: BrokerOptions, sinkOptions: Partial<MqttSinkOptions> = {}): Promise<{ broker: Mosquitto; sink: MqttSink }> {
    broker = await Mosquitto.start('sink', brokerOptions);
    sink = createMqttSink({ url: broker.url, name: 'test', reconnect: { minMs: 50, maxMs: 200 }, ...sinkOptions });
    const s = sink;
    await waitFor(() => s.status().connected, 'sink connected');
    return { broker, sink };
  }

  it('publishes each message to its rendered topic template, body bytes unchanged', async () => {
    const { broker, sink } = await setup({}, { topic: 'site/{deviceId}/{moduleId}/{outputName}' });
    const sub = await broker.subscribe('site/#', 3);
    await sink.deliver([
      item('dev1', 'one'),
      item('dev2', '{"t":21.5}', { moduleId: 'modbus', outputName: 'temps' }),
      item('dev/3', 'three', { moduleId: 'm', outputName: 'o' }),
    ]);
    expect(await sub.lines).toEqual(['site/dev1// one', 'site/dev2/modbus/temps {"t":21.5}', 'site/dev%2F3/m/o three']);
    expect(sink.status()).toMatchObject({ state: 'connected', connected: true, published: 3, failed: 0 });
  });

  it('uses fieldhub/{deviceId}/messages by default and keeps the order of a batch', async () => {
    const { broker, sink } = await setup({});
    const sub = await broker.subscribe('fieldhub/+/messages', 20);
    await sink.deliver(Array.from({ length: 20 }, (_, i) => item('dev1', `m${i}`)));
    expect(await sub.lines).toEqual(Array.from({ length: 20 }, (_, i) => `fieldhub/dev1/messages m${i}`));
  });

  it('QoS 1: deliver resolves only after the PUBACK (pending while the broker is frozen)', async () => {
    const { broker, sink } = await setup({}, { clientId: 'sink-qos1', ackTimeoutMs: 60_000 });
    broker.freeze(true);
    const delivery = sink.deliver([item('dev1', 'held')]);
    expect(await settledWithin(delivery, 500)).toBe('pending');
    broker.freeze(false);
    await delivery;
    await broker.waitForLog(/Sending PUBACK to sink-qos1 \(m\d+, rc0\)/);
  });

  it('QoS 1: no PUBACK within ackTimeoutMs rejects with a retryable FH_SINK_FAILED', async () => {
    const { broker, sink } = await setup({}, { ackTimeoutMs: 300 });
    broker.freeze(true);
    const err = await sink.deliver([item('dev1', 'late')]).then(() => undefined, (e: unknown) => e);
    broker.freeze(false);
    expect(isRuntimeError(err, 'FH_SINK_FAILED')).toBe(true);
    expect((err as { retryable: boolean }).retryable).toBe(true);
    expect(sink.status().failed).toBe(1);
  });

  it('broker down: deliver rejects FH_SINK_FAILED at once; broker back: delivers again', async () => {
    const { broker, sink } = await setup({}, { ackTimeoutMs: 60_000 });
    await broker.stop();
    await waitFor(() => !sink.status().connected, 'sink noticed the broker is gone');
    const result = await settledWithin(sink.deliver([item('dev1', 'while down')]), 5000);
    expect(result).not.toBe('pending');
    const err = (result as { ok: false; error: unknown }).error;
    expect(isRuntimeError(err, 'FH_SINK_FAILED')).toBe(true);
    expect((err as { retryable: boolean }).retryable).toBe(true);
    expect(sink.status().state).toMatch(/^(backoff|connecting)$/);
    expect(sink.status().lastError?.code).toBe('FH_SINK_FAILED');

    await broker.restart();
    await waitFor(() => sink.status().connected, 'sink reconnected by itself');
    const sub = await broker.subscribe('fieldhub/#', 1);
    await sink.deliver([item('dev1', 'after restart')]);
    expect(await sub.lines).toEqual(['fieldhub/dev1/messages after restart']);
  });

  it('a connection lost before the PUBACK rejects the delivery (it is not re-sent behind the route)', async () => {
    const { broker, sink } = await setup({}, { clientId: 'sink-lost', ackTimeoutMs: 60_000 });
    broker.freeze(true);
    const delivery = sink.deliver([item('dev1', 'in flight')]);
    expect(await settledWithin(delivery, 300)).toBe('pending');
    await broker.kill();
    const err = await delivery.then(() => undefined, (e: unknown) => e);
    expect(isRuntimeError(err, 'FH_SINK_FAILED')).toBe(true);
    expect((err as { retryable: boolean }).retryable).toBe(true);
    // Back on a fresh broker: the sink publishes only what it is given now, nothing left over.
    const mark = broker.log.length;
    await broker.restart();
    await waitFor(() => sink.status().connected, 'sink reconnected');
    const sub = await broker.subscribe('fieldhub/#', 1);
    await sink.deliver([item('dev1', 'next')]);
    expect(await sub.lines).toEqual(['fieldhub/dev1/messages next']);
    expect(broker.log.slice(mark).match(/Received PUBLISH from sink-lost\b/g)).toHaveLength(1);
  });

  it('over TLS (mqtts, caFile = the test CA)', async () => {
    const { broker, sink } = await setup({ tls: true }, { caFile: TEST_CA_CERT });
    expect(broker.url).toMatch(/^mqtts:\/\/localhost:/);
    const sub = await broker.subscribe('fieldhub/#', 1);
    await sink.deliver([item('dev1', 'secret')]);
    expect(await sub.lines).toEqual(['fieldhub/dev1/messages secret']);
  });

  it('MQTT 5 carries application properties as user properties', async () => {
    const { broker, sink } = await setup({}, { protocolVersion: 5 });
    const sub = await broker.subscribe('fieldhub/#', 1, { v5: true });
    await sink.deliver([item('dev1', 'with props', { properties: { alert: 'yes', site: 'north' } })]);
    const [line] = await sub.lines;
    const [topic, props, payload] = line!.split('|');
    expect(topic).toBe('fieldhub/dev1/messages');
    expect(props!.split(' ').sort()).toEqual(['alert:yes', 'site:north']);
    expect(payload).toBe('with props');
  });

  it('refuses bad options with FH_CONFIG_INVALID before connecting', () => {
    const bad = [
      { url: 'http://127.0.0.1:1883' },
      { url: 'mqtt://127.0.0.1:1883', topic: 'a/+/b' },
      { url: 'mqtt://127.0.0.1:1883', qos: 2 as unknown as 1 },
      { url: 'mqtt://127.0.0.1:1883', caFile: '/nonexistent/ca.pem' },
    ];
    for (const options of bad) {
      expect(() => createMqttSink(options), JSON.stringify(options)).toThrow(expect.objectContaining({ code: 'FH_CONFIG_INVALID' }));
    }
  });
});
