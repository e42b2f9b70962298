/**
 * The framers fed chunked input: every frame layout cut at every byte boundary (and byte by byte)
 * gives the same frames; garbage without delimiters stays within the bound; oversized frames are
 * dropped, counted and reported once; the timeout framer runs on a fake clock.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../hub-core/core/clock.js';
import { DelimiterFramer } from './delimiter-framer.js';
import { FixedLengthFramer } from './fixed-length-framer.js';
import type { Framer, FrameSink } from './framer.js';
import { LengthPrefixedFramer } from './length-prefixed-framer.js';
import { TimeoutFramer } from './timeout-framer.js';

interface Collected extends FrameSink {
  frames: string[];
  tooLarge: (bytes: number) => void;
  oversize: number[];
}

function collector(encoding: BufferEncoding = 'latin1'): Collected {
  const c: Collected = {
    frames: [],
    oversize: [],
    frame: (f) => c.frames.push(f.toString(encoding)),
    tooLarge: (n) => c.oversize.push(n),
  };
  return c;
}

/** Every way of cutting `data` in two, plus byte by byte: the same frames each time. */
function cuts(data: Buffer): Buffer[][] {
  const out: Buffer[][] = [[data], [...data].map((b) => Buffer.from([b]))];
  for (let i = 1; i < data.length; i++) out.push([data.subarray(0, i), data.subarray(i)]);
  return out;
}

function framesOf(make: (sink: FrameSink) => Framer, chunks: Buffer[], encoding: BufferEncoding = 'latin1'): { sink: Collected; framer: Framer } {
  const sink = collector(encoding);
  const framer = make(sink);
  for (const c of chunks) framer.push(c);
  return { sink, framer };
}

describe('DelimiterFramer', () => {
  const crlf = (sink: FrameSink, max = 32): DelimiterFramer => new DelimiterFramer({ delimiter: Buffer.from('\r\n'), maxFrameBytes: max }, sink);

  it('cuts at a two-byte delimiter however the input is chunked, the delimiter split included', () => {
    const data = Buffer.from('$GPGGA,1*00\r\nT=21.5\r\n\r\nlast\r\npartial');
    for (const chunks of cuts(data)) {
      const { sink, framer } = framesOf((s) => crlf(s), chunks);
      expect(sink.frames).toEqual(['$GPGGA,1*00', 'T=21.5', 'last']);
      expect(framer.bufferedBytes).toBe('partial'.length);
      expect(framer.counters).toEqual({ frames: 3, framesTooLarge: 0, bytesDropped: 0 });
    }
  });

  it('keeps the delimiter when asked, and takes any byte sequence (with 0x00 and 0xff)', () => {
    const chunks = [Buffer.from([1, 2, 0x00]), Buffer.from([0xff, 0x0a, 0x0d, 0x00, 0xff])];
    const { sink } = framesOf((s) => new DelimiterFramer({ delimiter: Buffer.from([0x00, 0xff]), maxFrameBytes: 8, includeDelimiter: true }, s), chunks, 'hex');
    expect(sink.frames).toEqual(['010200ff', '0a0d00ff']);
  });

  it('drops a frame longer than the bound once, discards up to the next delimiter, and resumes', () => {
    const data = Buffer.from(`ok1\r\n${'x'.repeat(50)}\r\nok2\r\n`);
    for (const chunks of cuts(data)) {
      const { sink, framer } = framesOf((s) => crlf(s, 10), chunks);
      expect(sink.frames).toEqual(['ok1', 'ok2']);
      expect(sink.oversize).toHaveLength(1);
      expect(sink.oversize[0]).toBeGreaterThan(10);
      expect(framer.counters.framesTooLarge).toBe(1);
      expect(framer.counters.bytesDropped).toBe(52);
    }
  });

  it('never holds more than the bound while garbage without delimiters streams in', () => {
    const sink = collector();
    const framer = crlf(sink, 64);
    let most = 0;
    for (let i = 0; i < 10_000; i++) {
      framer.push(Buffer.from(`garbage-${i}-\r`)); // a lone CR never completes the delimiter
      most = Math.max(most, framer.bufferedBytes);
    }
    expect(most).toBeLessThanOrEqual(64);
    expect(sink.frames).toEqual([]);
    expect(sink.oversize).toHaveLength(1);
    framer.push(Buffer.from('\nafter\r\n'));
    expect(sink.frames).toEqual(['after']);
    expect(framer.counters.bytesDropped).toBeGreaterThan(100_000);
  });

  it('reset drops the partial frame and counts it', () => {
    const sink = collector();
    const framer = crlf(sink);
    framer.push(Buffer.from('abc\r\nhalf'));
    framer.reset();
    framer.push(Buffer.from('new\r\n'));
    expect(sink.frames).toEqual(['abc', 'new']);
    expect(framer.counters.bytesDropped).toBe(4);
  });
});

describe('FixedLengthFramer', () => {
  it('cuts N-byte frames from any chunking', () => {
    const data = Buffer.from('AAAABBBBCCCCDD');
    for (const chunks of cuts(data)) {
      const { sink, framer } = framesOf((s) => new FixedLengthFramer({ length: 4 }, s), chunks);
      expect(sink.frames).toEqual(['AAAA', 'BBBB', 'CCCC']);
      expect(framer.bufferedBytes).toBe(2);
    }
  });

  it('realigns on a sync pattern, dropping and counting the bytes before it', () => {
    const data = Buffer.from('aa55010203' + 'ffee' + 'aa55040506' + 'aa' + 'aa55070809', 'hex');
    for (const chunks of cuts(data)) {
      const { sink, framer } = framesOf((s) => new FixedLengthFramer({ length: 5, sync: Buffer.from('aa55', 'hex') }, s), chunks, 'hex');
      expect(sink.frames).toEqual(['aa55010203', 'aa55040506', 'aa55070809']);
      expect(framer.counters.bytesDropped).toBe(3);
    }
  });

  it('holds at most one sync prefix while noise streams in', () => {
    const sink = collector();
    const framer = new FixedLengthFramer({ length: 5, sync: Buffer.from('aa55', 'hex') }, sink);
    for (let i = 0; i < 1000; i++) framer.push(Buffer.from('0102aa', 'hex'));
    expect(framer.bufferedBytes).toBeLessThanOrEqual(1);
    expect(sink.frames).toEqual([]);
  });
});

describe('LengthPrefixedFramer', () => {
  const base = { lengthOffset: 0, lengthBytes: 1 as const, byteOrder: 'BE' as const, lengthAdjustment: 0, stripBytes: 0, maxFrameBytes: 64 };

  it('reads a 1-byte length and strips it when asked', () => {
    const data = Buffer.concat([Buffer.from([3]), Buffer.from('abc'), Buffer.from([0]), Buffer.from([2]), Buffer.from('de'), Buffer.from([5, 0x31])]);
    for (const chunks of cuts(data)) {
      const { sink, framer } = framesOf((s) => new LengthPrefixedFramer({ ...base, stripBytes: 1 }, s), chunks);
      expect(sink.frames).toEqual(['abc', 'de']); // the zero-length frame is consumed, not delivered
      expect(framer.bufferedBytes).toBe(2);
    }
  });

  it('reads a 2-byte length after a header, BE and LE, with a trailing CRC counted by the adjustment', () => {
    // STX 0x02, length (payload only), payload, 2 CRC bytes (not checked by the framer).
    const be = Buffer.from('02' + '0003' + '414243' + 'beef' + '02' + '0001' + '44' + 'cafe', 'hex');
    const le = Buffer.from('02' + '0300' + '414243' + 'beef' + '02' + '0100' + '44' + 'cafe', 'hex');
    for (const [data, byteOrder] of [[be, 'BE'], [le, 'LE']] as const) {
      for (const chunks of cuts(data)) {
        const { sink } = framesOf((s) => new LengthPrefixedFramer({ ...base, lengthOffset: 1, lengthBytes: 2, byteOrder, lengthAdjustment: 2, sync: Buffer.from([2]) }, s), chunks, 'hex');
        expect(sink.frames).toEqual([byteOrder === 'BE' ? '020003414243beef' : '020300414243beef', byteOrder === 'BE' ? '02000144cafe' : '02010044cafe']);
      }
    }
  });

  it('takes a length that counts the whole frame (negative adjustment)', () => {
    const data = Buffer.from([5, 0x61, 0x62, 0x63, 0x64, 4, 0x65, 0x66, 0x67]);
    const { sink } = framesOf((s) => new LengthPrefixedFramer({ ...base, lengthAdjustment: -1, stripBytes: 1 }, s), [data]);
    expect(sink.frames).toEqual(['abcd', 'efg']);
  });

  it('reports a length beyond the bound, slides to the next sync and never buffers more than the bound', () => {
    const frames = Buffer.from('aa' + '02' + '4142' + 'aa' + 'ff' + '00'.repeat(10) + 'aa' + '01' + '43', 'hex');
    for (const chunks of cuts(frames)) {
      const { sink, framer } = framesOf((s) => new LengthPrefixedFramer({ ...base, lengthOffset: 1, stripBytes: 2, maxFrameBytes: 16, sync: Buffer.from([0xaa]) }, s), chunks);
      expect(sink.frames).toEqual(['AB', 'C']);
      expect(framer.counters.framesTooLarge).toBe(1);
      expect(sink.oversize).toEqual([0xff + 2]);
    }
    const sink = collector();
    const framer = new LengthPrefixedFramer({ ...base, maxFrameBytes: 16 }, sink);
    let most = 0;
    for (let i = 0; i < 500; i++) {
      framer.push(Buffer.from([0xf0 + (i % 16), i & 0xff, 7]));
      most = Math.max(most, framer.bufferedBytes);
    }
    expect(most).toBeLessThanOrEqual(16);
  });
});

describe('TimeoutFramer', () => {
  it('ends a frame after the silence, however the bytes were chunked', async () => {
    const clock = new FakeClock();
    const sink = collector();
    const framer = new TimeoutFramer({ silenceMs: 50, maxFrameBytes: 64 }, sink, clock);
    framer.push(Buffer.from('he'));
    await clock.advance(30);
    framer.push(Buffer.from('llo'));
    await clock.advance(49);
    expect(sink.frames).toEqual([]);
    await clock.advance(1);
    expect(sink.frames).toEqual(['hello']);
    framer.push(Buffer.from('w'));
    framer.push(Buffer.from('orld'));
    await clock.advance(50);
    expect(sink.frames).toEqual(['hello', 'world']);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('drops a burst past the bound up to the next silence, then frames again', async () => {
    const clock = new FakeClock();
    const sink = collector();
    const framer = new TimeoutFramer({ silenceMs: 20, maxFrameBytes: 8 }, sink, clock);
    for (let i = 0; i < 100; i++) {
      framer.push(Buffer.from('0123456'));
      expect(framer.bufferedBytes).toBeLessThanOrEqual(8);
      await clock.advance(5);
    }
    await clock.advance(20);
    expect(sink.frames).toEqual([]);
    expect(sink.oversize).toEqual([14]);
    framer.push(Buffer.from('ok'));
    await clock.advance(20);
    expect(sink.frames).toEqual(['ok']);
    expect(framer.counters).toEqual({ frames: 1, framesTooLarge: 1, bytesDropped: 700 });
  });

  it('reset cancels the pending frame', async () => {
    const clock = new FakeClock();
    const sink = collector();
    const framer = new TimeoutFramer({ silenceMs: 20, maxFrameBytes: 8 }, sink, clock);
    framer.push(Buffer.from('abc'));
    framer.reset();
    await clock.advance(100);
    expect(sink.frames).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
    expect(framer.counters.bytesDropped).toBe(3);
  });
});
