/**
 * What a route condition may read of a message body: the body is JSON only when its contentType
 * is `application/json` and its contentEncoding is UTF-8, UTF-16 or UTF-32 [IoT Hub message
 * routing query syntax: "Query based on message body"]; anything else (no contentType, text, a
 * binary body, bytes that do not decode, JSON that does not parse) has no JSON body, and never
 * throws. Also the helpers the file sink uses to decide whether a body is text.
 */
import { isUtf8 } from 'node:buffer';
import type { SystemProperties } from '../../hub-core/core/types.js';

/** The media type of a contentType without parameters, lower-case (`Application/JSON; x=1` -> `application/json`). */
export function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

type UtfForm = 'utf-8' | 'utf-16' | 'utf-32';

/** The UTF form a contentEncoding names (`UTF-8`, `utf8`, ...), else undefined. */
export function utfForm(contentEncoding: string | undefined): UtfForm | undefined {
  switch (contentEncoding?.trim().toLowerCase()) {
    case 'utf-8': case 'utf8': return 'utf-8';
    case 'utf-16': case 'utf16': return 'utf-16';
    case 'utf-32': case 'utf32': return 'utf-32';
    default: return undefined;
  }
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf16Decoder = new TextDecoder('utf-16le', { fatal: true });

/** UTF-16: a BOM says the byte order; without one, little-endian (as .NET's Encoding.Unicode). */
function decodeUtf16(bytes: Uint8Array): string {
  if (bytes.length % 2 !== 0) throw new RangeError('odd UTF-16 length');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = new Uint8Array(bytes.length - 2);
    for (let i = 2; i < bytes.length; i += 2) {
      swapped[i - 2] = bytes[i + 1] as number;
      swapped[i - 1] = bytes[i] as number;
    }
    return utf16Decoder.decode(swapped);
  }
  return utf16Decoder.decode(bytes); // the decoder drops a leading FF FE itself
}

/** UTF-32: a BOM says the byte order; without one, little-endian (as .NET's Encoding.UTF32). */
function decodeUtf32(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) throw new RangeError('bad UTF-32 length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let little = true;
  let at = 0;
  if (bytes.length >= 4) {
    const first = view.getUint32(0, true);
    if (first === 0xfeff) at = 4;
    else if (first === 0xfffe0000) {
      little = false;
      at = 4;
    }
  }
  let out = '';
  const chunk: number[] = [];
  for (; at < bytes.length; at += 4) {
    const cp = view.getUint32(at, little);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new RangeError('bad UTF-32 code point');
    chunk.push(cp);
    if (chunk.length === 4096) {
      out += String.fromCodePoint(...chunk);
      chunk.length = 0;
    }
  }
  return out + String.fromCodePoint(...chunk);
}

/** The body as text in its declared UTF form; throws when the bytes are not valid in it. */
function decodeText(body: Uint8Array, form: UtfForm): string {
  switch (form) {
    case 'utf-8': return utf8Decoder.decode(body); // drops a leading BOM
    case 'utf-16': return decodeUtf16(body);
    case 'utf-32': return decodeUtf32(body);
  }
}

/**
 * The JSON value of a message body, or undefined when the body is not queryable JSON: wrong
 * contentType or contentEncoding, bytes that do not decode, or text that does not parse. Never
 * throws. Parses on every call: cache the result (see MessageScope).
 */
export function jsonBodyOf(system: SystemProperties, body: Uint8Array): unknown {
  if (mediaType(system.contentType) !== 'application/json') return undefined;
  const form = utfForm(system.contentEncoding);
  if (form === undefined) return undefined;
  try {
    return JSON.parse(decodeText(body, form)) as unknown;
  } catch {
    return undefined; // a bad body is just not JSON: the condition sees undefined
  }
}

/** Media types whose bodies are text (when their bytes are UTF-8). */
function isTextMediaType(type: string): boolean {
  return type.startsWith('text/') || type === 'application/json' || type === 'application/xml'
    || type.endsWith('+json') || type.endsWith('+xml');
}

/**
 * True when the body can be stored as UTF-8 text: a text or JSON contentType, no contentEncoding
 * other than UTF-8, and bytes that are valid UTF-8.
 */
export function isUtf8TextBody(system: SystemProperties, body: Uint8Array): boolean {
  const type = mediaType(system.contentType);
  if (type === undefined || !isTextMediaType(type)) return false;
  if (system.contentEncoding !== undefined && system.contentEncoding !== '' && utfForm(system.contentEncoding) !== 'utf-8') return false;
  return isUtf8(body);
}
