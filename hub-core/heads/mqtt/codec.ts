/**
 * Encoders for the few packets a server sends (MQTT 3.1.1 §3). Purpose-built instead of
 * mqtt-packet's `generate`: that allocates an EventEmitter per packet and, on first use, a cache
 * of 65,536 two-byte Buffers (about 6 MB of heap) for packet ids. Here each packet is one
 * allocation. Decoding: fast-path.ts for the hot packets, mqtt-packet's parser for the rest.
 */

/** PINGRESP [MQTT-3.13]. */
export const PINGRESP: Buffer = Buffer.from([0xd0, 0x00]);

/** CONNACK [MQTT-3.2]: session-present flag and return code. */
export function encodeConnack(returnCode: number, sessionPresent: boolean): Buffer {
  // Session present MUST be 0 when the return code is not 0 [MQTT-3.2.2-4].
  return Buffer.from([0x20, 0x02, sessionPresent && returnCode === 0 ? 1 : 0, returnCode]);
}

/** PUBACK [MQTT-3.4]. */
export function encodePuback(packetId: number): Buffer {
  return Buffer.from([0x40, 0x02, packetId >> 8, packetId & 0xff]);
}

/** SUBACK [MQTT-3.9]: one return code per filter, in the order of the SUBSCRIBE [MQTT-3.9.3-1]. */
export function encodeSuback(packetId: number, granted: readonly number[]): Buffer {
  const length = 2 + granted.length;
  const header = varIntLength(length);
  const out = Buffer.allocUnsafe(1 + header + length);
  out[0] = 0x90;
  let pos = writeVarInt(out, 1, length);
  out[pos++] = packetId >> 8;
  out[pos++] = packetId & 0xff;
  for (const code of granted) out[pos++] = code;
  return out;
}

/** UNSUBACK [MQTT-3.11]. */
export function encodeUnsuback(packetId: number): Buffer {
  return Buffer.from([0xb0, 0x02, packetId >> 8, packetId & 0xff]);
}

/**
 * PUBLISH [MQTT-3.3], hub → device. Retain is always 0 (IoT Hub keeps no retained messages).
 * `packetId` is required for QoS 1 and ignored for QoS 0.
 */
export function encodePublish(topic: string, payload: Uint8Array, qos: 0 | 1, packetId = 0, dup = false): Buffer {
  const topicBytes = Buffer.byteLength(topic, 'utf8');
  if (topicBytes > 0xffff) throw new RangeError('MQTT topic longer than 65535 bytes');
  const length = 2 + topicBytes + (qos > 0 ? 2 : 0) + payload.length;
  const out = Buffer.allocUnsafe(1 + varIntLength(length) + length);
  // DUP MUST be 0 for QoS 0 [MQTT-3.3.1-2].
  out[0] = 0x30 | (qos > 0 && dup ? 0x08 : 0) | (qos << 1);
  let pos = writeVarInt(out, 1, length);
  out[pos++] = topicBytes >> 8;
  out[pos++] = topicBytes & 0xff;
  pos += out.write(topic, pos, 'utf8');
  if (qos > 0) {
    out[pos++] = packetId >> 8;
    out[pos++] = packetId & 0xff;
  }
  out.set(payload, pos);
  return out;
}

/** Bytes of the Remaining Length field for `n` [MQTT-2.2.3]. */
function varIntLength(n: number): number {
  if (n > 268_435_455) throw new RangeError('MQTT packet larger than 256 MB');
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

/** Writes the Remaining Length at `pos`; returns the position after it. */
function writeVarInt(out: Buffer, pos: number, n: number): number {
  let value = n;
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out[pos++] = byte;
  } while (value > 0);
  return pos;
}
