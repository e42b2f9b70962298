import { describe, expect, it } from 'vitest';
import { codeOf, createTestHub } from './test-kit.js';

async function fleet() {
  const t = await createTestHub();
  const { hub } = t;
  for (const [id, region, temp] of [['d1', 'eu', 20], ['d2', 'us', 30], ['d3', 'eu', 40], ['d4', 'eu', 50]] as const) {
    await hub.registry.createDevice({ deviceId: id });
    await hub.twins.patch({ deviceId: id }, { tags: { location: { region } } });
    const session = await hub.connect({ deviceId: id }, { kind: 'device', deviceId: id, authType: 'sas' }, {
      protocol: 'module', sendC2d() {}, sendMethodRequest() {}, sendDesiredPatch() {}, close() {},
    });
    await session.updateReported({ temp });
    session.disconnect();
  }
  await hub.registry.createModule({ deviceId: 'd1', moduleId: 'modbus' });
  return t;
}

describe('query', () => {
  it('SELECT * returns full twins (itemType Twin) of devices only', async () => {
    const { hub } = await fleet();
    const result = await hub.query.query('SELECT * FROM devices');
    expect(result.itemType).toBe('Twin');
    expect(result.items.map((t) => t.deviceId)).toEqual(['d1', 'd2', 'd3', 'd4']);
    expect(result.items[0]).toMatchObject({ tags: { location: { region: 'eu' } }, properties: { reported: { temp: 20 } } });
    expect(result.continuation).toBeUndefined();
  });

  it('filters on deviceId, tags and reported properties', async () => {
    const { hub } = await fleet();
    const ids = async (sql: string) => (await hub.query.query(sql)).items.map((t) => t.deviceId);
    expect(await ids("SELECT * FROM devices WHERE deviceId = 'd2'")).toEqual(['d2']);
    expect(await ids("SELECT * FROM devices WHERE tags.location.region = 'eu'")).toEqual(['d1', 'd3', 'd4']);
    expect(await ids("SELECT * FROM devices WHERE tags.location.region = 'eu' AND properties.reported.temp > 30")).toEqual(['d3', 'd4']);
  });

  it('queries module twins with FROM devices.modules', async () => {
    const { hub } = await fleet();
    const result = await hub.query.query("SELECT * FROM devices.modules WHERE moduleId = 'modbus'");
    expect(result.items.map((t) => [t.deviceId, t.moduleId])).toEqual([['d1', 'modbus']]);
  });

  it('pages with an opaque continuation, present only while more items exist', async () => {
    const { hub } = await fleet();
    const page1 = await hub.query.query('SELECT * FROM devices', { maxItemCount: 3 });
    expect(page1.items.map((t) => t.deviceId)).toEqual(['d1', 'd2', 'd3']);
    expect(typeof page1.continuation).toBe('string');
    const page2 = await hub.query.query('SELECT * FROM devices', { maxItemCount: 3, continuation: page1.continuation! });
    expect(page2.items.map((t) => t.deviceId)).toEqual(['d4']);
    expect(page2.continuation).toBeUndefined();
    const exact = await hub.query.query('SELECT * FROM devices', { maxItemCount: 4 });
    expect(exact.continuation).toBeUndefined();
  });

  it('projections and aggregates are Raw', async () => {
    const { hub } = await fleet();
    const result = await hub.query.query("SELECT COUNT() AS n FROM devices WHERE tags.location.region = 'eu'");
    expect(result).toEqual({ items: [{ n: 3 }], itemType: 'Raw' });
  });

  it('rejects bad queries and bad continuations with FH_QUERY_INVALID', async () => {
    const { hub } = await fleet();
    expect(await codeOf(hub.query.query('SELEKT * FROM devices'))).toBe('FH_QUERY_INVALID');
    expect(await codeOf(hub.query.query('SELECT * FROM devices', { continuation: '%%%' }))).toBe('FH_QUERY_INVALID');
  });
});
