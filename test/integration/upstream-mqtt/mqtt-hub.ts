/**
 * A real `fieldhub hub` process as the upstream of the MQTT upstream link, and the views a test
 * needs of it: identities created through its service API (runtime/cli/service-client.ts), the
 * CLI a user would run (`fieldhub method invoke`, `c2d send`, `twin update`, `device show` with
 * `--data-dir`) and the stored telemetry (GET /fieldhub/v1/telemetry, NDJSON).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseConnectionString } from '../../../hub-core/core/sas.js';
import { targetFromDataDir } from '../../../runtime/cli/hub-target.js';
import { ServiceClient, enc } from '../../../runtime/cli/service-client.js';
import type { TelemetryLine } from '../../../runtime/cli/telemetry-follower.js';
import { FIELDHUB_BIN, REPO_ROOT, startHubProcess, type HubProcess } from '../../helpers/hub-process.js';

export interface MqttUpstreamHub {
  readonly hub: HubProcess;
  readonly hostName: string;
  readonly mqttPort: number;
  readonly ca: string;
  readonly owner: { keyName: string; key: string };
  /** Creates a device with a key made here; returns its primary key. */
  createDevice(id: string): Promise<string>;
  createModule(deviceId: string, moduleId: string): Promise<string>;
  /** Stored telemetry after `afterSeq`. */
  telemetry(afterSeq?: number): Promise<TelemetryLine[]>;
  lastSeq(): Promise<number>;
  /** `fieldhub ARGS --data-dir DIR`, stdout as text; rejects with stderr on a non-zero exit. */
  cli(args: string[]): Promise<string>;
  /** Messages in a device's C2D queue (cloudToDeviceMessageCount, via `fieldhub device show`). */
  c2dDepth(deviceId: string): Promise<number>;
  /** Stops the hub and starts another on the same data folder and ports. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  cleanup(): Promise<void>;
}

export function newKey(): string {
  return randomBytes(32).toString('base64');
}

export async function startMqttUpstreamHub(): Promise<MqttUpstreamHub> {
  let hub = await startHubProcess({ hostName: '127.0.0.1', bindAddress: '127.0.0.1' });
  const first = hub;
  const cs = parseConnectionString(hub.ownerConnectionString);
  const owner = { keyName: cs.SharedAccessKeyName ?? 'iothubowner', key: cs.SharedAccessKey ?? '' };
  const service = (): ServiceClient => new ServiceClient(targetFromDataDir(hub.dataDir));
  const sas = (key: string) => ({ type: 'sas', symmetricKey: { primaryKey: key, secondaryKey: newKey() } });
  const cli = (args: string[]): Promise<string> => new Promise((resolve, reject) => {
    execFile(process.execPath, [FIELDHUB_BIN, ...args, '--data-dir', hub.dataDir], { cwd: REPO_ROOT, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`fieldhub ${args.join(' ')} failed (${err.message}):\n${stderr}`));
      else resolve(stdout);
    });
  });
  return {
    get hub() { return hub; },
    hostName: hub.hostName,
    mqttPort: hub.ports.mqtt,
    ca: hub.ca,
    owner,
    async createDevice(id) {
      const key = newKey();
      await service().json(`/devices/${enc(id)}`, { method: 'PUT', body: { deviceId: id, status: 'enabled', authentication: sas(key) } });
      return key;
    },
    async createModule(deviceId, moduleId) {
      const key = newKey();
      await service().json(`/devices/${enc(deviceId)}/modules/${enc(moduleId)}`, { method: 'PUT', body: { deviceId, moduleId, authentication: sas(key) } });
      return key;
    },
    async telemetry(afterSeq = 0) {
      const { body } = await service().request(`/fieldhub/v1/telemetry?afterSeq=${afterSeq}`);
      return body.toString('utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as TelemetryLine);
    },
    async lastSeq() {
      const health = await service().json<{ telemetryLastSeq?: number }>('/fieldhub/v1/health');
      return health.telemetryLastSeq ?? 0;
    },
    cli,
    async c2dDepth(deviceId) {
      const device = JSON.parse(await cli(['device', 'show', deviceId])) as { cloudToDeviceMessageCount: number };
      return device.cloudToDeviceMessageCount;
    },
    async restart(whileDown) {
      await hub.stop();
      await whileDown?.();
      hub = await startHubProcess({
        hostName: hub.hostName, bindAddress: hub.bindAddress, dataDir: hub.dataDir,
        mqttPort: hub.ports.mqtt, httpsPort: hub.ports.https, amqpPort: hub.ports.amqp,
      });
    },
    async cleanup() {
      if (hub !== first) await hub.stop();
      await first.cleanup();
    },
  };
}
