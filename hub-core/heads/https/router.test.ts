import { describe, expect, it } from 'vitest';
import { parseIfMatch } from './dispatch.js';
import type { RouteDef } from './route.js';
import { Router } from './router.js';

const handler: RouteDef['handler'] = async () => undefined;
const rule = { anyOf: ['RegistryRead'] } as const;

function router(): Router {
  return new Router().add(
    { method: 'GET', path: '/devices/{deviceId}', auth: rule, handler },
    { method: 'PUT', path: '/devices/{deviceId}', auth: rule, handler },
    { method: 'POST', path: '/devices/query', auth: rule, handler },
    { method: 'GET', path: '/devices/{deviceId}/modules/{moduleId}', auth: rule, handler },
    { method: 'GET', path: '/devices/{deviceId}/messages/devicebound', auth: rule, handler },
  );
}

describe('Router', () => {
  it('decodes parameters', () => {
    const m = router().match('GET', '/devices/a%3Ab%25c/modules/m%201');
    expect(m).toMatchObject({ kind: 'found', params: { deviceId: 'a:b%c', moduleId: 'm 1' } });
  });

  it('prefers literal segments but only among routes of the same method', () => {
    expect(router().match('POST', '/devices/query')).toMatchObject({ kind: 'found', route: { path: '/devices/query' } });
    expect(router().match('GET', '/devices/query')).toMatchObject({ kind: 'found', params: { deviceId: 'query' } });
  });

  it('matches literal segments case-insensitively, ids case-sensitively', () => {
    expect(router().match('GET', '/Devices/D1/messages/deviceBound')).toMatchObject({
      kind: 'found', route: { path: '/devices/{deviceId}/messages/devicebound' }, params: { deviceId: 'D1' },
    });
  });

  it('tells a wrong method (with the allowed ones) from an unknown path', () => {
    expect(router().match('DELETE', '/devices/d1')).toEqual({ kind: 'method', allowed: expect.arrayContaining(['GET', 'PUT']) });
    expect(router().match('GET', '/devices/d1/unknown')).toEqual({ kind: 'none' });
    expect(router().match('GET', '/devices//modules/m')).toEqual({ kind: 'none' });
  });

  it('ignores one trailing slash', () => {
    expect(router().match('GET', '/devices/d1/')).toMatchObject({ kind: 'found', params: { deviceId: 'd1' } });
  });

  it('rejects broken percent-encoding with FH_MSG_INVALID', () => {
    expect(() => router().match('GET', '/devices/%E0%A4%A')).toThrow(expect.objectContaining({ code: 'FH_MSG_INVALID' }));
  });
});

describe('parseIfMatch', () => {
  it('strips quotes and weak prefixes', () => {
    expect(parseIfMatch('"*"')).toBe('*');
    expect(parseIfMatch('*')).toBe('*');
    expect(parseIfMatch('"AAAAAAAAAAE="')).toBe('AAAAAAAAAAE=');
    expect(parseIfMatch('W/"abc"')).toBe('abc');
    expect(parseIfMatch(undefined)).toBeUndefined();
  });
});
