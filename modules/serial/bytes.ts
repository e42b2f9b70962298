/**
 * Bytes from config and method payloads: `{data, encoding}` (utf8 text, hex with optional
 * whitespace, or base64) with strict checks (a typo in hex must not send half a command), and
 * hex strings from the config (delimiters, sync patterns).
 */
import { ModuleError } from '../errors.js';
import type { DataEncoding } from './config.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `data` in `encoding` as bytes. FH_SERIAL_WRITE_INVALID when it is not valid for the encoding. */
export function encodeData(data: string, encoding: DataEncoding): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(data, 'utf8');
    case 'hex': {
      const hex = data.replace(/\s+/g, '');
      if (!/^(?:[0-9A-Fa-f]{2})*$/.test(hex)) throw new ModuleError('FH_SERIAL_WRITE_INVALID', 'data is not hex (pairs of 0-9a-f, whitespace allowed)');
      return Buffer.from(hex, 'hex');
    }
    case 'base64': {
      const b64 = data.replace(/\s+/g, '');
      if (!BASE64.test(b64)) throw new ModuleError('FH_SERIAL_WRITE_INVALID', 'data is not base64');
      return Buffer.from(b64, 'base64');
    }
  }
}

/** A hex string from the validated config as bytes. */
export function hexBytes(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}
