import { describe, expect, it } from 'vitest';
import type { Message, SystemProperties } from '../../hub-core/core/types.js';
import { RouteError } from './route-error.js';
import { sinkKey } from './route-parser.js';
import { checkRoutes, compileRoutes, type RoutedMessage, type RouteMap } from './router.js';

const enc = new TextEncoder();

function from(deviceId: string, moduleId?: string, outputName?: string, extra: { system?: SystemProperties; properties?: Record<string, string>; body?: string } = {}): RoutedMessage {
  const system: SystemProperties = { connectionDeviceId: deviceId, ...extra.system };
  if (moduleId !== undefined) system.connectionModuleId = moduleId;
  if (outputName !== undefined) system.outputName = outputName;
  const message: Message = { body: enc.encode(extra.body ?? '{}'), system, properties: extra.properties ?? {} };
  return moduleId === undefined ? { deviceId, message } : { deviceId, moduleId, message };
}

const keys = (sinks: readonly { kind: string }[]): string[] => sinks.map((s) => sinkKey(s as never)).sort();

function compileError(routes: RouteMap, sinkNames: string[] = [], moduleIds?: string[]): RouteError {
  try {
    compileRoutes(routes, moduleIds === undefined ? { sinkNames } : { sinkNames, moduleIds });
  } catch (err) {
    expect(err).toBeInstanceOf(RouteError);
    return err as RouteError;
  }
  throw new Error('compileRoutes accepted the routes');
}

describe('compileRoutes', () => {
  it('refuses a Sink name that is not defined, pointing at the sink', () => {
    const text = 'FROM /* INTO Sink("archive")';
    const err = compileError({ good: 'FROM /* INTO $upstream', bad: text }, ['other']);
    expect(err.code).toBe('FH_ROUTE_INVALID');
    expect(err.routeName).toBe('bad');
    expect(err.column).toBe(text.indexOf('Sink') + 1);
    expect(err.message).toContain('archive');
  });

  it('checks BrokeredEndpoint modules when module ids are given', () => {
    const routes = { r: 'FROM /* INTO BrokeredEndpoint("/modules/filter/inputs/in1")' };
    expect(compileError(routes, [], ['modbus']).routeName).toBe('r');
    expect(compileRoutes(routes, { sinkNames: [], moduleIds: ['filter'] }).sinks).toHaveLength(1);
    expect(compileRoutes(routes, { sinkNames: [] }).sinks).toHaveLength(1);
  });

  it('reports the first bad route in map order', () => {
    expect(compileError({ a: 'FROM /* INTO $upstream', b: 'FROM /x INTO $upstream', c: 'nonsense' }).routeName).toBe('b');
  });

  it('lists every bad route with checkRoutes', () => {
    const errors = checkRoutes({ a: 'FROM /x INTO $upstream', b: 'FROM /* INTO $upstream', c: 'FROM /* INTO Sink("nope")', d: 'FROM /* WHERE = INTO $upstream' }, { sinkNames: [] });
    expect(errors.map((e) => [e.routeName, e.code])).toEqual([['a', 'FH_ROUTE_INVALID'], ['c', 'FH_ROUTE_INVALID'], ['d', 'FH_ROUTE_INVALID']]);
    expect(errors.map((e) => e.column)).toEqual([7, 14, 15]);
    expect(checkRoutes({ ok: 'FROM /* INTO $upstream' }, { sinkNames: [] })).toEqual([]);
  });

  it('lists each distinct sink once, interned', () => {
    const router = compileRoutes({
      a: 'FROM /messages/devices/* INTO $upstream',
      b: 'FROM /messages/modules/* INTO $upstream',
      c: 'FROM /* INTO Sink("f")',
      d: "FROM /* WHERE x = '1' INTO sink('f')",
      e: 'FROM /* INTO BrokeredEndpoint("/modules/m/inputs/i")',
    }, { sinkNames: ['f'] });
    expect(keys(router.sinks)).toEqual(['$upstream', 'BrokeredEndpoint("/modules/m/inputs/i")', 'Sink("f")']);
    expect(router.routes.map((r) => r.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(router.routes[0]?.sink).toBe(router.routes[1]?.sink);
    expect(router.routes[2]?.sink).toBe(router.routes[3]?.sink);
  });

  it('accepts an empty route map', () => {
    const router = compileRoutes({}, { sinkNames: [] });
    expect(router.match(from('d'))).toEqual([]);
    expect(router.routesToUpstream({ deviceId: 'd' }, from('d').message)).toBe(false);
  });
});

describe('Router.match by source', () => {
  const router = compileRoutes({
    leaves: 'FROM /messages/devices/* INTO Sink("leaves")',
    modules: 'FROM /messages/modules/* INTO Sink("modules")',
    modbusAll: 'FROM /messages/modules/modbus/* INTO Sink("modbusAll")',
    modbusOutputs: 'FROM /messages/modules/modbus/outputs/* INTO Sink("modbusOutputs")',
    modbusTemp: 'FROM /messages/modules/modbus/outputs/temp INTO BrokeredEndpoint("/modules/filter/inputs/in")',
    everything: 'FROM /* INTO Sink("everything")',
  }, { sinkNames: ['leaves', 'modules', 'modbusAll', 'modbusOutputs', 'everything'] });

  it('routes a leaf device message to the device and catch-all routes', () => {
    expect(keys(router.match(from('leaf1')))).toEqual(['Sink("everything")', 'Sink("leaves")']);
  });

  it('routes a module message without an output', () => {
    expect(keys(router.match(from('gw', 'modbus')))).toEqual(['Sink("everything")', 'Sink("modbusAll")', 'Sink("modules")']);
  });

  it('routes a module output, the named output also to its module input', () => {
    expect(keys(router.match(from('gw', 'modbus', 'humidity'))))
      .toEqual(['Sink("everything")', 'Sink("modbusAll")', 'Sink("modbusOutputs")', 'Sink("modules")']);
    expect(keys(router.match(from('gw', 'modbus', 'temp')))).toEqual([
      'BrokeredEndpoint("/modules/filter/inputs/in")', 'Sink("everything")', 'Sink("modbusAll")', 'Sink("modbusOutputs")', 'Sink("modules")',
    ]);
  });

  it('matches module ids and output names case-insensitively, as IoT Edge does', () => {
    expect(keys(router.match(from('gw', 'ModBus', 'TEMP')))).toContain('BrokeredEndpoint("/modules/filter/inputs/in")');
  });

  it('does not route another module to a module-specific route', () => {
    expect(keys(router.match(from('gw', 'ble', 'temp')))).toEqual(['Sink("everything")', 'Sink("modules")']);
  });

  it('answers from a bounded cache, also for many output names', () => {
    const counts = new Set<number>();
    for (let i = 0; i < 5000; i++) counts.add(router.match(from('gw', 'modbus', `o${i}`)).length);
    expect([...counts]).toEqual([4]);
    expect(keys(router.match(from('gw', 'modbus', 'temp')))).toHaveLength(5);
  });
});

describe('Router.match with conditions', () => {
  const router = compileRoutes({
    all: 'FROM /messages/* INTO $upstream',
    allAgain: "FROM /* WHERE processingPath = 'hot' INTO $upstream",
    hot: "FROM /messages/* WHERE processingPath = 'hot' INTO Sink(\"hot\")",
    warm: 'FROM /messages/* WHERE $body.temp > 30 INTO Sink("hot")',
    cold: "FROM /messages/devices/* WHERE processingPath = 'cold' INTO Sink(\"cold\")",
  }, { sinkNames: ['hot', 'cold'] });
  const json = { contentType: 'application/json', contentEncoding: 'utf-8' };

  it('adds the sink of each holding condition once', () => {
    expect(keys(router.match(from('d', undefined, undefined, { properties: { processingPath: 'hot' } })))).toEqual(['$upstream', 'Sink("hot")']);
    expect(keys(router.match(from('d', undefined, undefined, { system: json, body: '{"temp": 35}', properties: { processingPath: 'hot' } }))))
      .toEqual(['$upstream', 'Sink("hot")']);
    expect(keys(router.match(from('d', undefined, undefined, { properties: { processingPath: 'cold' } })))).toEqual(['$upstream', 'Sink("cold")']);
    expect(keys(router.match(from('gw', 'm', undefined, { properties: { processingPath: 'cold' } })))).toEqual(['$upstream']);
    expect(keys(router.match(from('d', undefined, undefined, { system: json, body: '{"temp": 10}' })))).toEqual(['$upstream']);
  });

  it('returns the same frozen array when no condition adds a sink, and leaves it alone when one does', () => {
    const a = router.match(from('d'));
    const b = router.match(from('d2'));
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    const c = router.match(from('d', undefined, undefined, { properties: { processingPath: 'hot' } }));
    expect(c).not.toBe(a);
    expect(keys(a)).toEqual(['$upstream']);
  });

  it('returns interned sinks', () => {
    const [sink] = router.match(from('d'));
    expect(router.sinks).toContain(sink);
  });
});

describe('Router.routesToUpstream', () => {
  const router = compileRoutes({
    hotUp: "FROM /messages/devices/* WHERE processingPath = 'hot' INTO $upstream",
    modUp: 'FROM /messages/modules/modbus/outputs/up INTO $upstream',
    local: 'FROM /* INTO Sink("f")',
  }, { sinkNames: ['f'] });

  it('is true only when some route takes the message upstream', () => {
    expect(router.routesToUpstream({ deviceId: 'd' }, from('d', undefined, undefined, { properties: { processingPath: 'hot' } }).message)).toBe(true);
    expect(router.routesToUpstream({ deviceId: 'd' }, from('d').message)).toBe(false);
    expect(router.routesToUpstream({ deviceId: 'gw', moduleId: 'modbus' }, from('gw', 'modbus', 'up').message)).toBe(true);
    expect(router.routesToUpstream({ deviceId: 'gw', moduleId: 'modbus' }, from('gw', 'modbus', 'down').message)).toBe(false);
  });
});
