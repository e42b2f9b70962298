import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { identityResource, parseClientId, parseUsername, sameIdentity, thumbprints } from './identity.js';

describe('parseClientId', () => {
  it('accepts {d} and {d}/{m}', () => {
    expect(parseClientId('dev1')).toEqual({ deviceId: 'dev1' });
    expect(parseClientId('dev1/mod1')).toEqual({ deviceId: 'dev1', moduleId: 'mod1' });
  });
  it('rejects empty, extra segments and spaces', () => {
    for (const bad of ['', '/', 'a/', '/b', 'a/b/c', 'a b']) expect(parseClientId(bad), bad).toBeUndefined();
  });
});

describe('parseUsername', () => {
  it('parses the Node SDK form', () => {
    const u = parseUsername('hub.example/dev1/?api-version=2021-04-12&DeviceClientType=azure-iot-device%2F1.18.4%20(node)');
    expect(u?.hostName).toBe('hub.example');
    expect(u?.deviceId).toBe('dev1');
    expect(u?.moduleId).toBeUndefined();
    expect(u?.params.get('api-version')).toBe('2021-04-12');
    expect(u?.params.get('DeviceClientType')).toBe('azure-iot-device/1.18.4 (node)');
  });
  it('parses modules, missing ?, old /api-version= segments and model-id', () => {
    expect(parseUsername('h/d/m/?api-version=x')).toMatchObject({ deviceId: 'd', moduleId: 'm' });
    expect(parseUsername('h/d/api-version=2016-11-14&DeviceClientType=c')).toMatchObject({ deviceId: 'd' });
    expect(parseUsername('h/d')).toMatchObject({ hostName: 'h', deviceId: 'd' });
    expect(parseUsername('h/d/?api-version=x&model-id=dtmi:com:example;1')?.params.get('model-id')).toBe('dtmi:com:example;1');
  });
  it('rejects a username without a device', () => {
    expect(parseUsername('justhost')).toBeUndefined();
    expect(parseUsername('h/d/m/x')).toBeUndefined();
  });
});

describe('helpers', () => {
  it('compares identities and builds resources', () => {
    expect(sameIdentity({ deviceId: 'a' }, { deviceId: 'a' })).toBe(true);
    expect(sameIdentity({ deviceId: 'a' }, { deviceId: 'a', moduleId: 'm' })).toBe(false);
    expect(sameIdentity({ deviceId: 'a' }, { deviceId: 'A' })).toBe(false);
    expect(identityResource({ deviceId: 'a', moduleId: 'm' })).toBe('/devices/a/modules/m');
  });
  it('computes uppercase SHA-1 and SHA-256 thumbprints of the DER bytes', () => {
    const der = Buffer.from('not really a certificate');
    expect(thumbprints(der)).toEqual({
      sha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
      sha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
    });
  });
});
