/**
 * One `fieldhub hub` process per test file, reachable the way the official SDKs need it:
 * azure-iothub dials https://{HostName}:443 only, so the hub takes a random loopback address as
 * both its HostName and its bind address and listens on 443 there (tests run as root); devices
 * reach MQTT through `GatewayHostName={ip}:{port}`. Its server certificate comes from the test
 * CA, which vitest's config put in NODE_EXTRA_CA_CERTS for azure-iothub.
 */
import iothub from 'azure-iothub';
import { assertCanBind443, randomLoopback } from '../../helpers/loopback.js';
import { startHubProcess } from '../../helpers/hub-process.js';
import { TEST_CA_CERT, TEST_CA_KEY } from '../../helpers/test-ca.js';
import { signSas } from '../../../hub-core/core/sas.js';

const { Registry, Client: ServiceClient } = iothub;

export type HubProcess = Awaited<ReturnType<typeof startHubProcess>>;
export type RegistryClient = InstanceType<typeof Registry>;
export type MethodClient = InstanceType<typeof ServiceClient>;

export interface E2eHub {
  hub: HubProcess;
  /** The loopback address that is the hub's HostName, HTTPS and MQTT bind address. */
  ip: string;
  /** PEM of the CA that issued the hub's server certificate (what devices pass as `ca`). */
  caPem: string;
  registry: RegistryClient;
  service: MethodClient;
  /** Creates a device with hub-generated SAS keys; returns its primary key and connection string. */
  createDevice(deviceId: string, status?: 'enabled' | 'disabled'): Promise<{ key: string; connectionString: string }>;
  /** A device connection string that sends MQTT to this hub's MQTT port. */
  deviceConnectionString(deviceId: string, key: string): string;
  /** `Authorization` value for the hub's service API, signed with the owner policy. */
  ownerSas(expirySeconds?: number): string;
  /** Restarts the hub on the same data folder (after stop() or kill9()). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Parses `K=V;K=V` (values may contain `=`, as base64 keys and SAS tokens do). */
export function parseConnectionString(cs: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of cs.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/**
 * `amqpPort`: 0 by default (any free port); 5671 for azure-iothub's AMQP client (C2D send, feedback,
 * file notifications) and device transports without GatewayHostName, which dial only 5671.
 */
export async function startE2eHub(options: {
  extraArgs?: string[]; amqpPort?: number;
  /** `start` runs a gateway (with `config`'s gateway sections) instead of `fieldhub hub`. */
  command?: 'hub' | 'start';
  config?: Record<string, unknown>;
  env?: Record<string, string>;
} = {}): Promise<E2eHub> {
  const ip = randomLoopback();
  await assertCanBind443(ip);
  const spawnOptions = {
    hostName: ip, bindAddress: ip, httpsPort: 443, mqttPort: 0, amqpPort: options.amqpPort ?? 0,
    caCertFile: TEST_CA_CERT, caKeyFile: TEST_CA_KEY,
    ...(options.extraArgs ? { extraArgs: options.extraArgs } : {}),
    ...(options.command ? { command: options.command } : {}),
    ...(options.config ? { config: options.config } : {}),
    ...(options.env ? { env: options.env } : {}),
  };
  let hub = await startHubProcess(spawnOptions);
  // The first process owns the temporary data folder: its cleanup() removes it at the end.
  const first = hub;
  const owner = parseConnectionString(hub.ownerConnectionString);
  const ownerKeyName = owner.SharedAccessKeyName ?? 'iothubowner';
  const ownerKey = owner.SharedAccessKey;
  if (!ownerKey) throw new Error(`owner connection string has no key: ${hub.ownerConnectionString}`);
  const caPem = hub.ca;

  const e2e: E2eHub = {
    get hub() { return hub; },
    ip,
    caPem,
    registry: Registry.fromConnectionString(hub.ownerConnectionString),
    service: ServiceClient.fromConnectionString(hub.ownerConnectionString),
    deviceConnectionString(deviceId, key) {
      return `HostName=${ip};DeviceId=${deviceId};SharedAccessKey=${key};GatewayHostName=${ip}:${hub.ports.mqtt}`;
    },
    async createDevice(deviceId, status = 'enabled') {
      const { responseBody } = await e2e.registry.create({ deviceId, status });
      const key = responseBody.authentication?.symmetricKey?.primaryKey;
      if (!key) throw new Error(`the hub generated no primary key for ${deviceId}`);
      return { key, connectionString: e2e.deviceConnectionString(deviceId, key) };
    },
    ownerSas(expirySeconds = 3600) {
      return signSas(ip, ownerKey, Math.floor(Date.now() / 1000) + expirySeconds, ownerKeyName);
    },
    async restart() {
      hub = await startHubProcess({ ...spawnOptions, dataDir: hub.dataDir });
    },
    async stop() {
      await hub.stop();
      await first.cleanup();
    },
  };
  return e2e;
}
