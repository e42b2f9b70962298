import { parser, type Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { encodeConnack, encodePublish, encodePuback, encodeSuback, encodeUnsuback, PINGRESP } from './codec.js';

const hex = (b: Buffer): string => b.toString('hex');

/** Decodes with mqtt-packet, as a client would. */
function decode(bytes: Buffer): Packet[] {
  const out: Packet[] = [];
  const p = parser({ protocolVersion: 4 });
  p.on('packet', (packet: Packet) => out.push(packet));
  p.on('error', (err: Error) => {
    throw err;
  });
  p.parse(bytes);
  return out;
}

describe('codec (hex fixtures)', () => {
  it('encodes fixed-size acknowledgements', () => {
    expect(hex(encodeConnack(0, true))).toBe('20020100');
    expect(hex(encodeConnack(5, true))).toBe('20020005'); // session present only when accepted [MQTT-3.2.2-4]
    expect(hex(encodePuback(0x1234))).toBe('40021234');
    expect(hex(encodeUnsuback(7))).toBe('b0020007');
    expect(hex(PINGRESP)).toBe('d000');
    expect(hex(encodeSuback(1, [1, 0x80, 0]))).toBe('9005000101' + '8000');
  });

  it('encodes a QoS 1 PUBLISH with DUP', () => {
    expect(hex(encodePublish('a/b', Buffer.from('hi'), 1, 10, true))).toBe('3a09' + '0003612f62' + '000a' + '6869');
    // DUP is never set on QoS 0 [MQTT-3.3.1-2].
    expect(hex(encodePublish('t', Buffer.from(''), 0, 0, true))).toBe('3003' + '000174');
  });
});

describe('codec (decoded by mqtt-packet)', () => {
  it('round-trips every server packet', () => {
    const [connack, puback, suback, unsuback, ping] = decode(Buffer.concat([
      encodeConnack(0, true), encodePuback(65535), encodeSuback(9, [0, 1, 128]), encodeUnsuback(3), PINGRESP,
    ]));
    expect(connack).toMatchObject({ cmd: 'connack', returnCode: 0, sessionPresent: true });
    expect(puback).toMatchObject({ cmd: 'puback', messageId: 65535 });
    expect(suback).toMatchObject({ cmd: 'suback', messageId: 9, granted: [0, 1, 128] });
    expect(unsuback).toMatchObject({ cmd: 'unsuback', messageId: 3 });
    expect(ping).toMatchObject({ cmd: 'pingresp' });
  });

  it('encodes Remaining Length at every varint size, with UTF-8 topics', () => {
    for (const size of [0, 100, 127 - 9, 200, 16_383, 16_384, 300_000, 2_097_152]) {
      const topic = '$iothub/twin/res/200/?$rid=é';
      const payload = Buffer.alloc(size, 0x7a);
      const [p] = decode(encodePublish(topic, payload, 1, 42, false));
      expect(p).toMatchObject({ cmd: 'publish', topic, qos: 1, messageId: 42, dup: false, retain: false });
      expect((p as { payload: Buffer }).payload.length).toBe(size);
    }
  });

  it('refuses a topic longer than 65535 bytes', () => {
    expect(() => encodePublish('x'.repeat(65536), Buffer.alloc(0), 0)).toThrow(RangeError);
  });
});
