/**
 * Gateway-side handlers for an upstream link that record what the link delivers (identities
 * online/offline, methods, C2D, desired patches), so tests can wait for and assert on them.
 */
import type { IdentityRef, JsonObject, MethodResult } from '../../../hub-core/core/types.js';
import type { UpstreamC2d, UpstreamHandlers, UpstreamMethodCall } from '../../../runtime/upstream/link.js';

export const keyOf = (ref: IdentityRef): string => (ref.moduleId === undefined ? ref.deviceId : `${ref.deviceId}/${ref.moduleId}`);

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
}

export function recorder(): Recorder {
  const r: Recorder = {
    online: new Map(),
    offline: [],
    methods: [],
    c2d: [],
    desired: [],
    answer: async (_ref, call) => ({ status: 200, payload: { echo: call.payload, method: call.methodName } }),
    handlers: {
      onIdentityOnline: (ref) => r.online.set(keyOf(ref), (r.online.get(keyOf(ref)) ?? 0) + 1),
      onIdentityOffline: (ref, err) => r.offline.push({ key: keyOf(ref), code: (err as { code?: string }).code ?? '' }),
      onMethod: (ref, call) => {
        r.methods.push({ key: keyOf(ref), call });
        return r.answer(ref, call);
      },
      onC2d: (ref, c2d) => r.c2d.push({ key: keyOf(ref), c2d }),
      onDesired: (ref, patch) => r.desired.push({ key: keyOf(ref), patch }),
    },
  };
  return r;
}
