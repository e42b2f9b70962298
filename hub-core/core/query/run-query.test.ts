import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../types.js';
import { parseQuery } from './parser.js';
import { runQuery } from './run-query.js';

function twin(deviceId: string, tags: JsonObject, reported: JsonObject, extra: JsonObject = {}): JsonObject {
  return {
    deviceId, etag: 'AAAAAAAAAAE=', version: 2, status: 'enabled', connectionState: 'Disconnected',
    capabilities: { iotEdge: false }, tags,
    properties: {
      desired: { telemetryConfig: { sendFrequencyInSecs: 300 }, $metadata: { $lastUpdated: '2024-01-01T00:00:00.000Z' }, $version: 4 },
      reported: { ...reported, $version: 7 },
    },
    ...extra,
  };
}

const d1 = twin('d1', { location: { region: 'US', plant: 'Redmond43' } }, { connectivity: { type: 'cellular' }, telemetryConfig: { status: 'Success' }, temp: 21.5 });
const d2 = twin('d2', { location: { region: 'US', plant: 'Redmond44' } }, { connectivity: { type: 'wifi' }, telemetryConfig: { status: 'Pending' }, temp: 30 });
const d3 = twin('d3', { location: { region: 'EU' } }, { connectivity: { type: 'wired' }, telemetryConfig: { status: 'Success' }, temp: 18 });
const d4 = twin('d4', {}, { telemetryConfig: { status: 'Error' } }, { capabilities: { iotEdge: true } });
const d5 = twin('d5', { location: { region: 'us' } }, {}, { status: 'disabled' });
const devices = [d1, d2, d3, d4, d5];

const run = (sql: string, docs: Iterable<JsonObject> = devices) => runQuery(parseQuery(sql), docs);
const ids = (sql: string): unknown[] => run(sql).items.map((t) => t.deviceId);

describe('SELECT * (Twin items)', () => {
  it('returns every document, the same objects', () => {
    const r = run('SELECT * FROM devices');
    expect(r.itemType).toBe('Twin');
    expect(r.items).toHaveLength(5);
    expect(r.items[0]).toBe(d1);
  });
  it.each([
    ["SELECT * FROM devices WHERE tags.location.region = 'US'", ['d1', 'd2']],
    ["SELECT * FROM devices WHERE tags.location.region = 'US' AND properties.reported.temp >= 25", ['d2']],
    ["SELECT * FROM devices WHERE properties.reported.connectivity.type IN ['wired', 'wifi']", ['d2', 'd3']],
    ["SELECT * FROM devices WHERE properties.reported.connectivity.type NIN ['wired', 'wifi']", ['d1']],
    ['SELECT * FROM devices WHERE IS_DEFINED(tags.location)', ['d1', 'd2', 'd3', 'd5']],
    ['SELECT * FROM devices WHERE NOT IS_DEFINED(tags.location)', ['d4']],
    ["SELECT * FROM devices WHERE tags.location.region != 'US'", ['d3', 'd5']],
    ["SELECT * FROM devices WHERE UPPER(tags.location.region) = 'US'", ['d1', 'd2', 'd5']],
    ['SELECT * FROM devices WHERE capabilities.iotEdge = true', ['d4']],
    ["SELECT * FROM devices WHERE status = 'disabled' OR properties.reported.temp < 20", ['d3', 'd5']],
    ['SELECT * FROM devices WHERE properties.desired.$version = 4 AND properties.reported.$version > 5', ['d1', 'd2', 'd3', 'd4', 'd5']],
    ["SELECT * FROM devices WHERE properties.desired.$metadata.$lastUpdated > '2023'", ['d1', 'd2', 'd3', 'd4', 'd5']],
    ["SELECT * FROM devices WHERE deviceId IN ['d2', 'd4'] AND NOT (tags.location.region = 'US')", []],
    ["SELECT * FROM devices WHERE STARTSWITH(tags.location.plant, 'Redmond') AND ENDSWITH(deviceId, '2')", ['d2']],
    ["SELECT * FROM devices WHERE devices.tags.location.region = 'EU'", ['d3']],
    ["SELECT * FROM devices WHERE tags['location'].region = 'EU'", ['d3']],
    ['SELECT TOP 2 * FROM devices WHERE IS_DEFINED(properties.reported.temp)', ['d1', 'd2']],
    ['SELECT TOP 0 * FROM devices', []],
  ])('%s', (sql, expected) => {
    expect(ids(sql)).toEqual(expected);
  });
  it('accepts any iterable, including a generator', () => {
    function* gen(): Generator<JsonObject> {
      yield d3;
      yield d1;
    }
    expect(run("SELECT * FROM devices WHERE tags.location.region = 'EU'", gen()).items).toEqual([d3]);
  });
});

describe('projections (Raw items)', () => {
  it('selects paths with aliases, leaving out undefined values', () => {
    const r = run('SELECT deviceId, properties.reported.temp AS temp FROM devices WHERE deviceId IN [\'d1\', \'d4\']');
    expect(r).toEqual({ itemType: 'Raw', items: [{ deviceId: 'd1', temp: 21.5 }, { deviceId: 'd4' }] });
  });
  it('projects copies, not the documents\u2019 own objects', () => {
    const [row] = run("SELECT tags.location FROM devices WHERE deviceId = 'd1'").items;
    expect(row).toEqual({ location: { region: 'US', plant: 'Redmond43' } });
    (row?.location as JsonObject).region = 'changed';
    expect((d1.tags as JsonObject).location).toEqual({ region: 'US', plant: 'Redmond43' });
  });
  it('computed columns get $1, $2', () => {
    expect(run("SELECT deviceId, properties.reported.temp * 2, LOWER(tags.location.region) FROM devices WHERE deviceId = 'd2'").items)
      .toEqual([{ deviceId: 'd2', $1: 60, $2: 'us' }]);
  });
});

describe('aggregates', () => {
  it('SELECT COUNT() AS numberOfDevices FROM devices', () => {
    expect(run('SELECT COUNT() AS numberOfDevices FROM devices')).toEqual({ itemType: 'Raw', items: [{ numberOfDevices: 5 }] });
  });
  it('COUNT over no matches is 0', () => {
    expect(run("SELECT COUNT() AS n FROM devices WHERE tags.location.region = 'nowhere'").items).toEqual([{ n: 0 }]);
  });
  it('GROUP BY: one row per value, undefined as its own group without the column', () => {
    const r = run(`SELECT properties.reported.telemetryConfig.status AS status, COUNT() AS numberOfDevices
      FROM devices GROUP BY properties.reported.telemetryConfig.status`);
    expect(r.items).toEqual([
      { status: 'Success', numberOfDevices: 2 }, { status: 'Pending', numberOfDevices: 1 },
      { status: 'Error', numberOfDevices: 1 }, { numberOfDevices: 1 },
    ]);
  });
  it('GROUP BY two paths, with a filter', () => {
    const r = run(`SELECT tags.location.region AS region, status, COUNT() AS n FROM devices
      WHERE IS_DEFINED(tags.location) GROUP BY tags.location.region, status`);
    expect(r.items).toEqual([{ region: 'US', status: 'enabled', n: 2 }, { region: 'EU', status: 'enabled', n: 1 }, { region: 'us', status: 'disabled', n: 1 }]);
  });
  it('SUM, AVG, MIN, MAX and COUNT(path)', () => {
    const r = run(`SELECT COUNT(properties.reported.temp) AS withTemp, SUM(properties.reported.temp) AS sum,
      AVG(properties.reported.temp) AS avg, MIN(properties.reported.temp) AS min, MAX(properties.reported.temp) AS max,
      MIN(deviceId) AS first, MAX(missing) AS none FROM devices`);
    expect(r.items).toEqual([{ withTemp: 3, sum: 69.5, avg: 69.5 / 3, min: 18, max: 30, first: 'd1' }]);
  });
  it('TOP limits the groups', () => {
    expect(run('SELECT TOP 1 status, COUNT() AS n FROM devices GROUP BY status').items).toEqual([{ status: 'enabled', n: 4 }]);
  });
});

describe('FROM devices.modules', () => {
  const modules = [
    { deviceId: 'd1', moduleId: 'scanner', properties: { desired: { $version: 1 }, reported: { status: 'scanning', $version: 3 } } },
    { deviceId: 'd2', moduleId: 'scanner', properties: { desired: { $version: 1 }, reported: { status: 'idle', $version: 2 } } },
    { deviceId: 'd3', moduleId: 'scanner', properties: { desired: { $version: 1 }, reported: { status: 'scanning', $version: 2 } } },
  ];
  it('the caller passes module twins; the query filters them', () => {
    const q = parseQuery("SELECT * FROM devices.modules WHERE properties.reported.status = 'scanning' AND deviceId IN ['d1', 'd2']");
    expect(q.from).toBe('devices.modules');
    expect(runQuery(q, modules).items).toEqual([modules[0]]);
    expect(runQuery(parseQuery("SELECT deviceId FROM devices.modules WHERE devices.modules.moduleId = 'scanner'"), modules).items)
      .toEqual([{ deviceId: 'd1' }, { deviceId: 'd2' }, { deviceId: 'd3' }]);
  });
});
