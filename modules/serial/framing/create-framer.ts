/**
 * The framer a port's config asks for: delimiter (default), fixed length, length-prefixed or
 * inter-byte timeout. `fallbackDelimiter` is the profile's hint for delimiter framing without one.
 */
import { hexBytes } from '../bytes.js';
import type { Clock } from '../clock.js';
import type { FramingConfig } from '../config.js';
import { DelimiterFramer } from './delimiter-framer.js';
import { FixedLengthFramer } from './fixed-length-framer.js';
import type { Framer, FrameSink } from './framer.js';
import { LengthPrefixedFramer } from './length-prefixed-framer.js';
import { TimeoutFramer } from './timeout-framer.js';

/** Delimiter framing, default bound, as used when a port has no `framing`. */
export const DEFAULT_MAX_FRAME_BYTES = 1024;

/** The delimiter bytes of a framing config (undefined for non-delimiter framing). */
export function delimiterOf(framing: FramingConfig | undefined, fallback: string | undefined): Buffer | undefined {
  if (framing !== undefined && framing.kind !== 'delimiter') return undefined;
  if (framing?.delimiterHex !== undefined) return hexBytes(framing.delimiterHex);
  return Buffer.from(framing?.delimiter ?? fallback ?? '\n', 'utf8');
}

/** Builds the framer; throws RangeError for parameters that cannot work together. */
export function createFramer(framing: FramingConfig | undefined, fallbackDelimiter: string | undefined, sink: FrameSink, clock: Clock): Framer {
  const sync = (hex: string | undefined): { sync?: Buffer } => (hex === undefined ? {} : { sync: hexBytes(hex) });
  switch (framing?.kind) {
    case undefined:
    case 'delimiter':
      return new DelimiterFramer({
        delimiter: delimiterOf(framing, fallbackDelimiter)!,
        maxFrameBytes: framing?.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
        includeDelimiter: framing?.includeDelimiter ?? false,
      }, sink);
    case 'fixed':
      return new FixedLengthFramer({ length: framing.length, ...sync(framing.syncHex) }, sink);
    case 'lengthPrefixed':
      if (framing.lengthOffset + framing.lengthBytes > framing.maxFrameBytes) throw new RangeError('lengthOffset + lengthBytes exceed maxFrameBytes');
      return new LengthPrefixedFramer({
        lengthOffset: framing.lengthOffset, lengthBytes: framing.lengthBytes, byteOrder: framing.byteOrder,
        lengthAdjustment: framing.lengthAdjustment, stripBytes: framing.stripBytes, maxFrameBytes: framing.maxFrameBytes, ...sync(framing.syncHex),
      }, sink);
    case 'timeout':
      return new TimeoutFramer({ silenceMs: framing.silenceMs, maxFrameBytes: framing.maxFrameBytes }, sink, clock);
  }
}
