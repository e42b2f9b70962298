/**
 * The JSON Schema of the hub configuration (`fieldhub hub` and, for now, `fieldhub start`), and
 * its TypeScript shape. Units are in key names. Defaults are filled by ajv; the two roles differ
 * only in the data folder and the HTTPS port: the gateway runs as a normal user, so it cannot
 * take port 443 (privileged), while `fieldhub hub` keeps IoT Hub's standard ports.
 */

import { gatewaySchemaProperties, type GatewaySections } from './gateway-config-schema.js';

/** Which command loads the configuration. */
export type HubRole = 'hub' | 'gateway';

/** Per-role defaults (everything else is the same for both roles). */
export const ROLE_DEFAULTS: Readonly<Record<HubRole, { dataDir: string; httpsPort: number }>> = {
  hub: { dataDir: './hub-data', httpsPort: 443 },
  gateway: { dataDir: './data', httpsPort: 8443 },
};

/** Log levels pino knows, plus `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The configuration of `fieldhub start`: the hub keys plus the gateway's sections. */
export type GatewayConfig = HubConfig & GatewaySections;

/** The validated, defaults-filled, deep-frozen configuration. */
export interface HubConfig {
  readonly schemaVersion: 1;
  /** The hub's host name: SAS tokens, connection strings and the server certificate use it. Default `localhost`. */
  readonly hostName: string;
  /** Absolute data folder (store, certs, hub.json). Default `./hub-data` (hub) or `./data` (gateway). */
  readonly dataDir: string;
  /** Address every head binds. Default `0.0.0.0`: a gateway serves leaf devices on the LAN. */
  readonly bindAddress: string;
  readonly mqtt: { readonly port: number };
  readonly https: { readonly port: number };
  /** AMQP 1.0 over TLS (devices, including many identities on one connection, and services). */
  readonly amqp: { readonly port: number };
  /** `process`: acknowledged data survives kill -9; `power`: also a power cut (fsync). */
  readonly durability: 'process' | 'power';
  readonly limits: {
    readonly maxMessageBytes: number;
    readonly maxC2dBytes: number;
    readonly maxC2dQueueDepth: number;
    readonly c2dDefaultTtlMs: number;
    readonly c2dMaxDeliveryCount: number;
    readonly c2dLockMs: number;
    readonly maxMethodPayloadBytes: number;
    readonly telemetryPerSecond: number;
    readonly telemetryRetentionMs: number;
    readonly telemetryMaxHoldMs: number;
    readonly serviceQueueTtlMs: number;
    readonly serviceQueueMaxRecords: number;
    readonly serviceQueueMaxDeliveryCount: number;
  };
  /** File upload (HTTPS device API): where blobs are stored, size limits, notifications. */
  readonly fileUpload: {
    /** Absolute blob folder; absent = `{dataDir}/uploads`. */
    readonly dir?: string;
    readonly maxFileBytes: number;
    /** Bytes the folder may hold (stored files plus uploads in progress). */
    readonly quotaBytes: number;
    /** Lifetime of a blob SAS token and its correlation id, seconds. */
    readonly sasTtlS: number;
    /** Emit file notifications (AMQP `/messages/serviceBound/filenotifications`). */
    readonly notifications: boolean;
  };
  readonly tls: {
    readonly caCertFile?: string;
    readonly caKeyFile?: string;
    readonly serverCertFile?: string;
    readonly serverKeyFile?: string;
    /** More DNS names or IP literals for the generated server certificate. */
    readonly extraNames: readonly string[];
  };
  readonly log: { readonly level: (typeof LOG_LEVELS)[number] };
}

const port = (dflt: number): object => ({ type: 'integer', minimum: 0, maximum: 65535, default: dflt });
const int = (dflt: number, minimum: number, maximum?: number): object =>
  ({ type: 'integer', minimum, ...(maximum === undefined ? {} : { maximum }), default: dflt });
const file = { type: 'string', minLength: 1 };
const section = (properties: Record<string, object>, extra: object = {}): object =>
  ({ type: 'object', additionalProperties: false, default: {}, properties, ...extra });

/** The schema for `role`. Nested sections default to `{}` so ajv fills their own defaults. */
export function hubConfigSchema(role: HubRole): object {
  const d = ROLE_DEFAULTS[role];
  return {
    $id: `fieldhub-hub-config-${role}`,
    type: 'object',
    additionalProperties: false,
    properties: {
      schemaVersion: { const: 1, default: 1 },
      hostName: {
        type: 'string', minLength: 1, maxLength: 253, default: 'localhost',
        // A DNS name or an IP literal (IPv6 without brackets); no ports, no schemes.
        pattern: '^(?:[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*\\.?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$',
      },
      dataDir: { type: 'string', minLength: 1, default: d.dataDir },
      bindAddress: { type: 'string', minLength: 1, default: '0.0.0.0' },
      mqtt: section({ port: port(8883) }),
      https: section({ port: port(d.httpsPort) }),
      amqp: section({ port: port(5671) }),
      durability: { enum: ['process', 'power'], default: 'process' },
      limits: section({
        maxMessageBytes: int(262_144, 1),
        maxC2dBytes: int(65_536, 1),
        maxC2dQueueDepth: int(50, 1),
        c2dDefaultTtlMs: int(3_600_000, 1000, 172_800_000),
        c2dMaxDeliveryCount: int(10, 1, 100),
        c2dLockMs: int(60_000, 1000),
        maxMethodPayloadBytes: int(131_072, 1),
        telemetryPerSecond: int(0, 0),
        telemetryRetentionMs: int(86_400_000, 0),
        telemetryMaxHoldMs: int(604_800_000, 1),
        serviceQueueTtlMs: int(3_600_000, 1000, 172_800_000),
        serviceQueueMaxRecords: int(10_000, 1),
        serviceQueueMaxDeliveryCount: int(10, 1, 100),
      }),
      fileUpload: section({
        dir: file,
        maxFileBytes: int(268_435_456, 1),
        quotaBytes: int(1_073_741_824, 1),
        sasTtlS: int(3600, 60, 86_400),
        notifications: { type: 'boolean', default: true },
      }),
      tls: section({
        caCertFile: file,
        caKeyFile: file,
        serverCertFile: file,
        serverKeyFile: file,
        extraNames: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
      }, {
        dependencies: { serverCertFile: ['serverKeyFile'], serverKeyFile: ['serverCertFile'], caKeyFile: ['caCertFile'] },
      }),
      log: section({ level: { enum: [...LOG_LEVELS], default: 'info' } }),
      // `fieldhub start` adds the gateway, upstream, modules, sinks and routes; `fieldhub hub` refuses them.
      ...(role === 'gateway' ? gatewaySchemaProperties() : {}),
    },
  };
}
