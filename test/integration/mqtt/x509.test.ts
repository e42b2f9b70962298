/**
 * X.509 devices with the official SDK: no password, a TLS client certificate judged by its
 * thumbprint (selfSigned) or by the hub CA chain (certificateAuthority).
 * GatewayHostName is ignored with x509=true, so HostName carries localhost:port.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import device from 'azure-iot-device';
import deviceMqtt from 'azure-iot-device-mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_CA_CERT, TEST_CA_KEY } from '../../helpers/test-ca.js';
import { logsWithCode, startMqttHub, storedTelemetry, type MqttTestHub } from './harness.js';

const { Client, Message } = device;
const { Mqtt } = deviceMqtt;

interface Cert { key: string; cert: string; sha1: string; sha256: string }

let dir: string;

/** A client certificate for CN=`cn`: self-signed, or signed by the test CA. */
function makeCert(cn: string, signedByCa = false): Cert {
  const keyFile = join(dir, `${cn}-${signedByCa}.key`);
  const certFile = join(dir, `${cn}-${signedByCa}.pem`);
  const common = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-subj', `/CN=${cn}`];
  if (signedByCa) {
    const csr = join(dir, `${cn}.csr`);
    execFileSync('openssl', ['req', ...common, '-out', csr], { stdio: 'pipe' });
    const ext = join(dir, `${cn}.ext`);
    writeFileSync(ext, 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n');
    execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', TEST_CA_CERT, '-CAkey', TEST_CA_KEY, '-CAcreateserial',
      '-CAserial', join(dir, 'ca.srl'), '-out', certFile, '-days', '2', '-extfile', ext], { stdio: 'pipe' });
  } else {
    execFileSync('openssl', ['req', '-x509', ...common, '-out', certFile, '-days', '2'], { stdio: 'pipe' });
  }
  const cert = readFileSync(certFile, 'utf8');
  const x = new X509Certificate(cert);
  return { key: readFileSync(keyFile, 'utf8'), cert, sha1: x.fingerprint.replace(/:/g, ''), sha256: x.fingerprint256.replace(/:/g, '') };
}

describe('MQTT head: X.509 device authentication', () => {
  let hub: MqttTestHub;
  let client: InstanceType<typeof Client> | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fh-x509-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    hub = await startMqttHub();
  });
  afterEach(async () => {
    await client?.close().catch(() => undefined);
    client = undefined;
    await hub.close();
  });

  async function open(deviceId: string, cert: Cert): Promise<InstanceType<typeof Client>> {
    client = Client.fromConnectionString(`HostName=localhost:${hub.port};DeviceId=${deviceId};x509=true`, Mqtt);
    await client.setOptions({ cert: cert.cert, key: cert.key, ca: hub.ca });
    await client.open();
    return client;
  }

  it('accepts a self-signed certificate by SHA-1 thumbprint and stores its telemetry', async () => {
    const cert = makeCert('xdev1');
    await hub.core.registry.createDevice({ deviceId: 'xdev1', authentication: { type: 'selfSigned', x509Thumbprint: { primaryThumbprint: cert.sha1, secondaryThumbprint: null } } });
    const c = await open('xdev1', cert);
    await c.sendEvent(new Message('x509 hello'));
    const stored = await storedTelemetry(hub, 'xdev1');
    expect(stored.map((s) => Buffer.from(s.message.body).toString())).toEqual(['x509 hello']);
  });

  it('accepts a self-signed certificate by SHA-256 thumbprint', async () => {
    const cert = makeCert('xdev2');
    await hub.core.registry.createDevice({ deviceId: 'xdev2', authentication: { type: 'selfSigned', x509Thumbprint: { primaryThumbprint: cert.sha256, secondaryThumbprint: null } } });
    const c = await open('xdev2', cert);
    await c.sendEvent(new Message('sha256'));
    expect(await storedTelemetry(hub, 'xdev2')).toHaveLength(1);
  });

  it('refuses a certificate whose thumbprint is not registered (CONNACK 5)', async () => {
    const registered = makeCert('xdev3');
    const other = makeCert('xdev3-other');
    await hub.core.registry.createDevice({ deviceId: 'xdev3', authentication: { type: 'selfSigned', x509Thumbprint: { primaryThumbprint: registered.sha1, secondaryThumbprint: null } } });
    await expect(open('xdev3', other)).rejects.toThrow();
    expect(hub.connects.get('xdev3')).toBeUndefined();
    expect(logsWithCode(hub, 'FH_AUTH_BAD_SIGNATURE').map((l) => [l.event, l.connack])).toEqual([['connect-refused', 5]]);
  });

  it('accepts a CA-signed certificate with CN = device id, and refuses a self-signed one for that device', async () => {
    await hub.core.registry.createDevice({ deviceId: 'cadev', authentication: { type: 'certificateAuthority' } });
    const c = await open('cadev', makeCert('cadev', true));
    await c.sendEvent(new Message('ca signed'));
    expect(await storedTelemetry(hub, 'cadev')).toHaveLength(1);
    await c.close();
    client = undefined;

    await expect(open('cadev', makeCert('cadev', false))).rejects.toThrow();
    expect(logsWithCode(hub, 'FH_AUTH_BAD_SIGNATURE').map((l) => l.connack)).toEqual([5]);
  });
});
