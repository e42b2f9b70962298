import { describe, expect, it } from 'vitest';
import { encodeC2dBag, parsePropertyBag, parseTopicQuery } from './property-bag.js';

describe('parsePropertyBag', () => {
  it('decodes the Node SDK form: %24 system keys, encoded app properties', () => {
    const bag = parsePropertyBag('%24.mid=abc&%24.ct=application%2Fjson&%24.ce=utf-8&p=1&sp%20ace=a%26b/');
    expect(bag.system).toEqual({ messageId: 'abc', contentType: 'application/json', contentEncoding: 'utf-8' });
    expect(bag.properties).toEqual({ p: '1', 'sp ace': 'a&b' });
  });

  it('accepts raw $ keys, every system key, and splits on the first =', () => {
    const bag = parsePropertyBag('$.cid=c&$.uid=u&$.to=%2Fx&$.ifid=i&$.exp=2030-01-01T00:00:00Z&$.on=out1&$.sub=s&k=a=b');
    expect(bag.system).toEqual({
      correlationId: 'c', userId: 'u', to: '/x', interfaceId: 'i', expiryTimeUtc: '2030-01-01T00:00:00Z', outputName: 'out1', subject: 's',
    });
    expect(bag.properties).toEqual({ k: 'a=b' });
  });

  it('handles an empty bag, a bare key, and malformed escapes', () => {
    expect(parsePropertyBag('')).toEqual({ system: {}, properties: {} });
    expect(parsePropertyBag('/')).toEqual({ system: {}, properties: {} });
    expect(parsePropertyBag('flag&x=%zz').properties).toEqual({ flag: '', x: '%zz' });
  });
});

describe('encodeC2dBag', () => {
  it('writes system keys as %24.…, percent-encodes everything, empty values as k=', () => {
    const bag = encodeC2dBag({
      body: new Uint8Array(),
      system: { messageId: 'm/1', correlationId: 'c', contentType: 'application/json', ack: 'full' },
      properties: { 'a b': 'x/y&z', empty: '' },
    }, '/devices/d1/messages/deviceBound');
    expect(bag).toBe('%24.mid=m%2F1&%24.to=%2Fdevices%2Fd1%2Fmessages%2FdeviceBound&%24.cid=c&%24.ct=application%2Fjson'
      + '&a%20b=x%2Fy%26z&empty=&iothub-ack=full');
    expect(bag.includes('/')).toBe(false);
  });

  it('round-trips through the parser', () => {
    const message = { body: new Uint8Array(), system: { messageId: 'id', userId: 'u', expiryTimeUtc: '2030-01-01T00:00:00.000Z' }, properties: { "k'(*)!": 'v' } };
    const parsed = parsePropertyBag(encodeC2dBag(message));
    expect(parsed.system).toEqual(message.system);
    expect(parsed.properties).toEqual(message.properties);
  });
});

describe('parseTopicQuery', () => {
  it('reads $rid and $version', () => {
    const q = parseTopicQuery('$iothub/twin/res/204/?$rid=7&$version=3');
    expect(q.get('$rid')).toBe('7');
    expect(q.get('$version')).toBe('3');
    expect(parseTopicQuery('$iothub/twin/GET/').size).toBe(0);
  });
});
