/**
 * Link addresses of the IoT Hub AMQP surface (wire contract C "Links" and E "C2D over AMQP").
 * Fixed words match case-insensitively (`deviceBound`, `serviceBound`); ids are raw and
 * case-sensitive. Some clients (the C SDK) send the full `amqps://{host}/…` form or a query
 * string; both are reduced to the path before matching.
 */
import type { IdentityRef } from '../../core/types.js';

/** What an address names. The client's role (sender or receiver) picks the handler. */
export type LinkAddress =
  | { kind: 'cbs' }
  /** Device or module events: telemetry when the client sends, module input when it receives. */
  | { kind: 'events'; ref: IdentityRef }
  /** Device cloud-to-device queue (devices only: modules have no C2D queue). */
  | { kind: 'c2d'; ref: IdentityRef }
  | { kind: 'methods'; ref: IdentityRef }
  | { kind: 'twin'; ref: IdentityRef }
  /** Service: send C2D messages (`to` names the device). */
  | { kind: 'service-c2d' }
  | { kind: 'feedback' }
  | { kind: 'file-notifications' }
  | { kind: 'unknown'; address: string };

/** Reduces `amqps://host[:port]/path?query` or `/path?query` to `/path`. */
export function addressPath(address: string): string {
  let path = address;
  const scheme = /^amqps?:\/\/[^/]*/i.exec(path);
  if (scheme !== null) path = path.slice(scheme[0].length);
  const q = path.indexOf('?');
  if (q >= 0) path = path.slice(0, q);
  return path;
}

const eq = (a: string | undefined, b: string): boolean => a !== undefined && a.toLowerCase() === b;

/** Parses a link address; anything unrecognised is `unknown` (the link is refused with not-found). */
export function parseLinkAddress(address: string | undefined): LinkAddress {
  if (typeof address !== 'string' || address === '') return { kind: 'unknown', address: String(address) };
  if (address === '$cbs') return { kind: 'cbs' };
  const path = addressPath(address);
  const segs = path.split('/');
  // A leading `/` gives an empty first segment; accept its absence too (`devices/d/…`).
  if (segs[0] === '') segs.shift();
  if (segs.length === 2 && eq(segs[0], 'messages') && eq(segs[1], 'devicebound')) return { kind: 'service-c2d' };
  if (segs.length === 3 && eq(segs[0], 'messages') && eq(segs[1], 'servicebound')) {
    if (eq(segs[2], 'feedback')) return { kind: 'feedback' };
    if (eq(segs[2], 'filenotifications')) return { kind: 'file-notifications' };
  }
  if (!eq(segs[0], 'devices') || !nonEmpty(segs[1])) return { kind: 'unknown', address };
  const deviceId = segs[1];
  let rest = segs.slice(2);
  let ref: IdentityRef = { deviceId };
  if (eq(rest[0], 'modules')) {
    if (!nonEmpty(rest[1])) return { kind: 'unknown', address };
    ref = { deviceId, moduleId: rest[1] };
    rest = rest.slice(2);
  }
  if (rest.length === 2 && eq(rest[0], 'messages') && eq(rest[1], 'events')) return { kind: 'events', ref };
  if (rest.length === 2 && eq(rest[0], 'messages') && eq(rest[1], 'devicebound') && ref.moduleId === undefined) {
    return { kind: 'c2d', ref };
  }
  if (rest.length === 2 && eq(rest[0], 'methods') && eq(rest[1], 'devicebound')) return { kind: 'methods', ref };
  if (rest.length === 1 && eq(rest[0], 'twin')) return { kind: 'twin', ref };
  return { kind: 'unknown', address };
}

function nonEmpty(s: string | undefined): s is string {
  return s !== undefined && s !== '';
}

/**
 * The device a service C2D message is for, from its `to` property
 * (`/devices/{encodeURIComponent(d)}/messages/devicebound`). Undefined when `to` is not that shape.
 */
export function c2dTarget(to: unknown): string | undefined {
  if (typeof to !== 'string') return undefined;
  const segs = addressPath(to).split('/');
  if (segs[0] === '') segs.shift();
  if (segs.length !== 4 || !eq(segs[0], 'devices') || !eq(segs[2], 'messages') || !eq(segs[3], 'devicebound')) return undefined;
  try {
    const id = decodeURIComponent(segs[1] ?? '');
    return id === '' ? undefined : id;
  } catch {
    return undefined;
  }
}
