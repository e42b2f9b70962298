/**
 * Device and module connection strings as the Azure IoT device SDKs read them:
 * `HostName=…;DeviceId=…[;ModuleId=…];SharedAccessKey=…[;GatewayHostName=…]`, or `x509=true`
 * instead of the key for certificate identities.
 *
 * GatewayHostName redirects the SDK's MQTT (and AMQP) connection; the SAS `sr` keeps HostName.
 * It is added whenever the hub's MQTT port is not the SDK's default 8883 (then `host:port`), or
 * when `--gateway-host` names another host (devices on the LAN reach the gateway by its address).
 */
import { isIP } from 'node:net';
import { connectionString } from '../../hub-core/core/sas.js';
import type { Authentication } from '../../hub-core/core/types.js';
import { RuntimeError } from '../errors.js';

/** The MQTT port the device SDK dials when no port is given. */
export const SDK_MQTT_PORT = 8883;

export interface ConnectionStringInput {
  hostName: string;
  deviceId: string;
  moduleId?: string;
  authentication: Authentication;
  /** The hub's MQTT port, when known. */
  mqttPort?: number;
  /** `--gateway-host HOST[:PORT]`. */
  gatewayHost?: string;
}

function withPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The GatewayHostName value, or undefined when the SDK's defaults already reach the hub. */
export function gatewayHostName(hostName: string, mqttPort?: number, gatewayHost?: string): string | undefined {
  const otherPort = mqttPort !== undefined && mqttPort !== SDK_MQTT_PORT;
  if (gatewayHost !== undefined) {
    // Already host:port (an IPv6 literal counts only in brackets).
    if (/^\[.*\]:\d+$/.test(gatewayHost) || (/:\d+$/.test(gatewayHost) && isIP(gatewayHost) === 0)) return gatewayHost;
    return otherPort ? withPort(gatewayHost, mqttPort) : gatewayHost;
  }
  return otherPort ? withPort(hostName, mqttPort) : undefined;
}

/** Builds the connection string; FH_CLI_USAGE for an identity without SAS keys or X.509. */
export function deviceConnectionString(input: ConnectionStringInput): string {
  const auth = input.authentication;
  const gateway = gatewayHostName(input.hostName, input.mqttPort, input.gatewayHost);
  const who = input.moduleId === undefined ? `device ${input.deviceId}` : `module ${input.deviceId}/${input.moduleId}`;
  let credential: Record<string, string>;
  if (auth.type === 'sas') {
    const key = auth.symmetricKey?.primaryKey;
    if (!key) throw new RuntimeError('FH_CLI_REQUEST_FAILED', `${who} has no primary key`);
    credential = { SharedAccessKey: key };
  } else if (auth.type === 'selfSigned' || auth.type === 'certificateAuthority') {
    credential = { x509: 'true' };
  } else {
    throw new RuntimeError('FH_CLI_USAGE', `${who} has no credentials (authentication type ${auth.type})`);
  }
  return connectionString({
    HostName: input.hostName,
    DeviceId: input.deviceId,
    ModuleId: input.moduleId,
    ...credential,
    GatewayHostName: gateway,
  });
}
