/**
 * The hot path of a connected client, decoded by hand: PUBLISH QoS 0/1, PUBACK and PINGREQ
 * (MQTT 3.1.1 §3.3, §3.4, §3.12). Only plainly well-formed packets are taken here; anything
 * else (QoS 2/3, DUP on QoS 0, a topic that is empty, not ASCII, or holds a wildcard or NUL,
 * packet id 0, inconsistent lengths, reserved flags) returns `undefined` and the caller hands the
 * packet's bytes to mqtt-packet unchanged, so unusual and malformed input is judged exactly as
 * before. The payload is a view into `buf`: the caller guarantees nobody reuses those bytes
 * (a socket 'data' chunk is a fresh Buffer, and a reassembled packet a fresh concatenation).
 */
import type { IPingreqPacket, IPubackPacket, IPublishPacket } from 'mqtt-packet';

/** A packet decoded by {@link decodeFast}. */
export type FastPacket = IPublishPacket | IPubackPacket | IPingreqPacket;

const PINGREQ_PACKET: IPingreqPacket = { cmd: 'pingreq' };

/**
 * Decodes the packet at `buf[start, end)` whose body starts at `bodyStart`, or returns
 * `undefined` when it is not one the fast path takes.
 */
export function decodeFast(buf: Buffer, start: number, bodyStart: number, end: number): FastPacket | undefined {
  const b0 = buf[start]!;
  switch (b0 >> 4) {
    case 3:
      return decodePublish(buf, b0, bodyStart, end);
    case 4:
      // PUBACK: flags 0000 [MQTT-2.2.2-1], Remaining Length 2.
      if (b0 !== 0x40 || end - bodyStart !== 2) return undefined;
      return { cmd: 'puback', messageId: (buf[bodyStart]! << 8) | buf[bodyStart + 1]!, length: 2 };
    case 12:
      // PINGREQ: flags 0000, no body.
      if (b0 !== 0xc0 || end !== bodyStart) return undefined;
      return PINGREQ_PACKET;
    default:
      return undefined;
  }
}

function decodePublish(buf: Buffer, b0: number, bodyStart: number, end: number): IPublishPacket | undefined {
  const qos = (b0 >> 1) & 3;
  // QoS 2 (refused by the handler) and 3 (malformed) go the slow way; so does DUP on QoS 0 [MQTT-3.3.1-2].
  if (qos > 1 || (qos === 0 && (b0 & 0x08) !== 0)) return undefined;
  let pos = bodyStart;
  if (end - pos < 2) return undefined;
  const topicLength = (buf[pos]! << 8) | buf[pos + 1]!;
  pos += 2;
  const topicEnd = pos + topicLength;
  if (topicLength === 0 || topicEnd + (qos === 1 ? 2 : 0) > end) return undefined;
  // ASCII only here (UTF-8 validation stays with the slow path); no wildcards in a PUBLISH topic
  // [MQTT-3.3.2-2] and no U+0000 [MQTT-1.5.3-2].
  for (let i = pos; i < topicEnd; i++) {
    const c = buf[i]!;
    if (c >= 0x80 || c === 0x23 || c === 0x2b || c === 0) return undefined;
  }
  const topic = buf.toString('latin1', pos, topicEnd);
  pos = topicEnd;
  let messageId: number | undefined;
  if (qos === 1) {
    messageId = (buf[pos]! << 8) | buf[pos + 1]!;
    // A packet id is non-zero [MQTT-2.3.1-1].
    if (messageId === 0) return undefined;
    pos += 2;
  }
  return {
    cmd: 'publish',
    topic,
    payload: buf.subarray(pos, end),
    qos: qos as 0 | 1,
    dup: (b0 & 0x08) !== 0,
    retain: (b0 & 0x01) !== 0,
    messageId,
    length: end - bodyStart,
  };
}

/**
 * Splits a byte stream into whole MQTT packets, without copying when a packet lies within one
 * chunk. The frame guard has already vetted every header (at most four length bytes, within the
 * size limit), so lengths here are trusted.
 */
export class Framer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes needed to complete the pending packet; 0 while its header is itself incomplete. */
  private need = 0;

  /**
   * Feeds `chunk`; calls `onPacket` for each whole packet, in order, while it returns true
   * (false stops: the connection closed).
   */
  push(chunk: Buffer, onPacket: (buf: Buffer, start: number, bodyStart: number, end: number) => boolean): void {
    let buf = chunk;
    if (this.pendingBytes > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.need) return;
      buf = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.need = 0;
    }
    const n = buf.length;
    let pos = 0;
    while (n - pos >= 2) {
      let length = 0;
      let multiplier = 1;
      let i = pos + 1;
      let byte: number;
      let complete = true;
      do {
        if (i >= n) {
          complete = false;
          break;
        }
        byte = buf[i++]!;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
      } while ((byte & 0x80) !== 0);
      if (!complete) break;
      const end = i + length;
      if (end > n) {
        this.need = end - pos;
        break;
      }
      if (!onPacket(buf, pos, i, end)) return;
      pos = end;
    }
    if (pos < n) {
      this.pending.push(buf.subarray(pos));
      this.pendingBytes = n - pos;
    }
  }

  /** Drops any partial packet. */
  clear(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.need = 0;
  }
}
