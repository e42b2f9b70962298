import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { LeafDevice, Message, ModuleContext } from './api.js';
import { fakeType, hostKit, until, type HostKit } from './host-test-kit.js';

let kit: HostKit | undefined;
afterEach(async () => {
  await kit?.cleanup();
  kit = undefined;
});

const text = (m: Message): string => new TextDecoder().decode(m.body);

async function oneModule(start?: (ctx: ModuleContext) => Promise<void> | void): Promise<HostKit & { ctx: () => ModuleContext }> {
  const k = await hostKit((events) => [fakeType('fake', events, start === undefined ? {} : { start })]);
  kit = k;
  await k.host.start({ mod1: { type: 'fake', config: { value: 3 } } });
  return { ...k, ctx: () => k.types[0]!.contexts.get('mod1')! };
}

describe('module context: identity and outputs', () => {
  it('gives the module its identity, config, folder and a live session', async () => {
    const k = await oneModule();
    const ctx = k.ctx();
    expect(ctx).toMatchObject({ name: 'mod1', gatewayDeviceId: 'gw', config: { value: 3 } });
    expect(Object.isFrozen(ctx.config)).toBe(true);
    expect(existsSync(ctx.dataDir)).toBe(true);
    expect(ctx.dataDir.endsWith('/mod1')).toBe(true);
    expect((await k.hub.registry.getDevice('gw')).capabilities.iotEdge).toBe(true);
    expect(await k.hub.registry.getModule('gw', 'mod1')).toMatchObject({ managedBy: 'fieldhub', connectionState: 'Connected' });
  });

  it('publish stores telemetry of the module identity with outputName and connection ids', async () => {
    const k = await oneModule();
    await k.ctx().publish('metrics', { body: { temp: 21.5 }, properties: { unit: 'C' } });
    await k.ctx().publish('raw', { body: new Uint8Array([1, 2, 3]), contentType: 'application/octet-stream', messageId: 'm-1' });
    const stored = [];
    for await (const m of k.hub.telemetry.read({ deviceId: 'gw' })) stored.push(m);
    expect(stored).toHaveLength(2);
    expect(stored[0]!.moduleId).toBe('mod1');
    expect(text(stored[0]!.message)).toBe('{"temp":21.5}');
    expect(stored[0]!.message.properties).toEqual({ unit: 'C' });
    expect(stored[0]!.message.system).toMatchObject({
      outputName: 'metrics', contentType: 'application/json', contentEncoding: 'utf-8', connectionDeviceId: 'gw', connectionModuleId: 'mod1',
    });
    expect([...stored[1]!.message.body]).toEqual([1, 2, 3]);
    expect(stored[1]!.message.system).toMatchObject({ outputName: 'raw', contentType: 'application/octet-stream', messageId: 'm-1' });
    await expect(k.ctx().publish('a/b', { body: 'x' })).rejects.toThrow(TypeError);
  });

  it('updateReported patches the module twin', async () => {
    const k = await oneModule();
    await k.ctx().updateReported({ os: 'linux', nested: { a: 1 } });
    const twin = await k.hub.twins.get({ deviceId: 'gw', moduleId: 'mod1' });
    expect(twin.properties.reported).toMatchObject({ os: 'linux', nested: { a: 1 } });
  });

  it('refuses calls once the module stopped', async () => {
    const k = await oneModule();
    const ctx = k.ctx();
    await k.host.stop();
    expect(ctx.signal.aborted).toBe(true);
    await expect(ctx.publish('out', { body: 'x' })).rejects.toMatchObject({ code: 'FH_MODULE_NOT_RUNNING' });
    await expect(ctx.registerDevice('leaf')).rejects.toMatchObject({ code: 'FH_MODULE_NOT_RUNNING' });
    expect((await k.hub.registry.getModule('gw', 'mod1')).connectionState).toBe('Disconnected');
  });

  it('a module whose identity is deleted while running fails, and its restart recreates the identity', async () => {
    const k = await oneModule();
    await k.hub.registry.deleteModule('gw', 'mod1');
    await until(() => k.host.status().mod1!.state === 'backoff', 'backoff after losing the session');
    expect(k.host.status().mod1!.lastError?.message).toContain('FH_AUTH_DISABLED');
    await k.clock.advance(1000);
    await until(() => k.host.status().mod1!.state === 'running', 'running again');
    expect(await k.hub.registry.getModule('gw', 'mod1')).toMatchObject({ connectionState: 'Connected' });
  });
});

describe('module context: inputs', () => {
  it('onInput receives sendToModuleInput messages; resolve completes, a throw abandons (redelivered)', async () => {
    const got: [string, string][] = [];
    let failOnce = true;
    const k = await oneModule((ctx) => {
      ctx.onInput('in1', async (m) => {
        got.push(['in1', text(m)]);
        if (failOnce) {
          failOnce = false;
          throw new Error('not now');
        }
      });
      ctx.onInput('in2', async (m) => {
        got.push(['in2', text(m)]);
      });
    });
    const ref = { deviceId: 'gw', moduleId: 'mod1' };
    await k.hub.c2d.sendToModuleInput(ref, 'in1', { body: Buffer.from('a'), system: {}, properties: {} });
    await k.hub.c2d.sendToModuleInput(ref, 'in2', { body: Buffer.from('b'), system: {}, properties: {} });
    await k.hub.c2d.sendToModuleInput(ref, 'nobody', { body: Buffer.from('c'), system: {}, properties: {} });
    await until(async () => (await k.hub.c2d.depth(ref)) === 0, 'input queue drained');
    // a failed once and came back; the message for an input without a handler was rejected.
    expect(got.map(([i, b]) => `${i}:${b}`).sort()).toEqual(['in1:a', 'in1:a', 'in2:b']);
  });
});

describe('module context: leaf devices', () => {
  it('registerDevice creates the device under the gateway and serves telemetry, twin, methods and C2D', async () => {
    let leaf: LeafDevice | undefined;
    const k = await oneModule(async (ctx) => {
      leaf = await ctx.registerDevice('meter-1');
    });
    const l = leaf!;
    expect(await ctx2Same(k.ctx(), l)).toBe(true);
    expect(await k.hub.registry.getDevice('meter-1')).toMatchObject({ parentId: 'gw', connectionState: 'Connected' });

    await l.sendTelemetry({ body: { kWh: 12 } });
    const stored = [];
    for await (const m of k.hub.telemetry.read({ deviceId: 'meter-1' })) stored.push(m);
    expect(stored.map((m) => [m.moduleId, text(m.message), m.message.system.connectionDeviceId])).toEqual([[undefined, '{"kWh":12}', 'meter-1']]);

    const desired: unknown[] = [];
    l.onDesired((patch) => {
      desired.push(patch);
    });
    await k.hub.twins.patch({ deviceId: 'meter-1' }, { properties: { desired: { intervalS: 5 } } });
    await until(() => desired.length === 1, 'desired patch');
    expect(desired[0]).toMatchObject({ intervalS: 5 });
    await l.updateReported({ intervalS: 5 });
    expect((await l.getTwin()).reported).toMatchObject({ intervalS: 5 });

    l.onMethod('reset', async (payload) => ({ status: 200, payload: { reset: payload } }));
    l.onMethod('*', async (_p, name) => ({ status: 202, payload: name }));
    const invoke = (methodName: string) => k.hub.methods.invoke({ deviceId: 'meter-1' }, { methodName, payload: 'all', responseTimeoutInSeconds: 5 });
    expect(await invoke('reset')).toEqual({ status: 200, payload: { reset: 'all' } });
    expect(await invoke('other')).toEqual({ status: 202, payload: 'other' });

    const c2d: string[] = [];
    l.onC2d(async (m) => {
      c2d.push(text(m));
    });
    await k.hub.c2d.send('meter-1', { body: Buffer.from('open valve'), system: {}, properties: {} });
    await until(async () => (await k.hub.c2d.queueDepth('meter-1')) === 0, 'C2D completed');
    expect(c2d).toEqual(['open valve']);
  });

  it('a method without a handler answers 501, a throwing handler 500', async () => {
    let leaf: LeafDevice | undefined;
    const k = await oneModule(async (ctx) => {
      leaf = await ctx.registerDevice('meter-2');
    });
    leaf!.onMethod('boom', async () => {
      throw new Error('broken');
    });
    const invoke = (methodName: string) => k.hub.methods.invoke({ deviceId: 'meter-2' }, { methodName, payload: null, responseTimeoutInSeconds: 5 });
    expect((await invoke('boom')).status).toBe(500);
    expect((await invoke('nothing')).status).toBe(501);
  });

  it('leaf devices are disconnected when their module stops; another module cannot take them', async () => {
    const k = await hostKit((events) => [fakeType('fake', events, {
      start: async (ctx) => {
        await ctx.registerDevice('shared');
      },
    })]);
    kit = k;
    await k.host.start({ one: { type: 'fake', config: {} } });
    expect((await k.hub.registry.getDevice('shared')).connectionState).toBe('Connected');
    // A second instance registering the same leaf fails its start (and backs off); the first keeps it.
    await k.host.apply({ one: { type: 'fake', config: {} }, two: { type: 'fake', config: {} } });
    expect(k.host.status().two).toMatchObject({ state: 'backoff', lastError: { code: 'FH_CONFIG_INVALID' } });
    expect(k.host.status().one!.state).toBe('running');
    await k.host.apply({ two: { type: 'fake', config: {} } });
    await k.clock.advance(1000);
    await until(() => k.host.status().two!.state === 'running', 'two took the leaf after one left');
    await k.host.stop();
    expect((await k.hub.registry.getDevice('shared')).connectionState).toBe('Disconnected');
  });
});

/** The same module registering the same id again gets the same handle. */
async function ctx2Same(ctx: ModuleContext, leaf: LeafDevice): Promise<boolean> {
  return (await ctx.registerDevice(leaf.deviceId)) === leaf;
}
