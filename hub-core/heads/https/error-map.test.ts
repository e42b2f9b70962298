import { describe, expect, it } from 'vitest';
// The SDK's own parser: the error body must produce the code and text it expects.
import { Http } from 'azure-iothub/dist/common-http/http.js';
import { RestApiClient } from 'azure-iothub/dist/common-http/rest_api_client.js';
import { HubError, HubErrorCodes, type HubErrorCode } from '../../errors.js';
import { errorBody, HUB_ERROR_HTTP, resolveError, withoutRetryableStatus } from './error-map.js';

describe('error map', () => {
  it('maps every catalogue code', () => {
    for (const code of Object.keys(HubErrorCodes) as HubErrorCode[]) {
      expect(HUB_ERROR_HTTP[code].status, code).toBeGreaterThanOrEqual(400);
    }
  });

  it('produces bodies the SDK turns into the right error classes', () => {
    const cases: Array<[HubErrorCode, string]> = [
      ['FH_REGISTRY_NOT_FOUND', 'DeviceNotFoundError'],
      ['FH_REGISTRY_EXISTS', 'DeviceAlreadyExistsError'],
      ['FH_TWIN_ETAG_MISMATCH', 'InvalidEtagError'],
      ['FH_AUTH_PERMISSION', 'UnauthorizedError'],
      ['FH_QUERY_INVALID', 'ArgumentError'],
      ['FH_THROTTLED', 'ThrottlingError'],
      ['FH_METHOD_TIMEOUT', 'GatewayTimeoutError'],
      ['FH_INTERNAL', 'InternalServerError'],
    ];
    for (const [code, cls] of cases) {
      const resolved = resolveError(new HubError(code, 'text; with a semicolon'));
      const body = JSON.stringify(errorBody(resolved));
      expect(Http.parseErrorBody(body)).toEqual({ code: resolved.name, message: 'text, with a semicolon' });
      const err = RestApiClient.translateError(body, { statusCode: resolved.status } as never);
      expect(err.constructor.name, code).toBe(cls);
    }
  });

  it('hides unknown errors behind 500 ServerError', () => {
    const r = resolveError(new Error('secret detail'));
    expect(r).toMatchObject({ status: 500, name: 'ServerError', code: 500001, unexpected: true });
    expect(r.message).not.toContain('secret');
  });

  it('never leaves a retryable status on method routes', () => {
    for (const code of ['FH_THROTTLED', 'FH_INTERNAL', 'FH_HUB_CLOSED'] as const) {
      expect(withoutRetryableStatus(resolveError(new HubError(code, 'x'))).status).toBe(502);
    }
    expect(withoutRetryableStatus(resolveError(new HubError('FH_METHOD_TIMEOUT', 'x'))).status).toBe(504);
  });
});
