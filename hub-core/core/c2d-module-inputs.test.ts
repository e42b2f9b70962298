import { describe, expect, it } from 'vitest';
import type { HubLimits } from './api.js';
import { codeOf, createTestHub, RecordingProxy, textMessage } from './test-kit.js';
import type { FeedbackRecord, Principal } from './types.js';

const mod = { deviceId: 'gw', moduleId: 'm1' };
const principal: Principal = { kind: 'device', deviceId: 'gw', moduleId: 'm1', authType: 'sas' };
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

async function setup(limits: Partial<HubLimits> = {}) {
  const t = await createTestHub({ limits });
  await t.hub.registry.createDevice({ deviceId: 'gw' });
  await t.hub.registry.createModule(mod);
  const feedback: FeedbackRecord[] = [];
  t.hub.c2d.onFeedback((r) => feedback.push(r));
  const send = (body: string, input = 'in1', system: Record<string, string> = {}) =>
    t.hub.c2d.sendToModuleInput(mod, input, textMessage(body, { k: body }, { messageId: body, ...system }));
  const attach = async (persistentSession = false) => {
    const proxy = new RecordingProxy('module');
    const session = await t.hub.connect(mod, principal, proxy, { persistentSession });
    session.setC2dEnabled(true);
    await t.hub.idle();
    return { proxy, session };
  };
  const c2dKeys = async (): Promise<string[]> => {
    const keys: string[] = [];
    for await (const key of t.store.sublevel('core').sublevel('c2d').keys()) keys.push(key);
    return keys;
  };
  return { ...t, feedback, send, attach, c2dKeys };
}

describe('module inputs: delivery', () => {
  it('delivers queued input messages in order with inputName, only once the module enables them', async () => {
    const { hub, send, attach } = await setup();
    await send('a', 'in1', { ack: 'full' });
    await send('b', 'in2');
    // A connected module that has not subscribed to inputs gets nothing yet.
    const idle = new RecordingProxy('module');
    const early = await hub.connect(mod, principal, idle);
    await hub.idle();
    expect(idle.c2d).toHaveLength(0);
    early.disconnect();
    const { proxy } = await attach();
    expect(proxy.c2d.map((d) => [text(d.message.body), d.message.system.inputName, d.deliveryCount])).toEqual([['a', 'in1', 0], ['b', 'in2', 0]]);
    const first = proxy.c2d[0]!;
    expect(first.message.system).toMatchObject({ messageId: 'a', to: '/devices/gw/modules/m1/inputs/in1', enqueuedTime: first.enqueuedTime });
    // No feedback for module inputs: the ack is not carried.
    expect(first.message.system.ack).toBeUndefined();
    expect(first.message.properties).toEqual({ k: 'a' });
    await send('c', 'in1');
    await hub.idle();
    expect(proxy.c2d.map((d) => text(d.message.body))).toEqual(['a', 'b', 'c']);
    expect(await hub.c2d.depth(mod)).toBe(3);
  });

  it("keeps the module's queue apart from its device's C2D queue", async () => {
    const { hub, send, attach } = await setup();
    await send('input');
    await hub.c2d.send('gw', textMessage('c2d'));
    const device = new RecordingProxy();
    const deviceSession = await hub.connect({ deviceId: 'gw' }, { kind: 'device', deviceId: 'gw', authType: 'sas' }, device);
    deviceSession.setC2dEnabled(true);
    const { proxy } = await attach();
    await hub.idle();
    expect(device.c2d.map((d) => [text(d.message.body), d.message.system.inputName])).toEqual([['c2d', undefined]]);
    expect(proxy.c2d.map((d) => text(d.message.body))).toEqual(['input']);
    expect(await hub.c2d.queueDepth('gw')).toBe(1);
    expect(await hub.c2d.depth(mod)).toBe(1);
    // Lock tokens are per queue: the device cannot settle the module's message and vice versa.
    expect(await codeOf(deviceSession.completeC2d(proxy.c2d[0]!.lockToken))).toBe('FH_C2D_LOCK_LOST');
    // Modules have no pull model.
    expect(await hub.c2d.receive(mod)).toBeUndefined();
  });
});

describe('module inputs: settlement and redelivery', () => {
  it('complete and reject remove the message; neither produces feedback', async () => {
    const { hub, send, attach, feedback } = await setup();
    await send('x', 'in1', { ack: 'full' });
    await send('y', 'in1', { ack: 'full' });
    const { proxy, session } = await attach();
    await session.completeC2d(proxy.c2d[0]!.lockToken);
    await session.rejectC2d(proxy.c2d[1]!.lockToken);
    await hub.idle();
    expect(await hub.c2d.depth(mod)).toBe(0);
    expect(feedback).toEqual([]);
    expect(await codeOf(session.completeC2d(proxy.c2d[0]!.lockToken))).toBe('FH_C2D_LOCK_LOST');
  });

  it('abandon redelivers with deliveryCount + 1 and drops the message at c2dMaxDeliveryCount', async () => {
    const { hub, send, attach, feedback } = await setup({ c2dMaxDeliveryCount: 3 });
    await send('m');
    const { proxy, session } = await attach();
    for (let i = 0; i < 3; i++) {
      await session.abandonC2d(proxy.c2d.at(-1)!.lockToken);
      await hub.idle();
    }
    expect(proxy.c2d.map((d) => d.deliveryCount)).toEqual([0, 1, 2]);
    expect(await hub.c2d.depth(mod)).toBe(0);
    expect(feedback).toEqual([]);
  });

  it('a session that ends unsettled hands its messages to the next session', async () => {
    const { hub, send, attach } = await setup();
    await send('a');
    const first = await attach(false);
    expect(first.proxy.c2d).toHaveLength(1);
    first.session.disconnect();
    await hub.idle();
    const second = await attach(true);
    expect(second.proxy.c2d.map((d) => [text(d.message.body), d.deliveryCount])).toEqual([['a', 1]]);
    await second.session.completeC2d(second.proxy.c2d[0]!.lockToken);
    expect(await hub.c2d.depth(mod)).toBe(0);
  });

  it('queued input messages survive a restart', async () => {
    const { hub, store, clock, send } = await setup();
    await send('a');
    await send('b', 'other');
    await hub.close();
    const again = await createTestHub({ store, clock });
    expect(await again.hub.c2d.depth(mod)).toBe(2);
    const proxy = new RecordingProxy('module');
    (await again.hub.connect(mod, principal, proxy)).setC2dEnabled(true);
    await again.hub.idle();
    expect(proxy.c2d.map((d) => [text(d.message.body), d.message.system.inputName])).toEqual([['a', 'in1'], ['b', 'other']]);
    await again.hub.close();
  });
});

describe('module inputs: limits and lifecycle', () => {
  it('refuses a full queue, an unknown module, a bad input name and an oversized message', async () => {
    const { hub, send } = await setup({ maxC2dQueueDepth: 2, maxC2dBytes: 8 });
    await send('1');
    await send('2');
    expect(await codeOf(send('3'))).toBe('FH_C2D_QUEUE_FULL');
    // The device's own C2D queue has its own bound.
    await hub.c2d.send('gw', textMessage('d'));
    expect(await codeOf(hub.c2d.sendToModuleInput({ deviceId: 'gw', moduleId: 'nope' }, 'in1', textMessage('x')))).toBe('FH_REGISTRY_NOT_FOUND');
    expect(await codeOf(hub.c2d.sendToModuleInput({ deviceId: 'ghost', moduleId: 'm1' }, 'in1', textMessage('x')))).toBe('FH_REGISTRY_NOT_FOUND');
    expect(await codeOf(hub.c2d.sendToModuleInput(mod, '', textMessage('x')))).toBe('FH_MSG_INVALID');
    expect(await codeOf(hub.c2d.sendToModuleInput(mod, 'a/b', textMessage('x')))).toBe('FH_MSG_INVALID');
    expect(await codeOf(hub.c2d.sendToModuleInput({ deviceId: 'gw', moduleId: 'm2' }, 'in1', textMessage('123456789')))).toBe('FH_REGISTRY_NOT_FOUND');
    await hub.registry.createModule({ deviceId: 'gw', moduleId: 'm2' });
    expect(await codeOf(hub.c2d.sendToModuleInput({ deviceId: 'gw', moduleId: 'm2' }, 'in1', textMessage('123456789')))).toBe('FH_MSG_TOO_LARGE');
  });

  it('deleting the module drops its queue (store included); a new module of that name starts empty', async () => {
    const { hub, send, attach, c2dKeys } = await setup();
    await hub.c2d.send('gw', textMessage('device-message'));
    await send('a');
    await send('b');
    const { proxy } = await attach();
    expect(proxy.c2d).toHaveLength(2);
    expect(await c2dKeys()).toHaveLength(3);
    await hub.registry.deleteModule('gw', 'm1');
    await hub.idle();
    expect(proxy.closes.map((e) => e.code)).toEqual(['FH_AUTH_DISABLED']);
    expect((await c2dKeys()).every((k) => !k.startsWith('gw/m1/'))).toBe(true);
    expect(await hub.c2d.queueDepth('gw')).toBe(1);
    expect(await codeOf(send('c'))).toBe('FH_REGISTRY_NOT_FOUND');
    await hub.registry.createModule(mod);
    expect(await hub.c2d.depth(mod)).toBe(0);
  });

  it('deleting the device drops the queues of its modules', async () => {
    const { hub, send, c2dKeys } = await setup();
    await send('a');
    await hub.registry.deleteDevice('gw');
    await hub.idle();
    expect(await c2dKeys()).toEqual([]);
  });

  it('at start, input messages of a module deleted meanwhile are removed from the store', async () => {
    const { hub, store, clock, send, c2dKeys } = await setup();
    await send('a');
    // Simulate a crash between the module's deletion and its queue's: put the record back.
    const [key] = await c2dKeys();
    const level = store.sublevel('core').sublevel('c2d');
    const value = await level.get(key!);
    await hub.registry.deleteModule('gw', 'm1');
    await level.put(key!, value!);
    await hub.close();
    const again = await createTestHub({ store, clock });
    expect(await c2dKeys()).toEqual([]);
    await again.hub.close();
  });
});
