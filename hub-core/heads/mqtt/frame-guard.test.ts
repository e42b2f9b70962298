import { describe, expect, it } from 'vitest';
import { FrameGuard } from './frame-guard.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
/** CONNECT fixed header with a 12-byte body (body content is irrelevant to the guard). */
const connect = hex('10 0c' + '00'.repeat(12));

describe('FrameGuard', () => {
  it('accepts a CONNECT then a PINGREQ and a small PUBLISH', () => {
    const g = new FrameGuard(1024, 64);
    expect(g.check(Buffer.concat([connect, hex('c0 00'), hex('30 03 00 01 61')]))).toBe('ok');
    expect(g.lastType).toBe(3);
  });

  it('refuses anything but CONNECT first [MQTT-3.1.0-1]', () => {
    expect(new FrameGuard(1024, 64).check(hex('30 00'))).toBe('not-connect');
    expect(new FrameGuard(1024, 64).check(Buffer.from('GET / HTTP/1.1\r\n'))).toBe('not-connect');
  });

  it('refuses on the header a PUBLISH announcing 100 MB, before its body arrives', () => {
    const g = new FrameGuard(327_680, 16_384);
    expect(g.check(connect)).toBe('ok');
    // 100 MB = 104857600 → varint 80 80 80 32
    expect(g.check(hex('30 80 80 80 32'))).toBe('too-large');
  });

  it('uses the smaller first-packet limit for CONNECT', () => {
    expect(new FrameGuard(1_000_000, 64).check(hex('10 41'))).toBe('too-large'); // 65 > 64
    expect(new FrameGuard(1_000_000, 64).check(hex('10 40'))).toBe('ok');
  });

  it('follows headers and bodies split across chunks at every byte', () => {
    const stream = Buffer.concat([connect, hex('30 82 01'), Buffer.alloc(130, 1), hex('c0 00'), hex('30 ff 7f')]);
    for (let cut = 1; cut < stream.length; cut++) {
      const g = new FrameGuard(200, 64);
      const a = g.check(stream.subarray(0, cut));
      const b = a === 'ok' ? g.check(stream.subarray(cut)) : a;
      expect(b, `cut at ${cut}`).toBe('too-large'); // the last PUBLISH claims 16383 > 200
    }
  });

  it('flags a fifth length byte and reserved packet types as malformed', () => {
    const g = new FrameGuard(1024, 64);
    expect(g.check(connect)).toBe('ok');
    expect(g.check(hex('30 ff ff ff ff 01'))).toBe('malformed');
    const h = new FrameGuard(1024, 64);
    h.check(connect);
    expect(h.check(hex('f0 00'))).toBe('malformed');
  });
});
