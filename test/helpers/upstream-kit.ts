/**
 * For the upstream-link tests (AMQP and MQTT) against a real hub: gateway-side handlers that
 * record what a link delivers, the hub's established TCP connections, and a patient wait.
 *
 * Gateway-side handlers for an upstream link that record what the link delivers (identities
 * online/offline, methods, C2D, desired patches), so tests can wait for and assert on them.
 */
import { readFileSync } from 'node:fs';
import { identityKey } from '../../hub-core/core/ids.js';
import type { IdentityRef, JsonObject, MethodResult } from '../../hub-core/core/types.js';
import type { UpstreamC2d, UpstreamHandlers, UpstreamMethodCall } from '../../runtime/upstream/link.js';
import { waitFor } from './core-fixtures.js';

export const keyOf = (ref: IdentityRef): string => identityKey(ref);

export interface Recorder {
  handlers: UpstreamHandlers;
  /** Times each identity came online. */
  online: Map<string, number>;
  offline: Array<{ key: string; code: string }>;
  methods: Array<{ key: string; call: UpstreamMethodCall }>;
  c2d: Array<{ key: string; c2d: UpstreamC2d }>;
  desired: Array<{ key: string; patch: JsonObject }>;
  /** What a method call answers; default echoes the payload with status 200. */
  answer: (ref: IdentityRef, call: UpstreamMethodCall) => Promise<MethodResult>;
  /** What happens to each C2D message on arrival; default nothing (the test settles it). */
  onC2d: (key: string, c2d: UpstreamC2d) => void;
}

export function recorder(): Recorder {
  const r: Recorder = {
    online: new Map(),
    offline: [],
    methods: [],
    c2d: [],
    desired: [],
    answer: async (_ref, call) => ({ status: 200, payload: { echo: call.payload, method: call.methodName } }),
    onC2d: () => undefined,
    handlers: {
      onIdentityOnline: (ref) => r.online.set(keyOf(ref), (r.online.get(keyOf(ref)) ?? 0) + 1),
      onIdentityOffline: (ref, err) => r.offline.push({ key: keyOf(ref), code: (err as { code?: string }).code ?? '' }),
      onMethod: (ref, call) => {
        r.methods.push({ key: keyOf(ref), call });
        return r.answer(ref, call);
      },
      onC2d: (ref, c2d) => {
        r.c2d.push({ key: keyOf(ref), c2d });
        r.onC2d(keyOf(ref), c2d);
      },
      onDesired: (ref, patch) => r.desired.push({ key: keyOf(ref), patch }),
    },
  };
  return r;
}

/**
 * Established TCP connections to `port` on this machine, counted from /proc/net/tcp (client
 * side: the remote port is `port`). Only the test's link talks to that port.
 */
export function tcpConnectionsTo(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl local_address rem_address st …; 01 = ESTABLISHED.
      if (cols.length > 3 && cols[2]?.endsWith(`:${hex}`) && cols[3] === '01') count++;
    }
  }
  return count;
}

/** {@link waitFor} with the upstream tests' default patience (20 s). */
export function waitUntil<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 20_000): Promise<T> {
  return waitFor(check, what, ms);
}
