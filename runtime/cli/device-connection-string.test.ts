import { describe, expect, it } from 'vitest';
import { deviceConnectionString, gatewayHostName } from './device-connection-string.js';

const sas = { type: 'sas' as const, symmetricKey: { primaryKey: 'AAAA', secondaryKey: 'BBBB' } };

describe('device connection strings', () => {
  it('add GatewayHostName only when the MQTT port is not 8883 or another host is asked for', () => {
    expect(gatewayHostName('hub.lan', 8883)).toBeUndefined();
    expect(gatewayHostName('hub.lan', undefined)).toBeUndefined();
    expect(gatewayHostName('hub.lan', 18883)).toBe('hub.lan:18883');
    expect(gatewayHostName('fd00::1', 18883)).toBe('[fd00::1]:18883');
    expect(gatewayHostName('hub.lan', 8883, '10.0.0.2')).toBe('10.0.0.2');
    expect(gatewayHostName('hub.lan', 18883, '10.0.0.2')).toBe('10.0.0.2:18883');
    expect(gatewayHostName('hub.lan', 18883, 'gw.lan:9000')).toBe('gw.lan:9000');
  });

  it('build SAS, module and X.509 forms in the SDK\u2019s key order', () => {
    expect(deviceConnectionString({ hostName: 'hub.lan', deviceId: 'd1', authentication: sas, mqttPort: 8883 }))
      .toBe('HostName=hub.lan;DeviceId=d1;SharedAccessKey=AAAA');
    expect(deviceConnectionString({ hostName: 'hub.lan', deviceId: 'd1', moduleId: 'm', authentication: sas, mqttPort: 1 }))
      .toBe('HostName=hub.lan;DeviceId=d1;ModuleId=m;SharedAccessKey=AAAA;GatewayHostName=hub.lan:1');
    expect(deviceConnectionString({ hostName: 'hub.lan', deviceId: 'cam', authentication: { type: 'selfSigned' } }))
      .toBe('HostName=hub.lan;DeviceId=cam;x509=true');
    expect(() => deviceConnectionString({ hostName: 'h', deviceId: 'd', authentication: { type: 'none' } })).toThrow(/no credentials/);
  });
});
