import { describe, expect, it } from 'vitest';
import { addressPath, c2dTarget, parseLinkAddress } from './addresses.js';

describe('link addresses', () => {
  it('recognises device and module addresses, fixed words in any case', () => {
    expect(parseLinkAddress('/devices/d1/messages/events')).toEqual({ kind: 'events', ref: { deviceId: 'd1' } });
    expect(parseLinkAddress('/devices/d1/modules/m1/messages/events')).toEqual({ kind: 'events', ref: { deviceId: 'd1', moduleId: 'm1' } });
    expect(parseLinkAddress('/devices/d1/messages/deviceBound')).toEqual({ kind: 'c2d', ref: { deviceId: 'd1' } });
    expect(parseLinkAddress('/devices/d1/methods/devicebound')).toEqual({ kind: 'methods', ref: { deviceId: 'd1' } });
    expect(parseLinkAddress('/devices/d1/modules/m1/methods/devicebound')).toEqual({ kind: 'methods', ref: { deviceId: 'd1', moduleId: 'm1' } });
    expect(parseLinkAddress('/devices/d1/Twin')).toEqual({ kind: 'twin', ref: { deviceId: 'd1' } });
    // Ids are raw and case-sensitive.
    expect(parseLinkAddress('/DEVICES/Dev-1.a%b/messages/events')).toEqual({ kind: 'events', ref: { deviceId: 'Dev-1.a%b' } });
  });

  it('accepts the amqps://host form and query strings other SDKs send', () => {
    expect(addressPath('amqps://hub.example:5671/devices/d1/messages/events?api-version=2021-04-12')).toBe('/devices/d1/messages/events');
    expect(parseLinkAddress('amqps://hub.example/devices/d1/twin')).toEqual({ kind: 'twin', ref: { deviceId: 'd1' } });
  });

  it('recognises $cbs and the service addresses', () => {
    expect(parseLinkAddress('$cbs')).toEqual({ kind: 'cbs' });
    expect(parseLinkAddress('/messages/devicebound')).toEqual({ kind: 'service-c2d' });
    expect(parseLinkAddress('/messages/serviceBound/feedback')).toEqual({ kind: 'feedback' });
    expect(parseLinkAddress('/messages/servicebound/filenotifications')).toEqual({ kind: 'file-notifications' });
  });

  it('marks everything else unknown, including module C2D (modules have no C2D queue)', () => {
    for (const a of ['/devices', '/devices//messages/events', '/devices/d1/modules/m1/messages/devicebound', '/devices/d1/messages', '/x', '', undefined]) {
      expect(parseLinkAddress(a).kind).toBe('unknown');
    }
  });

  it('reads the device of a service C2D `to`, percent-decoded', () => {
    expect(c2dTarget('/devices/dev%201/messages/devicebound')).toBe('dev 1');
    expect(c2dTarget('/devices/d1/messages/deviceBound')).toBe('d1');
    expect(c2dTarget('/devices/d1/messages/events')).toBeUndefined();
    expect(c2dTarget('/devices/%E0%A4%A/messages/devicebound')).toBeUndefined();
    expect(c2dTarget(undefined)).toBeUndefined();
  });
});
