import { describe, expect, it } from 'vitest';
import { FrameGuard } from './frame-guard.js';
import { scanTransfer, skipValue } from './frame-scan.js';

const AMQP_HEADER = [0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0];
const SASL_HEADER = [0x41, 0x4d, 0x51, 0x50, 3, 1, 0, 0];
const EMPTY_FRAME = [0, 0, 0, 8, 2, 0, 0, 0];

function guard(maxFrameBytes = 1024, maxIncompleteBytes = 4096): FrameGuard {
  return new FrameGuard({ maxFrameBytes, maxIncompleteBytes });
}

/** A transfer performative body: handle, delivery-id 0, tag 0x00, format 0, settled false, more. */
function transferBody(handle: number, more: boolean): number[] {
  const fields = [0x52, handle, 0x52, 0, 0xa0, 1, 0, 0x43, 0x42, more ? 0x41 : 0x42];
  return [0x00, 0x53, 0x14, 0xc0, fields.length + 1, 6, ...fields];
}

/** An AMQP frame (type 0) on `channel` with `body` and `payload` bytes of payload. */
function frame(body: number[], payload = 0, channel = 0): number[] {
  const size = 8 + body.length + payload;
  return [(size >>> 24) & 0xff, (size >>> 16) & 0xff, (size >>> 8) & 0xff, size & 0xff, 2, 0, channel >> 8, channel & 0xff, ...body, ...new Array<number>(payload).fill(0x61)];
}

describe('FrameGuard', () => {
  it('passes a header and frames split at any byte', () => {
    const g = guard();
    const bytes = [...AMQP_HEADER, ...EMPTY_FRAME, ...frame(transferBody(0, false), 100)];
    for (const b of bytes) expect(g.accept(Uint8Array.of(b))).toBe(true);
    expect(g.violation).toBeUndefined();
  });

  it('refuses anything but an AMQP 1.0 protocol header', () => {
    for (const header of [[...Buffer.from('GET / HT')], [0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1], [0x41, 0x4d, 0x51, 0x50, 2, 1, 0, 0]]) {
      const g = guard();
      expect(g.accept(Uint8Array.from(header))).toBe(false);
      expect(g.violation?.kind).toBe('protocol-header');
      // Once refused, everything after is refused too.
      expect(g.accept(Uint8Array.from(EMPTY_FRAME))).toBe(false);
    }
  });

  it('allows SASL first, then exactly one AMQP header', () => {
    const ok = guard();
    expect(ok.accept(Uint8Array.from([...SASL_HEADER, ...EMPTY_FRAME, ...AMQP_HEADER, ...EMPTY_FRAME]))).toBe(true);
    const twice = guard();
    expect(twice.accept(Uint8Array.from([...SASL_HEADER, ...SASL_HEADER]))).toBe(false);
    expect(twice.violation?.kind).toBe('protocol-header');
  });

  it('refuses frames below 8 bytes, above the maximum, or with a data offset below 2', () => {
    const cases: Array<[number[], string]> = [
      [[0, 0, 0, 7, 2, 0, 0, 0], 'frame-size'],
      [[0, 0, 4, 1, 2, 0, 0, 0], 'frame-size'], // 1025 > 1024
      [[0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0], 'frame-size'], // a header where a frame belongs
      [[0, 0, 0, 16, 1, 0, 0, 0], 'data-offset'],
      [[0, 0, 0, 16, 5, 0, 0, 0], 'data-offset'], // 20 bytes of header in a 16-byte frame
    ];
    for (const [bytes, kind] of cases) {
      const g = guard();
      expect(g.accept(Uint8Array.from([...AMQP_HEADER, ...bytes]))).toBe(false);
      expect(g.violation?.kind).toBe(kind);
    }
  });

  it('bounds the bytes of unfinished multi-frame deliveries per connection', () => {
    const g = guard(1024, 2500);
    expect(g.accept(Uint8Array.from(AMQP_HEADER))).toBe(true);
    // Two links alternate; each finished delivery frees its bytes.
    for (let i = 0; i < 10; i++) {
      expect(g.accept(Uint8Array.from(frame(transferBody(1, true), 900)))).toBe(true);
      expect(g.accept(Uint8Array.from(frame(transferBody(2, true), 900, 1)))).toBe(true);
      expect(g.accept(Uint8Array.from(frame(transferBody(1, false), 10)))).toBe(true);
      expect(g.accept(Uint8Array.from(frame(transferBody(2, false), 10, 1)))).toBe(true);
    }
    expect(g.accept(Uint8Array.from(frame(transferBody(1, true), 900)))).toBe(true);
    expect(g.accept(Uint8Array.from(frame(transferBody(1, true), 900)))).toBe(true);
    expect(g.accept(Uint8Array.from(frame(transferBody(1, true), 900)))).toBe(false);
    expect(g.violation?.kind).toBe('delivery-size');
  });
});

describe('frame-scan', () => {
  it('skips fixed, variable and described values', () => {
    expect(skipValue(Uint8Array.of(0x40), 0)).toBe(1);
    expect(skipValue(Uint8Array.of(0x52, 7), 0)).toBe(2);
    expect(skipValue(Uint8Array.of(0x70, 0, 0, 0, 1), 0)).toBe(5);
    expect(skipValue(Uint8Array.of(0xa1, 2, 0x68, 0x69), 0)).toBe(4);
    expect(skipValue(Uint8Array.of(0xb0, 0, 0, 0, 1, 0xff), 0)).toBe(6);
    expect(skipValue(Uint8Array.of(0x00, 0x53, 0x24, 0x45), 0)).toBe(4);
    // Runs past the end, or an unknown constructor.
    expect(skipValue(Uint8Array.of(0xa1, 5, 0x68), 0)).toBe(-1);
    expect(skipValue(Uint8Array.of(0x20), 0)).toBe(-1);
  });

  it('reads handle and more of a transfer, and nothing of other performatives', () => {
    expect(scanTransfer(Uint8Array.from(transferBody(3, true)))).toEqual({ handle: 3, more: true });
    expect(scanTransfer(Uint8Array.from(transferBody(0, false)))).toEqual({ handle: 0, more: false });
    // Fields after `handle` left out: not more.
    expect(scanTransfer(Uint8Array.of(0x00, 0x53, 0x14, 0xc0, 0x03, 0x01, 0x52, 0x09))).toEqual({ handle: 9, more: false });
    // A flow performative (0x13).
    expect(scanTransfer(Uint8Array.of(0x00, 0x53, 0x13, 0x45))).toBeUndefined();
  });
});
