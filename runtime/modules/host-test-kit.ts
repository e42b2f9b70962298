/**
 * Fixtures for the module host's unit tests: a hub core on a MemoryStore with a FakeClock, a host
 * on the same clock with a temporary data folder, and a scriptable fake module type that records
 * its lifecycle calls.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { createTestHub, type TestHub } from '../../hub-core/core/test-kit.js';
import { silentLogger } from '../../hub-core/log.js';
import type { FieldhubModule, ModuleContext, ModuleFactory } from './api.js';
import { ModuleHost, type ModuleHostOptions } from './module-host.js';

/** What a fake module does; each hook may be async. */
export interface FakeBehaviour {
  start?(ctx: ModuleContext, attempt: number): Promise<void> | void;
  stop?(name: string): Promise<void> | void;
}

export interface FakeType {
  factory: ModuleFactory;
  /** Lifecycle log shared by every fake type of a kit: `start a`, `started a`, `stop a`. */
  events: string[];
  /** Contexts of the current runs by instance name. */
  contexts: Map<string, ModuleContext>;
}

/** A module type named `type` whose config is `{ value?: number, after?: string }`. */
export function fakeType(type: string, events: string[], behaviour: FakeBehaviour = {}): FakeType {
  const contexts = new Map<string, ModuleContext>();
  const attempts = new Map<string, number>();
  const factory: ModuleFactory = {
    manifest: {
      type,
      version: '1.0.0',
      description: `fake ${type}`,
      configSchema: {
        type: 'object',
        additionalProperties: false,
        properties: { value: { type: 'integer', minimum: 0, default: 1 }, after: { type: 'string' } },
      },
    },
    dependsOn: (config) => {
      const after = (config as { after?: string }).after;
      return after === undefined ? [] : [after];
    },
    create(): FieldhubModule {
      let name = '?';
      return {
        async start(ctx) {
          name = ctx.name;
          const attempt = (attempts.get(name) ?? 0) + 1;
          attempts.set(name, attempt);
          contexts.set(name, ctx);
          events.push(`start ${name}`);
          await behaviour.start?.(ctx, attempt);
          events.push(`started ${name}`);
        },
        async stop() {
          events.push(`stop ${name}`);
          await behaviour.stop?.(name);
        },
      };
    },
  };
  return { factory, events, contexts };
}

export interface HostKit extends TestHub {
  host: ModuleHost;
  events: string[];
  dataDir: string;
  cleanup(): Promise<void>;
}

let kitCount = 0;

/** A hub and a module host with the given fake types (gateway `gw`, stop bound 1 s, backoff 1 s .. 8 s). */
export async function hostKit(types: (events: string[]) => FakeType[], options: Partial<ModuleHostOptions> = {}): Promise<HostKit & { types: FakeType[] }> {
  const t = await createTestHub();
  const events: string[] = [];
  const fakes = types(events);
  const dataDir = resolve('test/.tmp/modules', `host-${process.pid}-${++kitCount}`);
  mkdirSync(dataDir, { recursive: true });
  const host = ModuleHost.create({
    core: t.hub, gatewayDeviceId: 'gw', factories: new Map(fakes.map((f) => [f.factory.manifest.type, f.factory])),
    dataDir, logger: silentLogger(), clock: t.clock, stopTimeoutMs: 1000, startTimeoutMs: 5000,
    restart: { minDelayMs: 1000, maxDelayMs: 8000 }, ...options,
  });
  return {
    ...t, host, events, dataDir, types: fakes,
    async cleanup() {
      const stopping = host.stop();
      await t.clock.advance(10_000);
      await stopping;
      await t.hub.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A promise with its resolve/reject. */
export function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void; reject(err: Error): void } {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Polls `check` (real time, up to 5 s) until it holds: host work mixes store writes and fs calls. */
export async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
