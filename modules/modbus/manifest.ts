/**
 * The modbus module's manifest and config: the ports (RTU serial lines and TCP connections, one
 * arbiter each), the devices on them (hub identity, profile, unit id, timeouts), read coalescing,
 * and the backoff of failing slaves and lost ports. The JSON schema fills the defaults.
 */
import type { ModuleManifest } from '../../runtime/modules/api.js';

export interface RtuPortConfig {
  readonly kind: 'rtu';
  /** Serial device, e.g. /dev/ttyUSB0. */
  readonly path: string;
  /** Default 9600. */
  readonly baudRate: number;
  /** Default none. */
  readonly parity: 'none' | 'even' | 'odd';
  /** Default 8. */
  readonly dataBits: 7 | 8;
  /** Default 1. */
  readonly stopBits: 1 | 2;
  /** Silence between frames, ms; default t3.5 from the baud rate (frame-timing.ts). */
  readonly interFrameDelayMs?: number;
}

export interface TcpPortConfig {
  readonly kind: 'tcp';
  readonly host: string;
  /** Default 502. */
  readonly port: number;
  /** Default 5000. */
  readonly connectTimeoutMs: number;
}

export type PortConfig = RtuPortConfig | TcpPortConfig;

export interface DeviceConfig {
  /** The hub identity (a leaf device of the gateway). */
  readonly deviceId: string;
  /** Profile id (searched in `profileDirs`, then the built-in profiles) or a path to a profile file. */
  readonly profile: string;
  /** Name of a port in `ports`. */
  readonly port: string;
  /** Modbus unit (slave) id: 1..247 on RTU; 0..255 on TCP. */
  readonly unitId: number;
  /** Overrides the profile's default poll interval (points with their own interval keep it). */
  readonly pollIntervalS?: number;
  /** Answer timeout per request, ms. Default 1000. */
  readonly timeoutMs: number;
  /** Further attempts after a timeout or a bad answer. Default 1. */
  readonly retries: number;
}

export interface ModbusConfig {
  readonly ports: Readonly<Record<string, PortConfig>>;
  readonly devices: readonly DeviceConfig[];
  /** Read neighbouring points in one request. Default true. */
  readonly coalesce: boolean;
  /** Overrides every profile's `defaults.modbus.maxGap` (registers). */
  readonly maxGap?: number;
  /** Folders searched for profile ids before the built-in profiles. */
  readonly profileDirs: readonly string[];
  /** Slave backoff: after `afterFailures` failed poll cycles in a row, polls are spaced out (doubling, capped at `maxDelayS`). */
  readonly backoff: { readonly afterFailures: number; readonly maxDelayS: number };
  /** Reopening a lost or unopenable port: first delay, doubling up to the cap. */
  readonly reopen: { readonly minDelayMs: number; readonly maxDelayMs: number };
}

const rtuPort = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'path'],
  properties: {
    kind: { const: 'rtu' },
    path: { type: 'string', minLength: 1 },
    baudRate: { type: 'integer', minimum: 300, maximum: 4_000_000, default: 9600 },
    parity: { enum: ['none', 'even', 'odd'], default: 'none' },
    dataBits: { enum: [7, 8], default: 8 },
    stopBits: { enum: [1, 2], default: 1 },
    interFrameDelayMs: { type: 'number', minimum: 0, maximum: 1000 },
  },
};

const tcpPort = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'host'],
  properties: {
    kind: { const: 'tcp' },
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 1, maximum: 65_535, default: 502 },
    connectTimeoutMs: { type: 'integer', minimum: 100, maximum: 120_000, default: 5000 },
  },
};

export const modbusManifest: ModuleManifest = {
  type: 'modbus',
  version: '1.0.0',
  description: 'Modbus RTU and TCP devices described by profiles, as hub identities: polled telemetry, reported properties, writes from desired properties and direct methods',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['ports', 'devices'],
    properties: {
      ports: {
        type: 'object',
        propertyNames: { pattern: '^[A-Za-z0-9_.-]{1,64}$' },
        // `kind` picks the branch (if/then rather than oneOf: defaults are then filled from the right branch only).
        additionalProperties: {
          type: 'object',
          required: ['kind'],
          properties: { kind: { enum: ['rtu', 'tcp'] } },
          if: { properties: { kind: { const: 'rtu' } } },
          then: rtuPort,
          else: tcpPort,
        },
      },
      devices: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['deviceId', 'profile', 'port', 'unitId'],
          properties: {
            deviceId: { type: 'string', pattern: "^[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}$" },
            profile: { type: 'string', minLength: 1 },
            port: { type: 'string', minLength: 1 },
            unitId: { type: 'integer', minimum: 0, maximum: 255 },
            pollIntervalS: { type: 'number', minimum: 0.05, maximum: 86_400 },
            timeoutMs: { type: 'integer', minimum: 10, maximum: 60_000, default: 1000 },
            retries: { type: 'integer', minimum: 0, maximum: 10, default: 1 },
          },
        },
      },
      coalesce: { type: 'boolean', default: true },
      maxGap: { type: 'integer', minimum: 0, maximum: 125 },
      profileDirs: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
      backoff: {
        type: 'object',
        additionalProperties: false,
        default: {},
        properties: {
          afterFailures: { type: 'integer', minimum: 1, maximum: 100, default: 3 },
          maxDelayS: { type: 'number', minimum: 1, maximum: 86_400, default: 300 },
        },
      },
      reopen: {
        type: 'object',
        additionalProperties: false,
        default: {},
        properties: {
          minDelayMs: { type: 'integer', minimum: 10, maximum: 600_000, default: 500 },
          maxDelayMs: { type: 'integer', minimum: 10, maximum: 3_600_000, default: 30_000 },
        },
      },
    },
  },
};
