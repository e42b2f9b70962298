/**
 * The unmodified device SDK (azure-iot-device + azure-iot-device-mqtt) built the way
 * `Client.fromConnectionString` builds it, but keeping the authentication provider so a test can
 * see token renewals happen (the SDK renews without any event on the client).
 */
import deviceSdk from 'azure-iot-device';
import mqttTransport from 'azure-iot-device-mqtt';

const { Client, SharedAccessKeyAuthenticationProvider, SharedAccessSignatureAuthenticationProvider } = deviceSdk;
const { Mqtt } = mqttTransport;

export type DeviceClient = InstanceType<typeof Client>;
export { deviceSdk };

export interface OpenDevice {
  client: DeviceClient;
  /** How many new tokens the SDK made after the first one. */
  readonly renewals: number;
  /** Every `disconnect` event the client emitted. */
  readonly disconnects: Error[];
  /** Every `error` event (a feature the SDK could not re-enable after a connection loss). */
  readonly errors: Error[];
  close(): Promise<void>;
}

export interface DeviceOptions {
  /** PEM of the CA that signed the hub's server certificate. */
  ca: string;
  tokenRenewal?: { tokenValidTimeInSeconds: number; tokenRenewalMarginInSeconds: number };
}

/** A client for `connectionString` (SharedAccessKey or SharedAccessSignature), not yet opened. */
export function deviceClient(connectionString: string, options: DeviceOptions): OpenDevice {
  const usesKey = /;SharedAccessKey=/.test(`;${connectionString}`);
  const provider = usesKey
    ? SharedAccessKeyAuthenticationProvider.fromConnectionString(connectionString)
    : sasProvider(connectionString);
  const client = new Client(new Mqtt(provider));
  let tokens = 0;
  provider.on('newTokenAvailable', () => { tokens++; });
  const disconnects: Error[] = [];
  client.on('disconnect', (result: { reason?: Error } | undefined) => {
    disconnects.push(result?.reason ?? new Error('disconnect'));
  });
  const errors: Error[] = [];
  // Unhandled 'error' events would crash the worker; tests read them from `errors`.
  client.on('error', (err: Error) => { errors.push(err); });
  client.setOptions({
    ca: options.ca,
    ...(options.tokenRenewal ? { tokenRenewal: options.tokenRenewal } : {}),
  });
  return {
    client,
    get renewals() { return tokens; },
    disconnects,
    errors,
    async close() {
      await client.close().catch(() => undefined);
    },
  };
}

/** Opens a client; rejects with the SDK's error when the hub refuses it. */
export async function openDevice(connectionString: string, options: DeviceOptions): Promise<OpenDevice> {
  const dev = deviceClient(connectionString, options);
  try {
    await dev.client.open();
  } catch (err) {
    await dev.close();
    throw err;
  }
  return dev;
}

/**
 * A SharedAccessSignature connection string. `fromSharedAccessSignature` would take the host from
 * the token's sr and drop GatewayHostName (so MQTT would go to port 8883); the provider's public
 * constructor takes the same credentials the key provider builds, gateway included.
 */
function sasProvider(connectionString: string): InstanceType<typeof SharedAccessSignatureAuthenticationProvider> {
  const m = /(?:^|;)SharedAccessSignature=(SharedAccessSignature [^;]*)/.exec(connectionString);
  const fields = Object.fromEntries(connectionString.split(';').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  if (!m?.[1] || !fields.HostName || !fields.DeviceId) {
    throw new Error('connection string needs HostName, DeviceId and SharedAccessKey or SharedAccessSignature');
  }
  return new SharedAccessSignatureAuthenticationProvider({
    host: fields.HostName,
    deviceId: fields.DeviceId,
    sharedAccessSignature: m[1],
    ...(fields.GatewayHostName ? { gatewayHostName: fields.GatewayHostName } : {}),
  });
}
