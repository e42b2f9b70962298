/**
 * The gateway's own configuration sections (`fieldhub start`), on top of the hub keys of
 * hub-config-schema.ts: the gateway identity, the upstream link with its outbox, the modules, the
 * local sinks and the routes. The schema checks shapes; what it cannot (route syntax, each
 * module's own config schema, dependencies) is checked by gateway-config.ts with JSON paths too.
 */

/** The upstream outbox (store-and-forward) settings. */
export interface OutboxConfig {
  /** Bytes the outbox may hold on disk (encoded records). */
  readonly maxBytes: number;
  /** A message older than this is dropped (counted) instead of sent. */
  readonly ttlMs: number;
  /** When full: `reject` new messages (the sender gets a retryable error), or `dropOldest` (counted). */
  readonly fullPolicy: 'reject' | 'dropOldest';
  /** Share of the event loop the backlog drain may take while live traffic flows (0.05 to 1). */
  readonly drainShare: number;
  /** Messages in flight upstream at once. */
  readonly maxInFlight: number;
}

export interface MqttBridgeConfig {
  readonly url: string;
  readonly clientId?: string;
  readonly username?: string;
  readonly password?: string;
  readonly caFile?: string;
  readonly telemetryTopic: string;
  /** Commands from the broker for leaf devices (delivered as C2D); absent = none. */
  readonly commandTopic?: string;
}

export interface UpstreamConfig {
  /**
   * `amqp`: identities multiplexed (identitiesPerConnection per connection); `mqtt`: one connection per identity (upstreams
   * without AMQP); `mqtt-bridge`: topics on any MQTT broker.
   */
  readonly protocol: 'amqp' | 'mqtt' | 'mqtt-bridge';
  /**
   * The upstream hub's policy connection string (`HostName=…;SharedAccessKeyName=…;SharedAccessKey=…`):
   * its key signs each identity's token, and with registry rights the gateway creates identities.
   */
  readonly connectionString?: string;
  /**
   * `policy`: tokens signed with the connection string's policy key; `deviceKeys`: each identity's
   * own key (identities mirrored with the same keys); `parent`: the connection string is the
   * gateway device's own, and its token covers the devices whose parent it is upstream (parent
   * scope, an upstream fieldhub hub), while its modules use their own keys.
   */
  readonly auth: 'policy' | 'deviceKeys' | 'parent';
  /** The upstream's AMQP (default 5671) or MQTT (default 8883) port. */
  readonly port: number;
  /** HTTPS port of the upstream's service API (identity creation). */
  readonly httpsPort: number;
  /** PEM file the upstream's certificate chains to; absent = the system trust store. */
  readonly caFile?: string;
  /** Create missing identities upstream (needs registry rights). */
  readonly createIdentities: boolean;
  /** Identities attached per second after a (re)connect: no reconnect storm. */
  readonly identitiesPerSecond: number;
  /** AMQP: identities one connection carries; more open further connections. */
  readonly identitiesPerConnection: number;
  readonly reconnect: { readonly minDelayMs: number; readonly maxDelayMs: number };
  readonly bridge?: MqttBridgeConfig;
  readonly outbox: OutboxConfig;
}

export interface ModuleInstanceConfig {
  /** The module type (`system`, later `modbus`, `serial`, `ble`). */
  readonly type: string;
  readonly enabled: boolean;
  /** Other module instances that must run first. */
  readonly dependsOn: readonly string[];
  /** The module's own settings, checked against its manifest's schema. */
  readonly config: Readonly<Record<string, unknown>>;
}

export type SinkConfig =
  | { readonly type: 'file'; readonly path: string; readonly maxBytes: number; readonly maxFiles: number; readonly fsync: boolean }
  | {
    readonly type: 'mqtt'; readonly url: string; readonly topic: string; readonly qos: 0 | 1; readonly clientId?: string;
    readonly username?: string; readonly password?: string; readonly caFile?: string;
  };

/** What `fieldhub start` adds to the hub configuration. */
export interface GatewaySections {
  readonly gateway: { readonly deviceId: string };
  readonly upstream?: UpstreamConfig;
  readonly modules: Readonly<Record<string, ModuleInstanceConfig>>;
  readonly sinks: Readonly<Record<string, SinkConfig>>;
  /** Route name → `FROM … [WHERE …] INTO …`. */
  readonly routes: Readonly<Record<string, string>>;
}

/** The default when there is no config file, or the file has no `modules` key. */
export const DEFAULT_MODULES = { system: { type: 'system' } } as const;
/** The default route when an upstream is configured and the file has no `routes` key. */
export const DEFAULT_UPSTREAM_ROUTES = { upstream: 'FROM /messages/* INTO $upstream' } as const;

const ID_PATTERN = '^[A-Za-z0-9\\-:.+%_#*?!(),=@;$\']{1,128}$';
const NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_-]{0,63}$';
const int = (dflt: number, minimum: number, maximum?: number): object =>
  ({ type: 'integer', minimum, ...(maximum === undefined ? {} : { maximum }), default: dflt });
const str = { type: 'string', minLength: 1 };
const section = (properties: Record<string, object>, extra: object = {}): object =>
  ({ type: 'object', additionalProperties: false, default: {}, properties, ...extra });
const mapOf = (value: object): object =>
  ({ type: 'object', propertyNames: { pattern: NAME_PATTERN }, additionalProperties: value });

/** The JSON schema properties the gateway role adds. */
export function gatewaySchemaProperties(): Record<string, object> {
  return {
    gateway: section({ deviceId: { type: 'string', pattern: ID_PATTERN, default: 'fieldhub-gateway' } }),
    upstream: {
      type: 'object',
      additionalProperties: false,
      properties: {
        protocol: { enum: ['amqp', 'mqtt', 'mqtt-bridge'], default: 'amqp' },
        connectionString: { type: 'string', pattern: 'HostName=[^;]+' },
        auth: { enum: ['policy', 'deviceKeys', 'parent'], default: 'policy' },
        // Default by protocol (5671 amqp, 8883 mqtt): filled by the loader before validation.
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        httpsPort: int(443, 1, 65535),
        caFile: str,
        createIdentities: { type: 'boolean', default: true },
        identitiesPerSecond: int(50, 1, 10_000),
        identitiesPerConnection: int(1000, 1, 100_000),
        reconnect: section({ minDelayMs: int(1000, 10, 600_000), maxDelayMs: int(60_000, 100, 3_600_000) }),
        bridge: {
          type: 'object',
          additionalProperties: false,
          required: ['url'],
          properties: {
            url: { type: 'string', pattern: '^mqtts?://' },
            clientId: str,
            username: str,
            password: { type: 'string' },
            caFile: str,
            telemetryTopic: { type: 'string', minLength: 1, default: 'fieldhub/{deviceId}/messages' },
            commandTopic: str,
          },
        },
        outbox: section({
          maxBytes: int(268_435_456, 65_536),
          ttlMs: int(604_800_000, 1000),
          fullPolicy: { enum: ['reject', 'dropOldest'], default: 'reject' },
          drainShare: { type: 'number', minimum: 0.05, maximum: 1, default: 0.5 },
          maxInFlight: int(256, 1, 10_000),
        }),
      },
      // connectionString (amqp) or bridge (mqtt-bridge) is required: checked in gateway-config.ts.
    },
    modules: mapOf({
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { type: 'string', minLength: 1 },
        enabled: { type: 'boolean', default: true },
        dependsOn: { type: 'array', items: { type: 'string', pattern: NAME_PATTERN }, default: [] },
        config: { type: 'object', default: {} },
      },
    }),
    sinks: mapOf({
      type: 'object',
      required: ['type'],
      properties: { type: { enum: ['file', 'mqtt'] } },
      // if/then rather than oneOf: ajv fills defaults inside `then`, never inside oneOf.
      allOf: [
        {
          if: { properties: { type: { const: 'file' } } },
          then: {
            additionalProperties: false,
            required: ['path'],
            properties: {
              type: { const: 'file' }, path: str, maxBytes: int(10_485_760, 1024), maxFiles: int(5, 1, 1000),
              fsync: { type: 'boolean', default: false },
            },
          },
        },
        {
          if: { properties: { type: { const: 'mqtt' } } },
          then: {
            additionalProperties: false,
            required: ['url'],
            properties: {
              type: { const: 'mqtt' }, url: { type: 'string', pattern: '^mqtts?://' },
              topic: { type: 'string', minLength: 1, default: 'fieldhub/{deviceId}/messages' },
              qos: { enum: [0, 1], default: 1 }, clientId: str, username: str, password: { type: 'string' }, caFile: str,
            },
          },
        },
      ],
    }),
    routes: mapOf({ type: 'string', minLength: 1 }),
  };
}
