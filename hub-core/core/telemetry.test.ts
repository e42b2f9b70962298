import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory.js';
import type { BatchOp, WriteOptions } from '../store/store.js';
import { flushMicrotasks } from './clock.js';
import { decodeTelemetry, encodeTelemetry, messageSize } from './telemetry-codec.js';
import { codeOf, createTestHub, RecordingProxy, textMessage } from './test-kit.js';
import type { StoredTelemetry } from './types.js';

async function collect(it: AsyncIterable<StoredTelemetry>): Promise<StoredTelemetry[]> {
  const out: StoredTelemetry[] = [];
  for await (const m of it) out.push(m);
  return out;
}

/** A MemoryStore whose root batches wait for `open()` and record their sync flag. */
function gatedStore() {
  const store = new MemoryStore();
  const original = store.batch.bind(store);
  let release: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  const syncFlags: boolean[] = [];
  store.batch = async (ops: BatchOp[], options?: WriteOptions) => {
    syncFlags.push(options?.sync === true);
    await gate;
    return original(ops, options);
  };
  return {
    store,
    syncFlags,
    close: () => { gate = new Promise<void>((r) => { release = r; }); },
    open: () => release(),
  };
}

describe('telemetry: append', () => {
  it('resolves only after the store write, then notifies listeners', async () => {
    const gated = gatedStore();
    const { hub } = await createTestHub({ store: gated.store, durability: 'power' });
    await hub.registry.createDevice({ deviceId: 'dev1' });
    const seen: number[] = [];
    hub.telemetry.onAppend((m) => seen.push(m.seq));
    gated.close();
    let resolved = false;
    const pending = hub.telemetry.append({ deviceId: 'dev1' }, textMessage('t1')).then((m) => { resolved = true; return m; });
    await flushMicrotasks(20);
    expect(resolved).toBe(false);
    expect(seen).toEqual([]);
    expect(await collect(hub.telemetry.read())).toEqual([]);
    gated.open();
    const stored = await pending;
    expect(seen).toEqual([stored.seq]);
    expect((await collect(hub.telemetry.read())).map((m) => m.seq)).toEqual([stored.seq]);
    // Durability 'power' asks the store to fsync.
    expect(gated.syncFlags.at(-1)).toBe(true);
  });

  it('stamps enqueuedTime and the connection ids (overriding what the client claimed)', async () => {
    const { hub, clock } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'dev1' });
    await hub.registry.createModule({ deviceId: 'dev1', moduleId: 'm1' });
    const forged = textMessage('x', { k: 'v' }, { connectionDeviceId: 'other', connectionModuleId: 'evil', messageId: 'mid' });
    const fromDevice = await hub.telemetry.append({ deviceId: 'dev1' }, forged);
    expect(fromDevice.message.system).toEqual({ messageId: 'mid', connectionDeviceId: 'dev1', enqueuedTime: new Date(clock.now()).toISOString() });
    const fromModule = await hub.telemetry.append({ deviceId: 'dev1', moduleId: 'm1' }, textMessage('y'));
    expect(fromModule).toMatchObject({ deviceId: 'dev1', moduleId: 'm1', message: { system: { connectionModuleId: 'm1' } } });
    const [first] = await collect(hub.telemetry.read({ limit: 1 }));
    expect(new TextDecoder().decode(first!.message.body)).toBe('x');
    expect(first!.message.properties).toEqual({ k: 'v' });
  });

  it('reads back exactly what append returned, stamps included, for devices and modules', async () => {
    const { hub } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'dev1' });
    await hub.registry.createModule({ deviceId: 'dev1', moduleId: 'm1' });
    const appended = [
      await hub.telemetry.append({ deviceId: 'dev1' }, textMessage('plain')),
      await hub.telemetry.append({ deviceId: 'dev1', moduleId: 'm1' }, textMessage('from module')),
      await hub.telemetry.append({ deviceId: 'dev1' }, textMessage('é 🚀', { 'ké': 'vé' }, { messageId: 'mid', connectionModuleId: 'forged' })),
    ];
    expect(appended[2]!.message.system).toEqual({ messageId: 'mid', connectionDeviceId: 'dev1', enqueuedTime: appended[2]!.message.system.enqueuedTime });
    expect(await collect(hub.telemetry.read())).toEqual(appended);
  });

  it('stamps the system properties the head handed over in place (no copy; api.ts ownership rule)', async () => {
    const { hub } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'dev1' });
    const message = textMessage('x', { k: 'v' }, { messageId: 'mid' });
    const stored = await hub.telemetry.append({ deviceId: 'dev1' }, message);
    expect(stored.message.system).toBe(message.system);
    expect(stored.message.properties).toBe(message.properties);
    expect(message.system.connectionDeviceId).toBe('dev1');
  });

  it('assigns increasing seqs and recovers them after a restart on the same store', async () => {
    const { hub, store, clock } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'dev1' });
    const seqs = (await Promise.all([1, 2, 3].map((i) => hub.telemetry.append({ deviceId: 'dev1' }, textMessage(`m${i}`))))).map((m) => m.seq);
    expect(seqs).toEqual([1, 2, 3]);
    expect(hub.telemetry.lastSeq()).toBe(3);
    await hub.close();
    const again = await createTestHub({ store, clock });
    expect(again.hub.telemetry.lastSeq()).toBe(3);
    expect((await again.hub.telemetry.append({ deviceId: 'dev1' }, textMessage('m4'))).seq).toBe(4);
    expect((await collect(again.hub.telemetry.read({ afterSeq: 2 }))).map((m) => new TextDecoder().decode(m.message.body))).toEqual(['m3', 'm4']);
  });

  it('refuses messages over maxMessageBytes (body + application properties)', async () => {
    const { hub } = await createTestHub({ limits: { maxMessageBytes: 10 } });
    await hub.registry.createDevice({ deviceId: 'dev1' });
    await hub.telemetry.append({ deviceId: 'dev1' }, textMessage('123456', { ab: 'cd' }));
    expect(await codeOf(hub.telemetry.append({ deviceId: 'dev1' }, textMessage('1234567', { ab: 'cd' })))).toBe('FH_MSG_TOO_LARGE');
    expect(await codeOf(hub.telemetry.append({ deviceId: 'ghost' }, textMessage('1')))).toBe('FH_REGISTRY_NOT_FOUND');
  });

  it('throttles per identity with a token bucket (burst = 2 s worth), retryable', async () => {
    const { hub, clock } = await createTestHub({ limits: { telemetryPerSecond: 2 } });
    await hub.registry.createDevice({ deviceId: 'dev1' });
    await hub.registry.createDevice({ deviceId: 'dev2' });
    for (let i = 0; i < 4; i++) await hub.telemetry.append({ deviceId: 'dev1' }, textMessage('x'));
    const err = await hub.telemetry.append({ deviceId: 'dev1' }, textMessage('x')).catch((e: unknown) => e as { code: string; retryable: boolean });
    expect(err).toMatchObject({ code: 'FH_THROTTLED', retryable: true });
    // Another identity has its own bucket.
    await hub.telemetry.append({ deviceId: 'dev2' }, textMessage('x'));
    await clock.advance(1000);
    await hub.telemetry.append({ deviceId: 'dev1' }, textMessage('x'));
    await hub.telemetry.append({ deviceId: 'dev1' }, textMessage('x'));
    expect(await codeOf(hub.telemetry.append({ deviceId: 'dev1' }, textMessage('x')))).toBe('FH_THROTTLED');
  });

  it('is reachable through a session, which records activity', async () => {
    const { hub, clock } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'dev1' });
    const session = await hub.connect({ deviceId: 'dev1' }, { kind: 'device', deviceId: 'dev1', authType: 'sas' }, new RecordingProxy());
    await clock.advance(10_000);
    const stored = await session.sendTelemetry(textMessage('hi'));
    expect(stored.deviceId).toBe('dev1');
    expect((await hub.registry.getDevice('dev1')).lastActivityTime).toBe(new Date(clock.now()).toISOString());
  });
});

describe('telemetry: read and retention', () => {
  it('filters by device, honours afterSeq and limit', async () => {
    const { hub } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'a' });
    await hub.registry.createDevice({ deviceId: 'b' });
    for (const id of ['a', 'b', 'a', 'b', 'a']) await hub.telemetry.append({ deviceId: id }, textMessage(id));
    expect((await collect(hub.telemetry.read({ deviceId: 'a' }))).map((m) => m.seq)).toEqual([1, 3, 5]);
    expect((await collect(hub.telemetry.read({ deviceId: 'a', afterSeq: 1, limit: 1 }))).map((m) => m.seq)).toEqual([3]);
    expect(await collect(hub.telemetry.read({ limit: 0 }))).toEqual([]);
  });

  it('drops messages older than the retention, and a restart after an empty sweep keeps the seq', async () => {
    const { hub, store, clock } = await createTestHub({ limits: { telemetryRetentionMs: 120_000 } });
    await hub.registry.createDevice({ deviceId: 'dev1' });
    await hub.telemetry.append({ deviceId: 'dev1' }, textMessage('old'));
    await clock.advance(90_000);
    await hub.telemetry.append({ deviceId: 'dev1' }, textMessage('newer'));
    await clock.advance(40_000); // 'old' is 130 s old, 'newer' 40 s; a sweep ran at 120 s
    await hub.idle();
    expect(await hub.telemetry.sweep()).toBe(1);
    expect((await collect(hub.telemetry.read())).map((m) => m.seq)).toEqual([2]);
    await clock.advance(200_000);
    await hub.idle();
    expect(await collect(hub.telemetry.read())).toEqual([]);
    await hub.close();
    const again = await createTestHub({ store, clock, limits: { telemetryRetentionMs: 120_000 } });
    expect(again.hub.telemetry.lastSeq()).toBe(2);
  });
});

describe('telemetry: retention holds', () => {
  it('keeps what a holder has not processed past the retention, up to telemetryMaxHoldMs; the release lets retention take it', async () => {
    const { hub, clock } = await createTestHub({ limits: { telemetryRetentionMs: 1000, telemetryMaxHoldMs: 10_000 } });
    await hub.registry.createDevice({ deviceId: 'dev1' });
    for (const text of ['a', 'b', 'c']) await hub.telemetry.append({ deviceId: 'dev1' }, textMessage(text));
    let floor = 2; // a reader that has processed seq 1
    const release = hub.telemetry.holdRetention(() => floor);
    const stored = async (): Promise<number[]> => (await collect(hub.telemetry.read())).map((m) => m.seq);
    await clock.advance(5000);
    await hub.idle();
    await hub.telemetry.sweep();
    expect(await stored()).toEqual([2, 3]);
    floor = 3;
    await hub.telemetry.sweep();
    expect(await stored()).toEqual([3]);
    // Past the hold limit the oldest go anyway: the store stays bounded.
    await clock.advance(6000);
    await hub.idle();
    await hub.telemetry.sweep();
    expect(await stored()).toEqual([]);
    await hub.telemetry.append({ deviceId: 'dev1' }, textMessage('d'));
    release();
    await clock.advance(2000);
    await hub.idle();
    await hub.telemetry.sweep();
    expect(await stored()).toEqual([]);
    await hub.close();
  });

  it('keeps everything with seq >= the lowest floor over all holders', async () => {
    const { hub, clock } = await createTestHub({ limits: { telemetryRetentionMs: 1000 } });
    await hub.registry.createDevice({ deviceId: 'dev1' });
    for (const text of ['a', 'b', 'c', 'd']) await hub.telemetry.append({ deviceId: 'dev1' }, textMessage(text));
    hub.telemetry.holdRetention(() => 4);
    const release = hub.telemetry.holdRetention(() => 2);
    await clock.advance(5000);
    await hub.idle();
    await hub.telemetry.sweep();
    expect((await collect(hub.telemetry.read())).map((m) => m.seq)).toEqual([2, 3, 4]);
    release();
    await hub.telemetry.sweep();
    expect((await collect(hub.telemetry.read())).map((m) => m.seq)).toEqual([4]);
    await hub.close();
  });
});

describe('telemetry codec', () => {
  it('round-trips a message with binary body and properties', () => {
    const body = new Uint8Array([0, 255, 1, 2]);
    const bytes = encodeTelemetry(1234, 'd', 'm', { body, system: { messageId: 'é' }, properties: { k: 'v' } });
    expect(decodeTelemetry(7, bytes)).toEqual({ seq: 7, deviceId: 'd', moduleId: 'm', message: { body, system: { messageId: 'é' }, properties: { k: 'v' } } });
  });

  it('counts UTF-8 bytes of the body and application properties', () => {
    expect(messageSize({ body: new Uint8Array(3), system: { messageId: 'ignored' }, properties: { ké: 'v' } })).toBe(3 + 3 + 1);
  });
});
