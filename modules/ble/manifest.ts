/**
 * The ble module's manifest and config: the adapter, the connection slots and turn length, the
 * allow-lists that decide which discovered peripherals count at all, the devices (a hub identity
 * and a profile each, matched by address or by advertised name), reconnect backoff, and the
 * bounds on connects, GATT operations and writes. The JSON schema fills the defaults.
 */
import type { ModuleManifest } from '../../runtime/modules/api.js';

export interface BleDeviceConfig {
  /** The hub identity (a leaf device of the gateway). */
  readonly deviceId: string;
  /** Profile id (searched in `profileDirs`, then the built-in profiles) or a path to a profile file. */
  readonly profile: string;
  /** Bluetooth address `AA:BB:CC:DD:EE:FF` (any case). */
  readonly address?: string;
  /** Advertised name: exact, or a prefix with a trailing `*` (`LYWSD03MMC*`). With `address`, both must match. */
  readonly name?: string;
  /** Overrides the module's and the profile's default poll interval (points with their own interval keep it). */
  readonly pollIntervalS?: number;
}

export interface BleAllowList {
  /** Addresses admitted from discovery. */
  readonly addresses: readonly string[];
  /** Names admitted from discovery: exact, or a prefix with a trailing `*`. */
  readonly names: readonly string[];
}

export interface BleConfig {
  /** Adapter name (`hci0`); default: the first adapter BlueZ lists. */
  readonly adapter?: string;
  /** Connections held at once on the adapter. Default 3. */
  readonly maxConnections: number;
  /** When devices wait for a slot, how long a connected device keeps its slot, s. Default 10. */
  readonly dwellS: number;
  /** Default poll interval of `read` points for every device, s; overrides the profiles' defaults. */
  readonly pollIntervalS?: number;
  /** Folders searched for profile ids before the built-in profiles. */
  readonly profileDirs: readonly string[];
  readonly discovery: {
    /** Which discovered peripherals count; both empty admits every one. Configured addresses are always admitted. */
    readonly allow: BleAllowList;
    /** Seconds between looks at what discovery found. Default 10. */
    readonly intervalS: number;
  };
  readonly devices: readonly BleDeviceConfig[];
  /** After a failed or lost connection (and while the adapter is missing): first delay, doubling up to the cap. */
  readonly reconnect: { readonly minDelayMs: number; readonly maxDelayMs: number };
  /** Bound on connecting, services resolved included, ms. Default 15000. */
  readonly connectTimeoutMs: number;
  /** Bound on one GATT read, write or subscribe, ms. Default 10000. */
  readonly gattTimeoutMs: number;
  /** How long a write (method or desired property) may wait for its device's turn, ms. Default 20000. */
  readonly writeTimeoutMs: number;
}

const ADDRESS = '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$';
const NAME_PATTERN = { type: 'string', minLength: 1, maxLength: 248 };

export const bleManifest: ModuleManifest = {
  type: 'ble',
  version: '1.0.0',
  description: 'Bluetooth Low Energy GATT devices through BlueZ (node-ble, D-Bus), described by profiles, as hub identities: polled reads, notifications, writes from direct methods and desired properties, a fair scheduler for a limited number of connections',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['devices'],
    properties: {
      adapter: { type: 'string', pattern: '^[A-Za-z0-9_]{1,32}$' },
      maxConnections: { type: 'integer', minimum: 1, maximum: 32, default: 3 },
      dwellS: { type: 'number', minimum: 0.1, maximum: 3600, default: 10 },
      pollIntervalS: { type: 'number', minimum: 0.1, maximum: 86_400 },
      profileDirs: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
      discovery: {
        type: 'object',
        additionalProperties: false,
        default: {},
        properties: {
          allow: {
            type: 'object',
            additionalProperties: false,
            default: {},
            properties: {
              addresses: { type: 'array', items: { type: 'string', pattern: ADDRESS }, default: [] },
              names: { type: 'array', items: NAME_PATTERN, default: [] },
            },
          },
          intervalS: { type: 'number', minimum: 0.1, maximum: 3600, default: 10 },
        },
      },
      devices: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['deviceId', 'profile'],
          // A device is found by address, by name, or by both.
          anyOf: [{ properties: { address: { type: 'string' } }, required: ['address'] }, { properties: { name: { type: 'string' } }, required: ['name'] }],
          properties: {
            deviceId: { type: 'string', pattern: "^[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}$" },
            profile: { type: 'string', minLength: 1 },
            address: { type: 'string', pattern: ADDRESS },
            name: NAME_PATTERN,
            pollIntervalS: { type: 'number', minimum: 0.1, maximum: 86_400 },
          },
        },
      },
      reconnect: {
        type: 'object',
        additionalProperties: false,
        default: {},
        properties: {
          minDelayMs: { type: 'integer', minimum: 10, maximum: 600_000, default: 1000 },
          maxDelayMs: { type: 'integer', minimum: 10, maximum: 3_600_000, default: 60_000 },
        },
      },
      connectTimeoutMs: { type: 'integer', minimum: 100, maximum: 120_000, default: 15_000 },
      gattTimeoutMs: { type: 'integer', minimum: 100, maximum: 120_000, default: 10_000 },
      writeTimeoutMs: { type: 'integer', minimum: 100, maximum: 300_000, default: 20_000 },
    },
  },
};
