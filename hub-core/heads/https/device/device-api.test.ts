import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseBlockList } from './blob-endpoint.js';
import { storageErrorOf } from './blob-reply.js';
import { blobEndpointHost } from './file-upload.js';
import { c2dResponseHeaders, telemetryPropertiesFrom } from './message-headers.js';
import { parseBatch } from './telemetry.js';
import { HubError } from '../../../errors.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

describe('HTTPS device API helpers', () => {
  it('names the blob endpoint host:port only when the head is not on 443', () => {
    expect(blobEndpointHost('hub.lan', 443)).toBe('hub.lan');
    expect(blobEndpointHost('hub.lan', 8443)).toBe('hub.lan:8443');
    expect(blobEndpointHost('10.0.0.5', 8443)).toBe('10.0.0.5:8443');
    expect(blobEndpointHost('fd00::5', 8443)).toBe('[fd00::5]:8443');
    expect(blobEndpointHost('fd00::5', 443)).toBe('[fd00::5]');
  });

  it('maps property headers case-insensitively, keeping application property names as sent', () => {
    const req = {
      rawHeaders: [
        'iothub-to', '/devices/d%231/messages/events', 'IoTHub-MessageId', 'm', 'IOTHUB-APP-Temp', '21',
        'iothub-expiry', 'Tue Jan 01 2030 00:00:00 GMT+0000', 'Dt-Subject', 's', 'iothub-ack', 'full', 'Host', 'x',
      ],
    } as unknown as IncomingMessage;
    expect(telemetryPropertiesFrom(req, { deviceId: 'd#1' })).toEqual({
      system: { messageId: 'm', expiryTimeUtc: '2030-01-01T00:00:00.000Z', subject: 's' },
      properties: { Temp: '21' },
    });
  });

  it('writes C2D properties as headers, encoding what HTTP cannot carry', () => {
    const headers = c2dResponseHeaders({
      lockToken: 'L', deliveryCount: 2, enqueuedTime: '2024-01-01T00:00:00.000Z',
      message: { body: new Uint8Array(), system: { messageId: 'm' }, properties: { ok: 'v', uni: '\u00e9\u4e2d', 'sp ace': 'x' } },
    });
    expect(headers).toMatchObject({
      ETag: '"L"', 'iothub-deliverycount': '2', 'iothub-messageid': 'm', 'iothub-app-ok': 'v',
      'iothub-app-uni': '%C3%A9%E4%B8%AD', 'iothub-app-sp%20ace': 'x',
    });
  });

  it('parses a batch whole before anything is stored', () => {
    const ref = { deviceId: 'd1' };
    const raw = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
    const [m] = parseBatch(raw([{ body: Buffer.from('hi').toString('base64'), properties: { 'iothub-app-k': 'v', 'dt-subject': 's' } }]), ref, 100);
    expect(Buffer.from(m!.body).toString()).toBe('hi');
    expect(m).toMatchObject({ properties: { k: 'v' }, system: { subject: 's' } });
    expect(codeOf(() => parseBatch(raw([{ body: 'not base64!' }]), ref, 100))).toBe('FH_MSG_INVALID');
    expect(codeOf(() => parseBatch(raw([{ body: 'YWFh' }, { body: 'YWFh' }]), ref, 5))).toBe('FH_MSG_TOO_LARGE');
  });

  it('reads block ids from a Put Block List in order, and refuses other documents', () => {
    expect(parseBlockList('<?xml version="1.0"?><BlockList><Latest>QQ==</Latest><Uncommitted> Qg== </Uncommitted><Committed>Qw==</Committed></BlockList>'))
      .toEqual(['QQ==', 'Qg==', 'Qw==']);
    expect(parseBlockList('<BlockList></BlockList>')).toEqual([]);
    expect(() => parseBlockList('<Other/>')).toThrow(/BlockList/);
  });

  it('maps file errors to storage codes and hides unknown ones', () => {
    expect(storageErrorOf(new HubError('FH_FILE_SAS_INVALID', 'x'))).toMatchObject({ status: 403, code: 'AuthenticationFailed' });
    expect(storageErrorOf(new HubError('FH_FILE_QUOTA', 'x'))).toMatchObject({ status: 403, code: 'QuotaExceeded' });
    expect(storageErrorOf(new HubError('FH_FILE_TOO_LARGE', 'x'))).toMatchObject({ status: 413, code: 'RequestBodyTooLarge' });
    expect(storageErrorOf(new Error('secret'))).toMatchObject({ status: 500, code: 'InternalError', message: 'internal server error', unexpected: true });
  });
});
