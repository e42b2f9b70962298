import { describe, expect, it } from 'vitest';
import { generate } from 'mqtt-packet';
import { decodeFast, Framer } from './fast-path.js';

/** Frames `bytes` with the Framer and decodes the single packet in it. */
function decodeOne(bytes: Buffer) {
  const seen: [Buffer, number, number, number][] = [];
  new Framer().push(bytes, (buf, start, bodyStart, end) => {
    seen.push([buf, start, bodyStart, end]);
    return true;
  });
  expect(seen).toHaveLength(1);
  const [buf, start, bodyStart, end] = seen[0]!;
  return decodeFast(buf, start, bodyStart, end);
}

describe('decodeFast', () => {
  it('decodes a QoS 1 PUBLISH like mqtt-packet, payload as a view', () => {
    const bytes = generate({ cmd: 'publish', topic: 'devices/d1/messages/events/a=1', payload: Buffer.from('hello'), qos: 1, messageId: 7, retain: true, dup: true });
    const p = decodeOne(bytes);
    expect(p).toMatchObject({ cmd: 'publish', topic: 'devices/d1/messages/events/a=1', qos: 1, messageId: 7, retain: true, dup: true });
    expect(Buffer.from((p as { payload: Buffer }).payload).toString()).toBe('hello');
    expect((p as { payload: Buffer }).payload.buffer).toBe(bytes.buffer);
  });

  it('decodes QoS 0, PUBACK and PINGREQ', () => {
    expect(decodeOne(generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false }))).toMatchObject({ cmd: 'publish', qos: 0, messageId: undefined });
    expect(decodeOne(generate({ cmd: 'puback', messageId: 0x1234 }))).toEqual({ cmd: 'puback', messageId: 0x1234, length: 2 });
    expect(decodeOne(generate({ cmd: 'pingreq' }))).toEqual({ cmd: 'pingreq' });
  });

  it('leaves unusual packets to mqtt-packet', () => {
    const pub = (first: number, body: number[]) => Buffer.from([first, body.length, ...body]);
    // QoS 2, QoS 3, DUP on QoS 0
    expect(decodeOne(pub(0x34, [0, 1, 0x74, 0, 1]))).toBeUndefined();
    expect(decodeOne(pub(0x36, [0, 1, 0x74, 0, 1]))).toBeUndefined();
    expect(decodeOne(pub(0x38, [0, 1, 0x74]))).toBeUndefined();
    // wildcards, NUL, non-ASCII, empty topic, topic past the end, packet id 0
    expect(decodeOne(pub(0x30, [0, 1, 0x23]))).toBeUndefined();
    expect(decodeOne(pub(0x30, [0, 1, 0x2b]))).toBeUndefined();
    expect(decodeOne(pub(0x30, [0, 1, 0x00]))).toBeUndefined();
    expect(decodeOne(pub(0x30, [0, 2, 0xc3, 0xa9]))).toBeUndefined();
    expect(decodeOne(pub(0x30, [0, 0]))).toBeUndefined();
    expect(decodeOne(pub(0x30, [0, 5, 0x74]))).toBeUndefined();
    expect(decodeOne(pub(0x32, [0, 1, 0x74, 0]))).toBeUndefined();
    expect(decodeOne(pub(0x32, [0, 1, 0x74, 0, 0]))).toBeUndefined();
    // PUBACK with reserved flags or a wrong length, PINGREQ with a body, anything else
    expect(decodeOne(Buffer.from([0x42, 2, 0, 1]))).toBeUndefined();
    expect(decodeOne(Buffer.from([0x40, 3, 0, 1, 0]))).toBeUndefined();
    expect(decodeOne(Buffer.from([0xc0, 1, 0]))).toBeUndefined();
    expect(decodeOne(generate({ cmd: 'disconnect' }))).toBeUndefined();
  });
});

describe('Framer', () => {
  it('splits packets across and within chunks, in order', () => {
    const packets = [
      generate({ cmd: 'publish', topic: 'a/b', payload: Buffer.alloc(300, 1), qos: 1, messageId: 1, retain: false, dup: false }),
      generate({ cmd: 'pingreq' }),
      generate({ cmd: 'puback', messageId: 9 }),
      generate({ cmd: 'publish', topic: 'c', payload: Buffer.alloc(20_000, 2), qos: 0, retain: false, dup: false }),
    ];
    const all = Buffer.concat(packets);
    for (const size of [1, 2, 3, 7, 128, 1000, all.length]) {
      const framer = new Framer();
      const out: Buffer[] = [];
      for (let i = 0; i < all.length; i += size) {
        framer.push(Buffer.from(all.subarray(i, i + size)), (buf, start, _body, end) => {
          out.push(Buffer.from(buf.subarray(start, end)));
          return true;
        });
      }
      expect(out).toEqual(packets);
    }
  });

  it('stops when told to', () => {
    const framer = new Framer();
    let n = 0;
    framer.push(Buffer.concat([generate({ cmd: 'pingreq' }), generate({ cmd: 'pingreq' })]), () => {
      n++;
      return false;
    });
    expect(n).toBe(1);
  });
});
