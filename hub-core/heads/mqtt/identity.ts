/**
 * Who a CONNECT claims to be: clientId `{d}` or `{d}/{m}`, username
 * `{HostName}/{d}[/{m}]/?api-version=…&DeviceClientType=…` (wire contract B, "CONNECT"), and
 * the TLS client certificate's thumbprints for X.509 identities. Pure functions; the CONNECT
 * handler decides what to do with a mismatch.
 */
import { createHash } from 'node:crypto';
import type { IdentityRef } from '../../core/types.js';

/** Device and module ids as IoT Hub allows them: up to 128 chars, no `/`, no control chars. */
const ID = /^[^/\s\u0000-\u001f]{1,128}$/;

/** The identity named by a clientId, or undefined when it is not `{d}` or `{d}/{m}`. */
export function parseClientId(clientId: string): IdentityRef | undefined {
  const parts = clientId.split('/');
  if (parts.length > 2 || !parts.every((p) => ID.test(p))) return undefined;
  const [deviceId, moduleId] = parts as [string, string | undefined];
  return moduleId === undefined ? { deviceId } : { deviceId, moduleId };
}

/** The parts of a username. */
export interface ParsedUsername {
  hostName: string;
  deviceId: string;
  moduleId?: string;
  /** Query parameters (`api-version`, `DeviceClientType`, `model-id`, …), decoded. */
  params: Map<string, string>;
}

/**
 * Parses a username leniently: with or without `?`, old SDKs' `/api-version=…` path segment,
 * a trailing `/`. Returns undefined when there is no host and device segment at all.
 */
export function parseUsername(username: string): ParsedUsername | undefined {
  const q = username.indexOf('?');
  const path = q === -1 ? username : username.slice(0, q);
  const params = new Map<string, string>();
  const segments: string[] = [];
  for (const seg of path.split('/')) {
    if (seg.length === 0) continue;
    // `/api-version=2016-11-14&DeviceClientType=…` as a path segment (older SDKs).
    if (seg.includes('=')) addParams(params, seg);
    else segments.push(seg);
  }
  if (q !== -1) addParams(params, username.slice(q + 1));
  const [hostName, deviceId, moduleId] = segments;
  if (hostName === undefined || deviceId === undefined || segments.length > 3) return undefined;
  return moduleId === undefined ? { hostName, deviceId, params } : { hostName, deviceId, moduleId, params };
}

function addParams(into: Map<string, string>, query: string): void {
  for (const pair of query.split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? '' : pair.slice(eq + 1);
    into.set(safeDecode(key), safeDecode(value));
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** True when two refs name the same identity (ids are case-sensitive). */
export function sameIdentity(a: IdentityRef, b: IdentityRef): boolean {
  return a.deviceId === b.deviceId && (a.moduleId ?? undefined) === (b.moduleId ?? undefined);
}

/** `d` or `d/m`, for logs. */
export function identityLabel(ref: IdentityRef): string {
  return ref.moduleId === undefined ? ref.deviceId : `${ref.deviceId}/${ref.moduleId}`;
}

/** The registry resource path of an identity: `/devices/{d}[/modules/{m}]`. */
export function identityResource(ref: IdentityRef): string {
  return ref.moduleId === undefined ? `/devices/${ref.deviceId}` : `/devices/${ref.deviceId}/modules/${ref.moduleId}`;
}

/** SHA-1 and SHA-256 thumbprints of a DER certificate, uppercase hex (as IoT Hub stores them). */
export function thumbprints(der: Uint8Array): { sha1: string; sha256: string } {
  return {
    sha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
    sha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
  };
}
