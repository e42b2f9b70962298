import { describe, expect, it } from 'vitest';
import { telemetryLine } from './telemetry-stream.js';

describe('telemetryLine', () => {
  const base = { seq: 7, deviceId: 'd1', message: { system: { enqueuedTime: '2024-01-01T00:00:00.000Z' }, properties: { a: 'b' } } };

  it('writes valid UTF-8 bodies as text', () => {
    const line = telemetryLine({ ...base, message: { ...base.message, body: new TextEncoder().encode('héllo') } });
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({
      seq: 7, deviceId: 'd1', moduleId: null, enqueuedTime: '2024-01-01T00:00:00.000Z',
      system: { enqueuedTime: '2024-01-01T00:00:00.000Z' }, properties: { a: 'b' }, body: 'héllo', bodyEncoding: 'utf8',
    });
  });

  it('writes other bodies as base64, and keeps the module id', () => {
    const line = JSON.parse(telemetryLine({ ...base, moduleId: 'm', message: { ...base.message, body: new Uint8Array([0xc3, 0x28]) } }));
    expect(line).toMatchObject({ moduleId: 'm', body: 'wyg=', bodyEncoding: 'base64' });
  });
});
