/**
 * Direct-method writes, as pure functions: the `write` method's payload
 * `{data, encoding: 'utf8'|'hex'|'base64', appendDelimiter?, replyTimeoutMs?}` and named commands
 * (templates from config with `${name}` placeholders filled from the payload's fields) become the
 * exact bytes to send. Anything wrong is FH_SERIAL_WRITE_INVALID before a byte is written.
 */
import type { JsonValue } from '../../runtime/modules/api.js';
import { ModuleError } from '../errors.js';
import { encodeData } from './bytes.js';
import type { CommandConfig, DataEncoding } from './config.js';

/** Largest single write, bytes (a method payload is far smaller anyway). */
export const MAX_WRITE_BYTES = 65_536;
/** Longest reply wait a payload may ask for, ms. */
export const MAX_REPLY_TIMEOUT_MS = 60_000;

/** Bytes to send, and whether to wait for a reply frame. */
export interface WriteRequest {
  readonly bytes: Buffer;
  readonly replyTimeoutMs?: number;
}

const ENCODINGS: readonly DataEncoding[] = ['utf8', 'hex', 'base64'];

const invalid = (message: string): ModuleError => new ModuleError('FH_SERIAL_WRITE_INVALID', message);

function isObject(v: JsonValue | undefined): v is { [k: string]: JsonValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function withDelimiter(bytes: Buffer, append: boolean, delimiter: Buffer | undefined): Buffer {
  if (!append) return bytes;
  if (delimiter === undefined) throw invalid('appendDelimiter needs delimiter framing on the port');
  return Buffer.concat([bytes, delimiter]);
}

function checked(request: WriteRequest): WriteRequest {
  if (request.bytes.length === 0) throw invalid('nothing to write (empty data)');
  if (request.bytes.length > MAX_WRITE_BYTES) throw invalid(`a write is at most ${MAX_WRITE_BYTES} bytes (got ${request.bytes.length})`);
  return request;
}

function replyTimeout(value: JsonValue | undefined): { replyTimeoutMs?: number } {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_REPLY_TIMEOUT_MS) {
    throw invalid(`replyTimeoutMs must be an integer 1..${MAX_REPLY_TIMEOUT_MS}`);
  }
  return { replyTimeoutMs: value };
}

/** The `write` method: `{data, encoding?, appendDelimiter?, replyTimeoutMs?}`. */
export function writeRequest(payload: JsonValue, delimiter: Buffer | undefined): WriteRequest {
  if (!isObject(payload)) throw invalid('payload must be an object {data, encoding?, appendDelimiter?, replyTimeoutMs?}');
  const { data, encoding = 'utf8', appendDelimiter = false } = payload;
  const unknown = Object.keys(payload).filter((k) => !['data', 'encoding', 'appendDelimiter', 'replyTimeoutMs'].includes(k));
  if (unknown.length > 0) throw invalid(`unknown payload field(s): ${unknown.join(', ')}`);
  if (typeof data !== 'string') throw invalid('data must be a string');
  if (typeof encoding !== 'string' || !(ENCODINGS as readonly string[]).includes(encoding)) throw invalid(`encoding must be one of ${ENCODINGS.join(', ')}`);
  if (typeof appendDelimiter !== 'boolean') throw invalid('appendDelimiter must be a boolean');
  const bytes = withDelimiter(encodeData(data, encoding as DataEncoding), appendDelimiter, delimiter);
  return checked({ bytes, ...replyTimeout(payload.replyTimeoutMs) });
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The placeholders of a template, in order of first use. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** A named command: its template filled from the payload (an object; may be empty without placeholders). */
export function commandRequest(name: string, command: CommandConfig, payload: JsonValue, delimiter: Buffer | undefined): WriteRequest {
  const params: { [k: string]: JsonValue } = payload === null || payload === undefined ? {} : isObject(payload) ? payload : {};
  if (!isObject(payload) && payload !== null && payload !== undefined) throw invalid(`command ${name}: payload must be an object of its parameters`);
  const text = command.data.replace(PLACEHOLDER, (_all, key: string) => {
    const value = params[key];
    if (value === undefined) throw invalid(`command ${name}: parameter ${key} is missing`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw invalid(`command ${name}: parameter ${key} must be a string, number or boolean`);
    return String(value);
  });
  const bytes = withDelimiter(encodeData(text, command.encoding), command.appendDelimiter, delimiter);
  return checked({ bytes, ...(command.replyTimeoutMs !== undefined ? { replyTimeoutMs: command.replyTimeoutMs } : {}) });
}
