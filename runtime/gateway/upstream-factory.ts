/**
 * Builds the upstream link the configuration names: AMQP (identities multiplexed,
 * identitiesPerConnection per connection, tokens signed with the upstream policy key or each
 * identity's own key), MQTT (one connection per identity, same credentials) or the plain MQTT
 * bridge. Also derives the upstream's service-API
 * target the identity mirror creates identities through (AMQP with a policy connection string and
 * `createIdentities`). Only the named protocol's link code is loaded (rhea for AMQP, the mqtt
 * client for the others), when the link is built.
 */
import { readFileSync } from 'node:fs';
import type { HubCoreApi } from '../../hub-core/core/api.js';
import { parseConnectionString } from '../../hub-core/core/sas.js';
import type { IdentityRef } from '../../hub-core/core/types.js';
import type { Logger } from '../../hub-core/log.js';
import type { HubTarget } from '../cli/hub-target.js';
import type { UpstreamConfig } from '../config/gateway-config-schema.js';
import { RuntimeError } from '../errors.js';
import type { AmqpCredentials } from '../upstream/amqp/index.js';
import type { UpstreamLink } from '../upstream/link.js';

function readCa(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new RuntimeError('FH_CONFIG_INVALID', `/upstream/caFile: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** The upstream's host name and policy from the connection string. */
function policyOf(up: UpstreamConfig): { hostName: string; keyName?: string; key?: string; deviceId?: string } {
  const cs = parseConnectionString(up.connectionString ?? '');
  const hostName = cs.HostName;
  if (hostName === undefined || hostName === '') throw new RuntimeError('FH_CONFIG_INVALID', '/upstream/connectionString: HostName is missing');
  return {
    hostName, ...(cs.SharedAccessKeyName ? { keyName: cs.SharedAccessKeyName } : {}), ...(cs.SharedAccessKey ? { key: cs.SharedAccessKey } : {}),
    ...(cs.DeviceId ? { deviceId: cs.DeviceId } : {}),
  };
}

/** The local SAS key of an identity (per-device-key authentication upstream). */
async function localKey(core: HubCoreApi, ref: IdentityRef): Promise<string> {
  const identity = ref.moduleId === undefined ? await core.registry.getDevice(ref.deviceId) : await core.registry.getModule(ref.deviceId, ref.moduleId);
  const key = identity.authentication.symmetricKey?.primaryKey;
  if (!key) throw new RuntimeError('FH_UPSTREAM_AUTH', `${ref.deviceId}${ref.moduleId ? `/${ref.moduleId}` : ''} has no SAS key to sign upstream tokens with`);
  return key;
}

/**
 * The link the configuration names, and where identities are created upstream (when allowed).
 * Loads that protocol's link code; FH_CONFIG_INVALID for a connection string without HostName or
 * an unreadable caFile.
 */
export async function createUpstream(up: UpstreamConfig, core: HubCoreApi, logger: Logger): Promise<{ link: UpstreamLink; registryTarget?: HubTarget }> {
  if (up.protocol === 'mqtt-bridge') {
    const b = up.bridge!;
    const { createMqttBridgeLink } = await import('../upstream/mqtt-bridge/index.js');
    return {
      link: createMqttBridgeLink({
        url: b.url, logger,
        reconnect: { minMs: up.reconnect.minDelayMs, maxMs: up.reconnect.maxDelayMs },
        ...(b.clientId ? { clientId: b.clientId } : {}),
        ...(b.username ? { username: b.username } : {}),
        ...(b.password !== undefined ? { password: b.password } : {}),
        ...(b.caFile ? { caFile: b.caFile } : {}),
        topics: { telemetry: b.telemetryTopic, ...(b.commandTopic ? { commands: b.commandTopic } : {}) },
      }),
    };
  }
  // Parsed and read once, for the link and for the registry client.
  const policy = policyOf(up);
  const ca = readCa(up.caFile);
  const keyFor = (ref: IdentityRef): Promise<string> => localKey(core, ref);
  const credentials: AmqpCredentials = up.auth === 'policy'
    ? { kind: 'policy', keyName: policy.keyName ?? '', key: policy.key ?? '' }
    : up.auth === 'parent'
      ? { kind: 'parent', deviceId: policy.deviceId ?? '', key: policy.key ?? '', keyFor }
      : { kind: 'deviceKeys', keyFor };
  const common = {
    hostName: policy.hostName, port: up.port, credentials, logger,
    identitiesPerSecond: up.identitiesPerSecond,
    reconnect: { minDelayMs: up.reconnect.minDelayMs, maxDelayMs: up.reconnect.maxDelayMs },
    ...(ca !== undefined ? { ca } : {}),
  };
  const link = up.protocol === 'mqtt'
    ? (await import('../upstream/mqtt-identity/index.js')).createMqttUpstreamLink(common)
    : (await import('../upstream/amqp/index.js')).createAmqpUpstreamLink({ ...common, identitiesPerConnection: up.identitiesPerConnection });
  if (!up.createIdentities || policy.keyName === undefined || policy.key === undefined) return { link };
  return {
    link,
    registryTarget: {
      hostName: policy.hostName,
      dialHost: policy.hostName,
      httpsPort: up.httpsPort,
      policy: { keyName: policy.keyName, key: policy.key },
      source: 'upstream.connectionString',
      ...(ca !== undefined ? { ca } : {}),
    },
  };
}
