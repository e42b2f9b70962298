import { describe, expect, it } from 'vitest';
import { desiredPatchTopic, methodRequestTopic, TopicTable, twinResponseTopic } from './topics.js';

describe('TopicTable (device)', () => {
  const t = new TopicTable({ deviceId: 'dev1' });

  it('classifies telemetry with and without a bag or trailing slash', () => {
    expect(t.classify('devices/dev1/messages/events/')).toEqual({ kind: 'telemetry', bag: '' });
    expect(t.classify('devices/dev1/messages/events')).toEqual({ kind: 'telemetry', bag: '' });
    expect(t.classify('devices/dev1/messages/events/a=1')).toEqual({ kind: 'telemetry', bag: 'a=1' });
  });

  it('classifies twin and method topics with their $rid', () => {
    expect(t.classify('$iothub/twin/GET/?$rid=1')).toEqual({ kind: 'twin-get', rid: '1' });
    expect(t.classify('$iothub/twin/PATCH/properties/reported/?$rid=2')).toEqual({ kind: 'twin-patch-reported', rid: '2' });
    expect(t.classify('$iothub/methods/res/200/?$rid=3')).toEqual({ kind: 'method-response', status: 200, rid: '3' });
    expect(t.classify('$iothub/twin/GET/')).toEqual({ kind: 'twin-get', rid: undefined });
  });

  it('forbids other identities and unknown topics', () => {
    for (const topic of ['devices/dev2/messages/events/', 'devices/dev10/messages/events/', 'devices/dev1/modules/m/messages/events/',
      'devices/dev1/messages/devicebound/', 'foo/bar', '$iothub/methods/res/abc/?$rid=1', '$SYS/x']) {
      expect(t.classify(topic), topic).toEqual({ kind: 'forbidden' });
    }
  });

  it('maps only its own subscription filters to features', () => {
    expect(t.featureOf('devices/dev1/messages/devicebound/#')).toBe('c2d');
    expect(t.featureOf('$iothub/methods/POST/#')).toBe('methods');
    expect(t.featureOf('$iothub/twin/res/#')).toBe('twin-responses');
    expect(t.featureOf('$iothub/twin/PATCH/properties/desired/#')).toBe('desired');
    expect(t.featureOf('devices/dev2/messages/devicebound/#')).toBeUndefined();
    expect(t.featureOf('#')).toBeUndefined();
  });

  it('builds the outgoing topics', () => {
    expect(t.c2dTopic('a=1', undefined)).toBe('devices/dev1/messages/devicebound/a=1');
    expect(t.c2dTo()).toBe('/devices/dev1/messages/deviceBound');
    expect(twinResponseTopic(204, 'r', 5)).toBe('$iothub/twin/res/204/?$rid=r&$version=5');
    expect(methodRequestTopic('reboot', '9')).toBe('$iothub/methods/POST/reboot/?$rid=9');
    expect(desiredPatchTopic(4)).toBe('$iothub/twin/PATCH/properties/desired/?$version=4');
  });
});

describe('TopicTable (module)', () => {
  const t = new TopicTable({ deviceId: 'dev1', moduleId: 'm1' });
  it('uses the module telemetry and input families', () => {
    expect(t.classify('devices/dev1/modules/m1/messages/events/%24.on=out1/')).toEqual({ kind: 'telemetry', bag: '%24.on=out1/' });
    expect(t.classify('devices/dev1/messages/events/')).toEqual({ kind: 'forbidden' });
    expect(t.featureOf('devices/dev1/modules/m1/inputs/#')).toBe('c2d');
    expect(t.featureOf('devices/dev1/messages/devicebound/#')).toBeUndefined();
    expect(t.c2dTopic('', 'in1')).toBe('devices/dev1/modules/m1/inputs/in1/');
  });
});
