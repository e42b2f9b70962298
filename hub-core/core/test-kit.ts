/**
 * Test fixtures for the core's unit tests (no vitest import, so any test runner can use it):
 * a hub over a MemoryStore and a FakeClock, a recording {@link DeviceProxy}, and token helpers.
 */
import type { HubError } from '../errors.js';
import { MemoryStore } from '../store/memory.js';
import type { Store } from '../store/store.js';
import type { DeviceProxy, HubCoreOptions } from './api.js';
import { FakeClock } from './clock.js';
import { HubCore } from './hub.js';
import { deviceResourceUri, signSas } from './sas.js';
import type { C2dDelivery, JsonObject, MethodRequest } from './types.js';

export const TEST_HOST = 'testhub.example.net';

export interface TestHub {
  hub: HubCore;
  store: Store;
  clock: FakeClock;
}

/** A hub on a fresh (or the given, already used) MemoryStore with a fake clock. */
export async function createTestHub(options: Partial<HubCoreOptions> & { store?: Store; clock?: FakeClock } = {}): Promise<TestHub> {
  const store = options.store ?? new MemoryStore();
  const clock = options.clock ?? new FakeClock();
  const hub = await HubCore.create({ ...options, store, clock, hostName: options.hostName ?? TEST_HOST });
  return { hub, store, clock };
}

/** A DeviceProxy that records what the core sends it. */
export class RecordingProxy implements DeviceProxy {
  readonly c2d: C2dDelivery[] = [];
  readonly methodRequests: MethodRequest[] = [];
  readonly desired: JsonObject[] = [];
  readonly closes: HubError[] = [];
  /** Called for each method request, e.g. to answer at once. */
  onMethod: ((request: MethodRequest) => void) | undefined;

  constructor(readonly protocol: DeviceProxy['protocol'] = 'mqtt') {}

  sendC2d(delivery: C2dDelivery): void {
    this.c2d.push(delivery);
  }

  sendMethodRequest(request: MethodRequest): void {
    this.methodRequests.push(request);
    this.onMethod?.(request);
  }

  sendDesiredPatch(patch: JsonObject): void {
    this.desired.push(patch);
  }

  close(reason: HubError): void {
    this.closes.push(reason);
  }
}

/** A device (or module) SAS token signed with `key`, valid `ttlS` seconds from the clock's now. */
export function identityToken(clock: FakeClock, key: string, deviceId: string, moduleId?: string, ttlS = 3600): string {
  return signSas(deviceResourceUri(TEST_HOST, deviceId, moduleId), key, Math.floor(clock.now() / 1000) + ttlS);
}

/** A hub policy token for resource `uri` (default: the whole hub). */
export function policyToken(clock: FakeClock, keyName: string, key: string, uri = TEST_HOST, ttlS = 3600): string {
  return signSas(uri, key, Math.floor(clock.now() / 1000) + ttlS, keyName);
}

/** A UTF-8 message with optional application properties. */
export function textMessage(text: string, properties: Record<string, string> = {}, system: Record<string, string> = {}) {
  return { body: new TextEncoder().encode(text), system, properties };
}

/** Awaits `promise` expecting a rejection; returns the error's code. */
export async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

/** Runs `fn` expecting a throw; returns the error's code. */
export function codeOfSync(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}
