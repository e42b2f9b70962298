import { describe, expect, it } from 'vitest';
import type { HubLimits } from './api.js';
import { PUSH_WINDOW } from './c2d.js';
import { codeOf, createTestHub, RecordingProxy, textMessage } from './test-kit.js';
import type { FeedbackRecord, Principal } from './types.js';

const ref = { deviceId: 'dev1' };
const principal: Principal = { kind: 'device', deviceId: 'dev1', authType: 'sas' };
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

async function setup(limits: Partial<HubLimits> = {}) {
  const t = await createTestHub({ limits });
  const device = await t.hub.registry.createDevice({ deviceId: 'dev1' });
  const feedback: FeedbackRecord[] = [];
  t.hub.c2d.onFeedback((r) => feedback.push(r));
  const send = (body: string, ack?: string, extra: Record<string, string> = {}) =>
    t.hub.c2d.send('dev1', textMessage(body, {}, { messageId: body, ...(ack ? { ack } : {}), ...extra }));
  const attach = async (persistentSession = false) => {
    const proxy = new RecordingProxy();
    const session = await t.hub.connect(ref, principal, proxy, { persistentSession });
    session.setC2dEnabled(true);
    await t.hub.idle();
    return { proxy, session };
  };
  return { ...t, generationId: device.generationId, feedback, send, attach };
}

describe('c2d: push to a session', () => {
  it('delivers queued messages in order with hub properties', async () => {
    const { hub, clock, send, attach } = await setup();
    for (const m of ['a', 'b', 'c']) await send(m);
    expect((await hub.registry.getDevice('dev1')).cloudToDeviceMessageCount).toBe(3);
    const { proxy } = await attach();
    expect(proxy.c2d.map((d) => text(d.message.body))).toEqual(['a', 'b', 'c']);
    const first = proxy.c2d[0]!;
    expect(first.deliveryCount).toBe(0);
    expect(first.enqueuedTime).toBe(new Date(clock.now()).toISOString());
    expect(first.message.system).toMatchObject({ messageId: 'a', to: '/devices/dev1/messages/devicebound', enqueuedTime: first.enqueuedTime });
    expect(new Set(proxy.c2d.map((d) => d.lockToken)).size).toBe(3);
    // Sent while attached: pushed at once.
    await send('d');
    await hub.idle();
    expect(proxy.c2d.map((d) => text(d.message.body))).toEqual(['a', 'b', 'c', 'd']);
  });

  it(`keeps at most ${PUSH_WINDOW} unsettled; settling one releases the next`, async () => {
    const { hub, send, attach } = await setup();
    for (let i = 0; i < PUSH_WINDOW + 2; i++) await send(`m${i}`);
    const { proxy, session } = await attach();
    expect(proxy.c2d).toHaveLength(PUSH_WINDOW);
    await session.completeC2d(proxy.c2d[0]!.lockToken);
    await hub.idle();
    expect(proxy.c2d.map((d) => text(d.message.body)).at(-1)).toBe(`m${PUSH_WINDOW}`);
    expect(await hub.c2d.queueDepth('dev1')).toBe(PUSH_WINDOW + 1);
  });

  it('complete removes the message; Success feedback only when ack is positive or full', async () => {
    const { hub, send, attach, feedback, clock, generationId } = await setup();
    await send('p', 'positive');
    await send('n', 'negative');
    await send('f', 'full');
    await send('x');
    const { proxy, session } = await attach();
    for (const d of proxy.c2d) await session.completeC2d(d.lockToken);
    expect(await hub.c2d.queueDepth('dev1')).toBe(0);
    expect(feedback).toEqual(['p', 'f'].map((id) => ({
      originalMessageId: id, enqueuedTimeUtc: new Date(clock.now()).toISOString(), statusCode: 'Success', description: 'Success',
      deviceId: 'dev1', deviceGenerationId: generationId,
    })));
    expect(await codeOf(session.completeC2d(proxy.c2d[0]!.lockToken))).toBe('FH_C2D_LOCK_LOST');
  });

  it('reject dead-letters; Rejected feedback only when ack is negative or full', async () => {
    const { hub, send, attach, feedback } = await setup();
    await send('p', 'positive');
    await send('n', 'negative');
    await send('f', 'full');
    const { proxy, session } = await attach();
    for (const d of proxy.c2d) await session.rejectC2d(d.lockToken);
    await hub.idle();
    expect(await hub.c2d.queueDepth('dev1')).toBe(0);
    expect(proxy.c2d).toHaveLength(3);
    expect(feedback.map((f) => [f.originalMessageId, f.statusCode])).toEqual([['n', 'Rejected'], ['f', 'Rejected']]);
  });

  it('abandon re-queues with deliveryCount + 1; at c2dMaxDeliveryCount it is dead-lettered', async () => {
    const { hub, send, attach, feedback } = await setup({ c2dMaxDeliveryCount: 3 });
    await send('m', 'full');
    const { proxy, session } = await attach();
    for (let i = 0; i < 3; i++) {
      const last = proxy.c2d.at(-1)!;
      expect(last.deliveryCount).toBe(i);
      await session.abandonC2d(last.lockToken);
      await hub.idle();
    }
    expect(proxy.c2d.map((d) => d.deliveryCount)).toEqual([0, 1, 2]);
    expect(await hub.c2d.queueDepth('dev1')).toBe(0);
    expect(feedback.map((f) => f.statusCode)).toEqual(['DeliveryCountExceeded']);
  });

  it('refuses a lock token of another session or of the pull model', async () => {
    const { hub, send, attach } = await setup();
    await send('m');
    const { proxy } = await attach();
    expect(await codeOf(hub.c2d.complete(ref, proxy.c2d[0]!.lockToken))).toBe('FH_C2D_LOCK_LOST');
    expect(await codeOf(hub.c2d.complete(ref, 'no-such-token'))).toBe('FH_C2D_LOCK_LOST');
  });
});

describe('c2d: sessions ending', () => {
  it('persistent session: unsettled messages are kept for the next session, deliveryCount + 1', async () => {
    const { hub, send, attach } = await setup();
    await send('a');
    await send('b');
    const first = await attach(true);
    expect(first.proxy.c2d).toHaveLength(2);
    first.session.disconnect();
    await hub.idle();
    // Parked for the session, not handed to a pull receiver meanwhile.
    expect(await hub.c2d.receive(ref)).toBeUndefined();
    const second = await attach(true);
    expect(second.proxy.c2d.map((d) => [text(d.message.body), d.deliveryCount])).toEqual([['a', 1], ['b', 1]]);
    expect(await codeOf(second.session.completeC2d(first.proxy.c2d[0]!.lockToken))).toBe('FH_C2D_LOCK_LOST');
    await second.session.completeC2d(second.proxy.c2d[0]!.lockToken);
  });

  it('non-persistent session: unsettled messages are abandoned back to the queue', async () => {
    const { hub, send, attach } = await setup();
    await send('a');
    const { session } = await attach(false);
    session.disconnect();
    await hub.idle();
    const pulled = await hub.c2d.receive(ref);
    expect(pulled && [text(pulled.message.body), pulled.deliveryCount]).toEqual(['a', 1]);
  });

  it('disabling C2D on a live session releases its unsettled messages to the queue', async () => {
    const { hub, send, attach } = await setup();
    await send('a');
    const { proxy, session } = await attach(true);
    session.setC2dEnabled(false);
    await hub.idle();
    const pulled = await hub.c2d.receive(ref);
    expect(pulled && [text(pulled.message.body), pulled.deliveryCount]).toEqual(['a', 1]);
    expect(await codeOf(session.completeC2d(proxy.c2d[0]!.lockToken))).toBe('FH_C2D_LOCK_LOST');
  });

  it('replacing a session redelivers its unsettled messages to the newcomer', async () => {
    const { hub, send, attach } = await setup();
    await send('a');
    await attach(true);
    const second = await attach(true);
    await hub.idle();
    expect(second.proxy.c2d.map((d) => d.deliveryCount)).toEqual([1]);
  });
});

describe('c2d: pull (HTTP) and limits', () => {
  it('receive locks for c2dLockMs; an expired lock returns the message to the queue', async () => {
    const { hub, clock, send } = await setup({ c2dLockMs: 60_000 });
    await send('a');
    const first = await hub.c2d.receive(ref);
    expect(first?.deliveryCount).toBe(0);
    expect(await hub.c2d.receive(ref)).toBeUndefined();
    await clock.advance(60_000);
    await hub.idle();
    const second = await hub.c2d.receive(ref);
    expect(second && [text(second.message.body), second.deliveryCount]).toEqual(['a', 1]);
    expect(await codeOf(hub.c2d.complete(ref, first!.lockToken))).toBe('FH_C2D_LOCK_LOST');
    await hub.c2d.abandon(ref, second!.lockToken);
    const third = await hub.c2d.receive(ref);
    expect(third?.deliveryCount).toBe(2);
    await hub.c2d.complete(ref, third!.lockToken);
    expect(await hub.c2d.receive(ref)).toBeUndefined();
    expect(await hub.c2d.receive({ deviceId: 'dev1', moduleId: 'm' })).toBeUndefined();
  });

  it('expires messages after the default TTL or their expiryTimeUtc, with Expired feedback', async () => {
    const { hub, clock, send, feedback } = await setup({ c2dDefaultTtlMs: 120_000 });
    await send('default', 'negative');
    await send('explicit', 'full', { expiryTimeUtc: new Date(clock.now() + 30_000).toISOString() });
    await send('quiet');
    await clock.advance(60_000);
    await hub.idle();
    expect(feedback.map((f) => [f.originalMessageId, f.statusCode, f.description])).toEqual([['explicit', 'Expired', 'Message expired']]);
    expect(await hub.c2d.queueDepth('dev1')).toBe(2);
    await clock.advance(60_000);
    await hub.idle();
    expect(feedback.map((f) => f.originalMessageId)).toEqual(['explicit', 'default']);
    expect(await hub.c2d.queueDepth('dev1')).toBe(0);
  });

  it('refuses a full queue, an unknown device, an oversized message and a bad expiry', async () => {
    const { hub, send } = await setup({ maxC2dQueueDepth: 2, maxC2dBytes: 8 });
    await send('1');
    await send('2');
    expect(await codeOf(send('3'))).toBe('FH_C2D_QUEUE_FULL');
    expect(await codeOf(hub.c2d.send('ghost', textMessage('x')))).toBe('FH_REGISTRY_NOT_FOUND');
    expect(await codeOf(hub.c2d.send('dev1', textMessage('123456789')))).toBe('FH_MSG_TOO_LARGE');
    expect(await codeOf(hub.c2d.send('dev1', textMessage('x', {}, { expiryTimeUtc: 'soon' })))).toBe('FH_MSG_INVALID');
  });

  it('queued messages survive a restart, in order', async () => {
    const { hub, store, clock, send } = await setup();
    await send('a');
    await send('b');
    await hub.close();
    const again = await createTestHub({ store, clock });
    expect(await again.hub.c2d.queueDepth('dev1')).toBe(2);
    await again.hub.c2d.send('dev1', textMessage('c'));
    const got: string[] = [];
    for (let d = await again.hub.c2d.receive(ref); d; d = await again.hub.c2d.receive(ref)) got.push(text(d.message.body));
    expect(got).toEqual(['a', 'b', 'c']);
  });
});
