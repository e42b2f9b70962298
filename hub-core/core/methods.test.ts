import { describe, expect, it } from 'vitest';
import { flushMicrotasks } from './clock.js';
import { codeOf, createTestHub, RecordingProxy } from './test-kit.js';
import type { Principal } from './types.js';

const ref = { deviceId: 'dev1' };
const principal: Principal = { kind: 'device', deviceId: 'dev1', authType: 'sas' };

async function setup(limits = {}) {
  const t = await createTestHub({ limits });
  await t.hub.registry.createDevice({ deviceId: 'dev1' });
  return t;
}

describe('methods', () => {
  it('delivers the request and resolves with the device\u2019s answer', async () => {
    const { hub } = await setup();
    const proxy = new RecordingProxy();
    const session = await hub.connect(ref, principal, proxy);
    session.setMethodsEnabled(true);
    proxy.onMethod = (req) => session.respondToMethod(req.rid, 200, { echo: req.payload });
    const result = await hub.methods.invoke(ref, { methodName: 'reboot', payload: { delay: 5 } });
    expect(result).toEqual({ status: 200, payload: { echo: { delay: 5 } } });
    expect(proxy.methodRequests).toEqual([{ rid: proxy.methodRequests[0]!.rid, name: 'reboot', payload: { delay: 5 } }]);
    expect(hub.methods.pendingCount()).toBe(0);
  });

  it('gives each call its own rid and matches answers by rid', async () => {
    const { hub } = await setup();
    const proxy = new RecordingProxy();
    const session = await hub.connect(ref, principal, proxy);
    session.setMethodsEnabled(true);
    const a = hub.methods.invoke(ref, { methodName: 'a', payload: null });
    const b = hub.methods.invoke(ref, { methodName: 'b', payload: null });
    await flushMicrotasks();
    const [ra, rb] = proxy.methodRequests;
    expect(ra!.rid).not.toBe(rb!.rid);
    session.respondToMethod(rb!.rid, 201, 'b');
    session.respondToMethod(ra!.rid, 200, 'a');
    expect(await a).toEqual({ status: 200, payload: 'a' });
    expect(await b).toEqual({ status: 201, payload: 'b' });
  });

  it('fails at once with FH_METHOD_NOT_CONNECTED when offline or not subscribed', async () => {
    const { hub } = await setup();
    expect(await codeOf(hub.methods.invoke(ref, { methodName: 'm', payload: null }))).toBe('FH_METHOD_NOT_CONNECTED');
    await hub.connect(ref, principal, new RecordingProxy());
    expect(await codeOf(hub.methods.invoke(ref, { methodName: 'm', payload: null }))).toBe('FH_METHOD_NOT_CONNECTED');
    expect(await codeOf(hub.methods.invoke({ deviceId: 'ghost' }, { methodName: 'm', payload: null }))).toBe('FH_REGISTRY_NOT_FOUND');
  });

  it('times out after responseTimeoutInSeconds; a late answer is dropped and counted', async () => {
    const { hub, clock } = await setup();
    const proxy = new RecordingProxy();
    const session = await hub.connect(ref, principal, proxy);
    session.setMethodsEnabled(true);
    const call = codeOf(hub.methods.invoke(ref, { methodName: 'slow', payload: null, responseTimeoutInSeconds: 10 }));
    await clock.advance(9_999);
    expect(hub.methods.pendingCount()).toBe(1);
    await clock.advance(1);
    expect(await call).toBe('FH_METHOD_TIMEOUT');
    session.respondToMethod(proxy.methodRequests[0]!.rid, 200, null);
    expect(hub.methods.unmatchedResponses).toBe(1);
    expect(hub.stats().unmatchedMethodResponses).toBe(1);
  });

  it('defaults to a 30 s response timeout', async () => {
    const { hub, clock } = await setup();
    const session = await hub.connect(ref, principal, new RecordingProxy());
    session.setMethodsEnabled(true);
    const call = codeOf(hub.methods.invoke(ref, { methodName: 'm', payload: null }));
    await clock.advance(29_999);
    expect(hub.methods.pendingCount()).toBe(1);
    await clock.advance(1);
    expect(await call).toBe('FH_METHOD_TIMEOUT');
  });

  it('waits up to connectTimeoutInSeconds for the device to connect and subscribe', async () => {
    const { hub, clock } = await setup();
    const call = hub.methods.invoke(ref, { methodName: 'late', payload: 1, connectTimeoutInSeconds: 20 });
    await clock.advance(5_000);
    const proxy = new RecordingProxy();
    const session = await hub.connect(ref, principal, proxy);
    proxy.onMethod = (req) => session.respondToMethod(req.rid, 200, 'ok');
    expect(proxy.methodRequests).toEqual([]);
    session.setMethodsEnabled(true);
    expect(await call).toEqual({ status: 200, payload: 'ok' });

    session.disconnect();
    const never = codeOf(hub.methods.invoke(ref, { methodName: 'x', payload: null, connectTimeoutInSeconds: 5 }));
    await clock.advance(4_999);
    expect(hub.methods.pendingCount()).toBe(0);
    await clock.advance(1);
    expect(await never).toBe('FH_METHOD_NOT_CONNECTED');
  });

  it('fails fast with FH_METHOD_NOT_CONNECTED when the session ends during the call', async () => {
    const { hub } = await setup();
    const proxy = new RecordingProxy();
    const session = await hub.connect(ref, principal, proxy);
    session.setMethodsEnabled(true);
    const call = codeOf(hub.methods.invoke(ref, { methodName: 'm', payload: null }));
    await flushMicrotasks();
    // A newer connection replaces the session; the old one's answer no longer counts.
    const newer = await hub.connect(ref, principal, new RecordingProxy());
    expect(await call).toBe('FH_METHOD_NOT_CONNECTED');
    newer.respondToMethod(proxy.methodRequests[0]!.rid, 200, null);
    expect(hub.methods.unmatchedResponses).toBe(1);
  });

  it('validates the request: payload size, timeouts, name (FH_METHOD_INVALID)', async () => {
    const { hub } = await setup({ maxMethodPayloadBytes: 10 });
    const session = await hub.connect(ref, principal, new RecordingProxy());
    session.setMethodsEnabled(true);
    expect(await codeOf(hub.methods.invoke(ref, { methodName: 'm', payload: 'x'.repeat(20) }))).toBe('FH_METHOD_INVALID');
    expect(await codeOf(hub.methods.invoke(ref, { methodName: 'm', payload: null, responseTimeoutInSeconds: 301 }))).toBe('FH_METHOD_INVALID');
    expect(await codeOf(hub.methods.invoke(ref, { methodName: 'm', payload: null, responseTimeoutInSeconds: 0 }))).toBe('FH_METHOD_INVALID');
    expect(await codeOf(hub.methods.invoke(ref, { methodName: 'm', payload: null, connectTimeoutInSeconds: -1 }))).toBe('FH_METHOD_INVALID');
    expect(await codeOf(hub.methods.invoke(ref, { methodName: '', payload: null }))).toBe('FH_METHOD_INVALID');
  });

  it('close() fails pending calls with FH_HUB_CLOSED', async () => {
    const { hub } = await setup();
    const session = await hub.connect(ref, principal, new RecordingProxy());
    session.setMethodsEnabled(true);
    const call = codeOf(hub.methods.invoke(ref, { methodName: 'm', payload: null }));
    await flushMicrotasks();
    await hub.close();
    // Sessions close first, so the call fails as its device went away.
    expect(await call).toBe('FH_METHOD_NOT_CONNECTED');
    expect(await codeOf(hub.methods.invoke(ref, { methodName: 'm', payload: null }))).toBe('FH_HUB_CLOSED');
  });
});
