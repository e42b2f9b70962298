import type { IPublishPacket } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { messageOf, payloadOf, publishProperties } from './message-properties.js';

describe('message <-> MQTT publish', () => {
  it('sends the body bytes as they are, without a copy', () => {
    const backing = new Uint8Array([9, 1, 2, 0, 255, 9]);
    const body = backing.subarray(1, 5);
    const payload = payloadOf({ body, system: {}, properties: {} });
    expect([...payload]).toEqual([1, 2, 0, 255]);
    payload[0] = 7;
    expect(backing[1]).toBe(7);
  });

  it('maps application properties, content type and correlation id to MQTT 5 properties', () => {
    expect(publishProperties({ body: new Uint8Array(), system: {}, properties: {} })).toBeUndefined();
    const props = publishProperties({ body: new Uint8Array(), system: { contentType: 'application/json', correlationId: 'c-1', messageId: 'm' }, properties: { a: '1', b: 'x y' } });
    expect(props).toEqual({ userProperties: { a: '1', b: 'x y' }, contentType: 'application/json', correlationData: Buffer.from('c-1') });
  });

  it('reads a received publish (MQTT 5 properties; a repeated user property keeps its last value)', () => {
    const packet = {
      cmd: 'publish', topic: 't', qos: 1, dup: false, retain: false, messageId: 1,
      payload: Buffer.from('reboot'),
      properties: { userProperties: { k: ['1', '2'], z: 'v' }, contentType: 'text/plain', correlationData: Buffer.from('corr') },
    } as IPublishPacket;
    const m = messageOf(packet);
    expect(Buffer.from(m.body).toString()).toBe('reboot');
    expect(m.properties).toEqual({ k: '2', z: 'v' });
    expect(m.system).toEqual({ contentType: 'text/plain', correlationId: 'corr' });
    expect(messageOf({ ...packet, properties: undefined } as IPublishPacket).properties).toEqual({});
  });
});
