import { describe, expect, it } from 'vitest';
import { errorForResponse, parseErrorBody } from './service-client.js';

describe('REST error bodies', () => {
  it('take the Azure error name, number and text from the IoT Hub body', () => {
    const body = JSON.stringify({ Message: 'ErrorCode:DeviceNotFound;Device d1 not registered', ExceptionMessage: 'Tracking ID:x', errorCode: 404001 });
    expect(parseErrorBody(body)).toEqual({ azureCode: 'DeviceNotFound', errorCode: 404001, message: 'Device d1 not registered' });
    expect(parseErrorBody('{"message":"plain","errorCode":400004}')).toEqual({ message: 'plain', errorCode: 400004 });
    expect(parseErrorBody('<html>bad gateway</html>')).toEqual({ message: '<html>bad gateway</html>' });
  });

  it('become coded errors: offline and timeout for methods, the Azure name otherwise', () => {
    const offline = errorForResponse(404, '{"Message":"ErrorCode:DeviceNotOnline;x","errorCode":404103}', 'invoke m on d');
    expect(offline.code).toBe('FH_CLI_DEVICE_OFFLINE');
    expect(offline.message).toBe('invoke m on d: the device is not connected or has not subscribed to direct methods (404 DeviceNotOnline)');
    expect(errorForResponse(504, '{"Message":"ErrorCode:GatewayTimeout;x","errorCode":504101}', 'w').code).toBe('FH_CLI_TIMEOUT');
    const missing = errorForResponse(404, '{"Message":"ErrorCode:DeviceNotFound;device d is not registered"}', 'show d');
    expect(missing.code).toBe('FH_CLI_REQUEST_FAILED');
    expect(missing.message).toBe('show d: hub answered 404 DeviceNotFound: device d is not registered');
    expect(missing.retryable).toBe(false);
    expect(errorForResponse(503, '', 'x').retryable).toBe(true);
  });
});
