import { describe, expect, it } from 'vitest';
import type { ModuleFactory } from './api.js';
import { dependencyOrder, resolveModuleConfigs, validateModuleConfigs } from './module-configs.js';

const factory = (type: string, derive?: (config: { uses?: string }) => string[]): ModuleFactory => ({
  manifest: {
    type, version: '1.0.0', description: type,
    configSchema: {
      type: 'object', additionalProperties: false,
      properties: {
        intervalS: { type: 'integer', minimum: 1, default: 60 },
        mode: { type: 'string', enum: ['fast', 'slow'] },
        uses: { type: 'string' },
        nested: { type: 'object', additionalProperties: false, properties: { port: { type: 'integer' } } },
      },
    },
  },
  ...(derive === undefined ? {} : { dependsOn: (config: unknown) => derive(config as { uses?: string }) }),
  create: () => ({ start: async () => undefined, stop: async () => undefined }),
});

const factories = new Map([
  ['sys', factory('sys')],
  ['bus', factory('bus', (c) => (c.uses === undefined ? [] : [c.uses]))],
]);

describe('validateModuleConfigs', () => {
  it('accepts a valid section', () => {
    expect(validateModuleConfigs({ a: { type: 'sys' }, b: { type: 'bus', dependsOn: ['a'], config: { uses: 'a' } } }, factories)).toEqual([]);
  });

  it('reports an unknown type at /modules/<name>/type', () => {
    expect(validateModuleConfigs({ x: { type: 'modbus', config: {} } }, factories)).toEqual([
      { code: 'FH_MODULE_UNKNOWN', path: '/modules/x/type', message: expect.stringContaining('"modbus"') },
    ]);
  });

  it('reports schema errors with JSON paths inside the config', () => {
    const errors = validateModuleConfigs({
      s: { type: 'sys', config: { intervalS: 0, mode: 'turbo', extra: 1, nested: { port: 'x' } } },
    }, factories);
    expect(errors.map((e) => `${e.code} ${e.path}`).sort()).toEqual([
      'FH_CONFIG_INVALID /modules/s/config/extra',
      'FH_CONFIG_INVALID /modules/s/config/intervalS',
      'FH_CONFIG_INVALID /modules/s/config/mode',
      'FH_CONFIG_INVALID /modules/s/config/nested/port',
    ]);
    expect(errors.find((e) => e.path.endsWith('/mode'))!.message).toBe('must be one of "fast", "slow"');
    expect(errors.find((e) => e.path.endsWith('/extra'))!.message).toBe('unknown key');
  });

  it('reports missing, disabled and self dependencies, from dependsOn and from the factory', () => {
    const errors = validateModuleConfigs({
      a: { type: 'sys', dependsOn: ['ghost'] },
      b: { type: 'bus', config: { uses: 'off' } },
      c: { type: 'sys', dependsOn: ['c'] },
      off: { type: 'sys', enabled: false },
    }, factories);
    expect(errors.map((e) => [e.code, e.path])).toEqual([
      ['FH_MODULE_DEPENDENCY', '/modules/a/dependsOn/0'],
      ['FH_MODULE_DEPENDENCY', '/modules/b/config'],
      ['FH_MODULE_DEPENDENCY', '/modules/c/dependsOn/0'],
    ]);
    expect(errors[1]!.message).toContain('disabled');
  });

  it('reports a dependency cycle once, naming its members', () => {
    const errors = validateModuleConfigs({
      a: { type: 'sys', dependsOn: ['b'] },
      b: { type: 'bus', config: { uses: 'c' } },
      c: { type: 'sys', dependsOn: ['a'] },
    }, factories);
    expect(errors).toEqual([{ code: 'FH_MODULE_DEPENDENCY', path: '/modules/a/dependsOn', message: 'dependency cycle: a -> b -> c -> a' }]);
  });

  it('reports a name that cannot be a module id', () => {
    expect(validateModuleConfigs({ 'a/b': { type: 'sys' } }, factories).map((e) => e.path)).toEqual(['/modules/a~1b']);
  });
});

describe('resolveModuleConfigs', () => {
  it('fills defaults, deep-freezes, merges dependencies and orders enabled instances', () => {
    const resolved = resolveModuleConfigs({
      late: { type: 'bus', config: { uses: 'mid', nested: { port: 1 } } },
      mid: { type: 'sys', dependsOn: ['first'] },
      first: { type: 'sys' },
      off: { type: 'sys', enabled: false },
    }, factories);
    expect(resolved.order).toEqual(['first', 'mid', 'late']);
    const late = resolved.modules.get('late')!;
    expect(late.config).toEqual({ uses: 'mid', nested: { port: 1 }, intervalS: 60 });
    expect(Object.isFrozen((late.config as { nested: object }).nested)).toBe(true);
    expect(late.dependsOn).toEqual(['mid']);
    expect(resolved.modules.has('off')).toBe(false);
  });

  it('does not change the caller\u2019s config object', () => {
    const config = { mode: 'fast' };
    resolveModuleConfigs({ a: { type: 'sys', config } }, factories);
    expect(config).toEqual({ mode: 'fast' });
  });

  it('throws the first problem\u2019s code with every problem in the message', () => {
    let caught: unknown;
    try {
      resolveModuleConfigs({ a: { type: 'nope' }, b: { type: 'sys', config: { intervalS: 'x' } } }, factories);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'FH_MODULE_UNKNOWN' });
    expect((caught as Error).message).toContain('/modules/a/type');
    expect((caught as Error).message).toContain('/modules/b/config/intervalS');
  });

  it('dependencyOrder keeps config order where dependencies allow', () => {
    const m = new Map([['x', { dependsOn: ['z'] }], ['y', { dependsOn: [] }], ['z', { dependsOn: [] }]]);
    expect(dependencyOrder(m)).toEqual(['y', 'z', 'x']);
  });
});
