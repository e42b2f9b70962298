/**
 * Shared access signature (SAS) tokens and connection strings: signing, parsing, verifying and
 * scope checks. Pure functions over node:crypto; the auth service owns keys, clocks and policies.
 * Wire contract: shared/docs/iothub-wire-contract.md, section A.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { HubError } from '../errors.js';

const PREFIX = 'SharedAccessSignature ';

/**
 * `encodeURIComponent` plus `!'()*` escaped, so the result is safe inside a `k=v&k=v` token.
 * Escapes use uppercase hex (RFC 3986 2.1, and the wire contract [SAS-A]). Note: azure-iot-common
 * 1.13.3 writes `*` as lowercase `%2a`; that does not matter to the hub, which signs and verifies
 * the sr text exactly as received (see {@link verifySasSignature}).
 */
export function encodeUriComponentStrict(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Base64(HMAC-SHA256(Base64Decode(key), text)): the signature of one string-to-sign. */
function hmacBase64(keyBase64: string, text: string): string {
  return createHmac('sha256', Buffer.from(keyBase64, 'base64')).update(text, 'utf8').digest('base64');
}

/**
 * Builds a SAS token for `resourceUri` (NOT encoded, e.g. `myhub.example/devices/d1`).
 * `expiry` is Unix seconds (an integer). With `keyName` (a policy) the token carries `skn`.
 * Field order is the Node SDK's: sr, sig, skn, se [SAS-A].
 * @returns `SharedAccessSignature sr={E(uri)}&sig={E(sig)}[&skn={E(keyName)}]&se={expiry}`
 */
export function signSas(resourceUri: string, keyBase64: string, expiry: number, keyName?: string): string {
  if (!Number.isSafeInteger(expiry) || expiry < 0) throw new RangeError(`expiry must be Unix seconds, got ${expiry}`);
  const sr = encodeUriComponentStrict(resourceUri);
  // [SAS-A] the signed text is the *encoded* sr, exactly as it appears in the token.
  const sig = encodeUriComponentStrict(hmacBase64(keyBase64, `${sr}\n${expiry}`));
  const skn = keyName ? `&skn=${encodeUriComponentStrict(keyName)}` : '';
  return `${PREFIX}sr=${sr}&sig=${sig}${skn}&se=${expiry}`;
}

/** A parsed SAS token. */
export interface ParsedSas {
  /** The resource URI as received, still percent-encoded: the text that was signed. */
  sr: string;
  /** `sr` percent-decoded once (host/devices/{d}[/modules/{m}]). */
  srDecoded: string;
  /** The signature, percent-decoded (base64 text). */
  sig: string;
  /** Expiry, Unix seconds. */
  se: number;
  /** The policy (key) name, decoded; absent for device and module keys. */
  skn?: string;
}

function malformed(why: string): HubError {
  return new HubError('FH_AUTH_MALFORMED', `Malformed SAS token: ${why}`);
}

function decodeField(name: string, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw malformed(`${name} is not valid percent-encoding`);
  }
}

/**
 * Parses `SharedAccessSignature sr=…&sig=…&se=…[&skn=…]`, fields in any order, values
 * percent-decoded (`+` stays `+`: device ids may contain it). Unknown fields are ignored.
 * Throws HubError FH_AUTH_MALFORMED when the prefix, sr, sig or se is missing or empty, a field
 * repeats, or se is not a plain non-negative integer.
 */
export function parseSasToken(token: string): ParsedSas {
  if (typeof token !== 'string') throw malformed('not a string');
  const text = token.trim();
  if (!text.startsWith(PREFIX)) throw malformed(`missing the "${PREFIX.trim()}" prefix`);
  const fields = new Map<string, string>();
  for (const part of text.slice(PREFIX.length).trim().split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw malformed(`field "${part}" is not k=v`);
    const key = part.slice(0, eq);
    // A repeated field makes "which sr was signed" ambiguous: refuse rather than guess.
    if (fields.has(key)) throw malformed(`field ${key} repeats`);
    fields.set(key, part.slice(eq + 1));
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = fields.get('se');
  if (!sr) throw malformed('sr is missing');
  if (!sig) throw malformed('sig is missing');
  if (!se) throw malformed('se is missing');
  // Canonical digits only, so the string-to-sign rebuilt from the number is the one received.
  if (!/^(0|[1-9][0-9]*)$/.test(se) || !Number.isSafeInteger(Number(se))) throw malformed('se is not Unix seconds');
  const parsed: ParsedSas = { sr, srDecoded: decodeField('sr', sr), sig: decodeField('sig', sig), se: Number(se) };
  const skn = fields.get('skn');
  if (skn) parsed.skn = decodeField('skn', skn);
  return parsed;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  // The expected length is fixed (44 base64 chars), so checking it first leaks nothing.
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * True when `parsed.sig` is the HMAC of `parsed.sr` (as received) and `se` under `keyBase64`.
 * [SAS-A step 4] If that fails, retries with the lowercased sr: clients differ in `%2f`/`%2F` and
 * the Azure docs ask for a lowercase resource URI. Constant-time comparison. Does NOT check expiry.
 */
export function verifySasSignature(parsed: ParsedSas, keyBase64: string): boolean {
  const candidates = [parsed.sr];
  const lower = parsed.sr.toLowerCase();
  if (lower !== parsed.sr) candidates.push(lower);
  let ok = false;
  for (const sr of candidates) {
    // No early exit: both candidates cost the same whatever the outcome.
    if (sameText(hmacBase64(keyBase64, `${sr}\n${parsed.se}`), parsed.sig)) ok = true;
  }
  return ok;
}

/** The parts of a decoded resource URI. */
export interface ResourceUri {
  /** Host name, lowercased (host names are case-insensitive [SAS-A step 5]). */
  host: string;
  /** Path below the host, `''` for the host alone, else `/seg/seg` without a trailing `/`. */
  path: string;
  /** Set when the path is exactly `/devices/{d}` or `/devices/{d}/modules/{m}`. Case-sensitive. */
  deviceId?: string;
  moduleId?: string;
}

/**
 * Splits a decoded sr (`myhub.example/devices/d1/modules/m1`) into host, path and ids.
 * Splits on `/` only: device ids may contain `?`, `#`, `%` and the like, which a URL parser would
 * misread. A leading `scheme://` is tolerated. Throws FH_AUTH_MALFORMED on an empty host or an
 * empty path segment.
 */
export function parseResourceUri(srDecoded: string): ResourceUri {
  const withoutScheme = srDecoded.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const trimmed = withoutScheme.replace(/\/+$/, '');
  const slash = trimmed.indexOf('/');
  const host = (slash < 0 ? trimmed : trimmed.slice(0, slash)).toLowerCase();
  if (host === '') throw malformed('the resource URI has no host');
  const segments = slash < 0 ? [] : trimmed.slice(slash + 1).split('/');
  if (segments.some((s) => s === '')) throw malformed('the resource URI has an empty path segment');
  const result: ResourceUri = { host, path: segments.length ? `/${segments.join('/')}` : '' };
  const [first, d, third, m] = segments;
  if (first?.toLowerCase() === 'devices' && d !== undefined) {
    if (segments.length === 2) result.deviceId = d;
    else if (segments.length === 4 && third?.toLowerCase() === 'modules' && m !== undefined) {
      result.deviceId = d;
      result.moduleId = m;
    }
  }
  return result;
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/**
 * Segment-prefix scope check [SAS-A step 5]: `/a/b` covers `/a/b` and `/a/b/c`, not `/a/bc`.
 * An empty or `/` scope covers everything. Both are paths (no host), compared case-sensitively
 * and without decoding: callers pass decoded ids on both sides.
 */
export function scopeCovers(scopePath: string, resourcePath: string): boolean {
  const scope = segmentsOf(scopePath);
  const resource = segmentsOf(resourcePath);
  if (scope.length > resource.length) return false;
  return scope.every((seg, i) => seg === resource[i]);
}

/** The resource URI (not encoded) of a device or module: `{host}/devices/{d}[/modules/{m}]`. */
export function deviceResourceUri(hostName: string, deviceId: string, moduleId?: string): string {
  return moduleId === undefined ? `${hostName}/devices/${deviceId}` : `${hostName}/devices/${deviceId}/modules/${moduleId}`;
}

/** A new symmetric key: 32 random bytes, base64 (44 characters). */
export function generateSasKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * Joins `K=V` pairs with `;` in insertion order, skipping undefined values
 * (e.g. `{HostName, DeviceId, SharedAccessKey}`). Throws RangeError when a key holds `=` or `;`,
 * or a value holds `;` (connection strings have no escaping).
 */
export function connectionString(parts: Record<string, string | undefined>): string {
  const out: string[] = [];
  for (const [k, v] of Object.entries(parts)) {
    if (v === undefined) continue;
    if (k === '' || /[=;]/.test(k)) throw new RangeError(`connection string key "${k}" is empty or holds = or ;`);
    if (v.includes(';')) throw new RangeError(`connection string value for ${k} holds ;`);
    out.push(`${k}=${v}`);
  }
  return out.join(';');
}

/**
 * Parses `K=V;K=V`. Values may contain `=` (base64 keys do): each pair splits at its first `=`.
 * Empty elements (a trailing `;`) are skipped; a repeated key keeps the last value, as
 * azure-iot-common does. Throws HubError FH_CONFIG_INVALID on an element without `=` or key.
 */
export function parseConnectionString(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of s.trim().split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new HubError('FH_CONFIG_INVALID', `Connection string element "${part}" is not Key=Value`);
    Object.defineProperty(out, part.slice(0, eq), {
      value: part.slice(eq + 1), enumerable: true, writable: true, configurable: true,
    });
  }
  return out;
}
