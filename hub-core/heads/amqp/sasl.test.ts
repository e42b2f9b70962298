import { describe, expect, it } from 'vitest';
import { parsePlainUser, principalMatches, splitPlainResponse } from './sasl.js';

describe('SASL PLAIN users', () => {
  it('parses device, module and policy users for the hub name or the full host name', () => {
    expect(parsePlainUser('d1@sas.myhub', 'myhub.azure-devices.net')).toEqual({ kind: 'device', ref: { deviceId: 'd1' } });
    expect(parsePlainUser('d1@sas.MyHub.azure-devices.net', 'myhub.azure-devices.net')).toEqual({ kind: 'device', ref: { deviceId: 'd1' } });
    expect(parsePlainUser('d1/modules/m1@sas.myhub', 'myhub.azure-devices.net')).toEqual({ kind: 'device', ref: { deviceId: 'd1', moduleId: 'm1' } });
    expect(parsePlainUser('iothubowner@sas.root.myhub', 'myhub.azure-devices.net')).toEqual({ kind: 'policy', keyName: 'iothubowner' });
    // Ids may contain `@`: the realm is after the last one.
    expect(parsePlainUser('a@b@sas.myhub', 'myhub.azure-devices.net')).toEqual({ kind: 'device', ref: { deviceId: 'a@b' } });
  });

  it('refuses other hubs and malformed users', () => {
    for (const u of ['d1@sas.otherhub', 'd1', '@sas.myhub', 'd1/m1@sas.myhub', 'd1/modules/@sas.myhub', 'd1@myhub']) {
      expect(parsePlainUser(u, 'myhub.azure-devices.net')).toBeUndefined();
    }
  });

  it('matches the verified principal against the claimed user', () => {
    const claim = { kind: 'device' as const, ref: { deviceId: 'd1' } };
    expect(principalMatches(claim, { kind: 'device', deviceId: 'd1', authType: 'sas' })).toBe(true);
    expect(principalMatches(claim, { kind: 'device', deviceId: 'd1', moduleId: 'm', authType: 'sas' })).toBe(false);
    expect(principalMatches(claim, { kind: 'policy', keyName: 'd1', rights: ['DeviceConnect'], scope: '', expiresAt: 1 })).toBe(false);
    expect(principalMatches({ kind: 'policy', keyName: 'device' }, { kind: 'policy', keyName: 'device', rights: ['DeviceConnect'], scope: '', expiresAt: 1 })).toBe(true);
  });

  it('splits the PLAIN initial response', () => {
    expect(splitPlainResponse(Buffer.from('\u0000user\u0000pass=&x'))).toEqual({ user: 'user', password: 'pass=&x' });
    expect(splitPlainResponse(Buffer.from('authz\u0000user\u0000pass'))).toEqual({ user: 'user', password: 'pass' });
    expect(splitPlainResponse(Buffer.from('user\u0000pass'))).toBeUndefined();
    expect(splitPlainResponse('not a buffer')).toBeUndefined();
  });
});
