import deviceSdk from 'azure-iot-device';
import mqttSdk from 'azure-iot-device-mqtt';
import { describe, expect, it } from 'vitest';
import { encodeC2dBag, parsePropertyBag } from '../../../hub-core/heads/mqtt/property-bag.js';
import { desiredPatchTopic, methodRequestTopic, twinResponseTopic } from '../../../hub-core/heads/mqtt/topics.js';
import type { Message } from '../../../hub-core/core/types.js';
import {
  decodeC2d, decodeDesired, decodeMethodRequest, decodeTwinResponse, methodResponseTopic, telemetryTopic, usernameOf,
} from './codec.js';

/** The official SDK's own topic builder (azure-iot-device-mqtt `_getEventTopicFromMessage`). */
function sdkTopic(base: string, m: Message, extra?: Record<string, string>): string {
  const msg = new deviceSdk.Message(Buffer.from(m.body));
  const s = m.system;
  if (s.messageId) msg.messageId = s.messageId;
  if (s.correlationId) msg.correlationId = s.correlationId;
  if (s.userId) msg.userId = s.userId;
  if (s.to) msg.to = s.to;
  if (s.contentType) msg.contentType = s.contentType as never;
  if (s.contentEncoding) msg.contentEncoding = s.contentEncoding as never;
  if (s.interfaceId) msg.interfaceId = s.interfaceId;
  if (s.expiryTimeUtc) msg.expiryTimeUtc = s.expiryTimeUtc;
  for (const [k, v] of Object.entries(m.properties)) msg.properties.add(k, v);
  if (s.subject) msg.properties.add('dt-subject', s.subject);
  const build = (mqttSdk.Mqtt.prototype as unknown as { _getEventTopicFromMessage(this: unknown, m: unknown, e?: unknown): string })._getEventTopicFromMessage;
  const topic = build.call({ _topicTelemetryPublish: base }, msg, extra);
  return extra ? `${topic}/` : topic;
}

const message = (system: Message['system'], properties: Record<string, string> = {}): Message => ({ body: new Uint8Array(Buffer.from('x')), system, properties });

describe('telemetry topics, as the SDK writes them', () => {
  it('a device message with every system property and odd application properties', () => {
    const m = message({
      messageId: 'id 1/€', correlationId: 'c&1', userId: 'u', to: '/x', contentType: 'application/json', contentEncoding: 'utf-8',
      interfaceId: 'dtmi:a;1', expiryTimeUtc: '2030-01-01T00:00:00.000Z',
    }, { 'a b': 'c=d&e/f', "it's": '(ok)*!' });
    expect(telemetryTopic({ deviceId: 'd1' }, m)).toBe(sdkTopic('devices/d1/messages/events/', m));
  });

  it('a message without properties ends in events/', () => {
    expect(telemetryTopic({ deviceId: 'd1' }, message({}))).toBe('devices/d1/messages/events/');
    expect(telemetryTopic({ deviceId: 'd1' }, message({}))).toBe(sdkTopic('devices/d1/messages/events/', message({})));
  });

  it('a module output: $.on first and a trailing slash (sendOutputEvent); subject as $.sub', () => {
    const m = message({ outputName: 'out 1', messageId: 'm', subject: 'temp' }, { k: 'v' });
    const ours = telemetryTopic({ deviceId: 'd1', moduleId: 'm1' }, m);
    expect(ours).toBe(sdkTopic('devices/d1/modules/m1/messages/events/', m, { '$.on': 'out 1' }));
    const bag = parsePropertyBag(ours.slice('devices/d1/modules/m1/messages/events/'.length));
    expect(bag).toEqual({ system: { outputName: 'out 1', messageId: 'm', subject: 'temp' }, properties: { k: 'v' } });
  });

  it('a module message without an output name has no $.on', () => {
    expect(telemetryTopic({ deviceId: 'd1', moduleId: 'm1' }, message({ messageId: 'm' }))).toBe('devices/d1/modules/m1/messages/events/%24.mid=m');
  });
});

describe('what the hub sends, decoded', () => {
  it('a C2D message as the hub head encodes it', () => {
    const sent: Message = {
      body: new Uint8Array(Buffer.from('hello')),
      system: { messageId: 'm-1', correlationId: 'c/1', contentType: 'text/plain', to: '/devices/d1/messages/devicebound', ack: 'full', userId: 'svc' },
      properties: { color: 'blue', 'a&b': '=/%' },
    };
    const topic = `devices/d1/messages/devicebound/${encodeC2dBag(sent)}`;
    const got = decodeC2d('d1', topic, Buffer.from('hello'));
    expect(got).toEqual({ body: new Uint8Array(Buffer.from('hello')), system: sent.system, properties: sent.properties });
    expect(decodeC2d('d2', topic, Buffer.alloc(0))).toBeUndefined();
    expect(decodeC2d('d1', 'devices/d1/messages/devicebound/', Buffer.alloc(0))?.system).toEqual({});
  });

  it('method requests, twin responses and desired patches', () => {
    expect(decodeMethodRequest(methodRequestTopic('reboot', '7'), Buffer.from('{"a":1}'))).toEqual({ methodName: 'reboot', rid: '7', payload: { a: 1 }, valid: true });
    expect(decodeMethodRequest(methodRequestTopic('m', '8'), Buffer.from('null'))?.payload).toBeNull();
    expect(decodeMethodRequest(methodRequestTopic('m', '9'), Buffer.from('{oops'))?.valid).toBe(false);
    expect(decodeMethodRequest('$iothub/methods/POST/m/', Buffer.from('1'))).toBeUndefined();
    expect(methodResponseTopic(200, '7')).toBe('$iothub/methods/res/200/?$rid=7');

    expect(decodeTwinResponse(twinResponseTopic(204, 'r1', 5), Buffer.alloc(0))).toEqual({ rid: 'r1', status: 204, version: 5, body: null });
    expect(decodeTwinResponse(twinResponseTopic(200, 'r2'), Buffer.from('{"desired":{}}'))).toEqual({ rid: 'r2', status: 200, body: { desired: {} } });
    expect(decodeTwinResponse(twinResponseTopic(400, 'r3'), Buffer.from('{"errorCode":400004}'))?.status).toBe(400);

    expect(decodeDesired(desiredPatchTopic(4), Buffer.from('{"interval":5,"$version":4}'))).toEqual({ interval: 5, $version: 4 });
    expect(decodeDesired(desiredPatchTopic(6), Buffer.from('{"interval":null}'))).toEqual({ interval: null, $version: 6 });
    expect(decodeDesired(desiredPatchTopic(6), Buffer.from('[1]'))).toBeUndefined();
  });

  it('the CONNECT username names the hub, the identity and the api-version', () => {
    expect(usernameOf('hub.example', { deviceId: 'd1' }, 'fieldhub/1 (x)')).toBe('hub.example/d1/?api-version=2021-04-12&DeviceClientType=fieldhub%2F1%20(x)');
    expect(usernameOf('hub.example', { deviceId: 'd1', moduleId: 'm' }, 'ua')).toBe('hub.example/d1/m/?api-version=2021-04-12&DeviceClientType=ua');
  });
});
