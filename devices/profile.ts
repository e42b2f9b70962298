/**
 * The device profile types: what a profile file says (`ProfileDocument`, optional fields as
 * written) and what the loader returns (`DeviceProfile`, a discriminated union on `protocol` with
 * every default filled and inherited, deep-frozen). A profile is data: the device's points and how
 * each maps to a Modbus register or coil, a GATT characteristic, or a serial parser field. The
 * value lists (`MODBUS_TYPES`, `BLE_DECODE_TYPES`, …) are shared with the JSON schema.
 */

export const PROTOCOLS = ['modbus', 'ble', 'serial'] as const;
/** How the gateway talks to the device. */
export type Protocol = (typeof PROTOCOLS)[number];

export const BYTE_ORDERS = ['BE', 'LE'] as const;
/** Byte order within a register (BE: AB, high byte first) or word order of 32/64-bit values (BE: high word first). */
export type ByteOrder = (typeof BYTE_ORDERS)[number];

export const MODBUS_TABLES = ['coil', 'discrete', 'input', 'holding'] as const;
export type ModbusTable = (typeof MODBUS_TABLES)[number];

export const MODBUS_TYPES = ['bool', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64', 'string', 'bitfield'] as const;
export type ModbusType = (typeof MODBUS_TYPES)[number];

/**
 * GATT value decoders. Beyond devices.md's list: `uint24le` (GATT illuminance and other 24-bit
 * fields), `uint32be`, `int32be`, `float32be`, `float64le`, and `float11073` (IEEE-11073 32-bit
 * FLOAT, "FLOAT" in GATT: Health Thermometer 0x2A1C, Weight, Glucose). `sfloat16` is the 16-bit
 * IEEE-11073 SFLOAT. All multi-byte integers are two's complement where signed.
 */
export const BLE_DECODE_TYPES = [
  'uint8', 'int8', 'uint16le', 'uint16be', 'int16le', 'int16be', 'uint24le', 'uint32le', 'uint32be', 'int32le', 'int32be',
  'float32le', 'float32be', 'float64le', 'sfloat16', 'float11073', 'utf8',
] as const;
export type BleDecodeType = (typeof BLE_DECODE_TYPES)[number];

export const BLE_MODES = ['read', 'notify'] as const;
/** `read`: polled every `pollIntervalS`; `notify`: subscribed (BlueZ StartNotify covers indications too). */
export type BleMode = (typeof BLE_MODES)[number];

export const SERIAL_VALUE_TYPES = ['number', 'string', 'bool'] as const;
export type SerialValueType = (typeof SERIAL_VALUE_TYPES)[number];

export const SERIAL_PARSERS = ['nmea', 'json', 'regex', 'lines'] as const;
/** The serial parser whose output fields the points name (see the serial module). */
export type SerialParser = (typeof SERIAL_PARSERS)[number];

/** Who may write a point: desired property `<name>` and/or direct method `write` `{point, value}`. */
export interface WriteAccess {
  readonly desired: boolean;
  readonly method: boolean;
}

/** Where a Modbus point lives and how its registers decode. */
export interface ModbusPointSpec {
  readonly table: ModbusTable;
  /** 0-based register or coil address (protocol address, not the 3xxxx/4xxxx documentation number). */
  readonly address: number;
  /** Value type. Defaults to `bool` on coil/discrete; required on registers. */
  readonly type: ModbusType;
  /** Bit 0..15 of the register: the bit of a `bool` on a register, or the first bit of a `bitfield`. */
  readonly bit?: number;
  /** Added: width in bits of a `bitfield` (1..16, bit + bits <= 16). Default 16 without `bit`, 1 with it. */
  readonly bits?: number;
  /** Registers of a `string` (2 Latin-1 characters each). */
  readonly length?: number;
  /** Byte order within each register. Inherited from `defaults.modbus.byteOrder` (BE). */
  readonly byteOrder: ByteOrder;
  /** Word order of 32/64-bit values. Inherited from `defaults.modbus.wordOrder` (BE). */
  readonly wordOrder: ByteOrder;
}

/** How to decode a GATT characteristic value (or a slice of it). */
export interface BleDecode {
  readonly type: BleDecodeType;
  /** Multiplies the decoded number (the unit of the encoding, e.g. 0.01 °C). Default 1. */
  readonly scale: number;
  /** Byte offset into the characteristic value. Default 0. */
  readonly offset: number;
  /** Added: bytes of a `utf8` value from `offset` (default: to the end). */
  readonly length?: number;
}

export interface BlePointSpec {
  /** Service UUID, expanded by the loader to 128-bit lowercase (`0000181a-0000-1000-8000-00805f9b34fb`). */
  readonly service: string;
  /** Characteristic UUID, expanded like `service`. */
  readonly characteristic: string;
  readonly decode: BleDecode;
  /** Inherited from `defaults.ble.mode` (read). */
  readonly mode: BleMode;
}

export interface SerialPointSpec {
  /** The parser output field: a regex named group, a JSON key, or an NMEA field name (codecs/nmea-fields.ts). */
  readonly field: string;
  readonly type: SerialValueType;
  /** Added: for the NMEA parser, the sentence type the field is taken from (`GGA`, `RMC`); any when absent. */
  readonly sentence?: string;
}

/** One point of a profile: a value the device has, as telemetry and/or reported property. */
export interface ProfilePoint {
  /** `[A-Za-z][A-Za-z0-9_]*`, unique in the profile: the telemetry / property key. */
  readonly name: string;
  readonly unit?: string;
  /** Added: free text for people. */
  readonly description?: string;
  /** value = raw × scale + offset (numbers only). Default 1; never 0. */
  readonly scale: number;
  /** Default 0. */
  readonly offset: number;
  /** Sent as telemetry. Default true. */
  readonly telemetry: boolean;
  /** Also kept in reported properties. Default false. */
  readonly reported: boolean;
  /** Seconds between reads. Inherited from `defaults.pollIntervalS` (10). */
  readonly pollIntervalS: number;
  /** `false`, or who may write it (`writable: true` in a file means both). */
  readonly writable: false | WriteAccess;
  /** Added: lowest value a write may set, in engineering units (after scale/offset). */
  readonly min?: number;
  /** Added: highest value a write may set, in engineering units. */
  readonly max?: number;
  readonly modbus?: ModbusPointSpec;
  readonly ble?: BlePointSpec;
  readonly serial?: SerialPointSpec;
}

export type ModbusProfilePoint = ProfilePoint & { readonly modbus: ModbusPointSpec };
export type BleProfilePoint = ProfilePoint & { readonly ble: BlePointSpec };
export type SerialProfilePoint = ProfilePoint & { readonly serial: SerialPointSpec };

export interface ModbusDefaults {
  readonly byteOrder: ByteOrder;
  readonly wordOrder: ByteOrder;
  /** Most registers one read request may span (1..125; some meters allow fewer). Default 125. */
  readonly maxRegistersPerRead: number;
  /** Most unused registers a coalesced read may bridge between two points. Default 8. */
  readonly maxGap: number;
}

export interface BleDefaults {
  readonly mode: BleMode;
}

/** Added: hints for the serial module; the device instance's config wins over them. */
export interface SerialDefaults {
  readonly parser?: SerialParser;
  /** For parser `regex`: a JavaScript regular expression whose named groups are the fields. */
  readonly pattern?: string;
  /** Frame delimiter for line-based parsers (escape sequences as in YAML double quotes). */
  readonly delimiter?: string;
  readonly baudRate?: number;
}

interface ProfileBase {
  readonly schemaVersion: 1;
  /** `[a-z0-9-]`, unique; equals the file name in a profile folder. */
  readonly id: string;
  readonly name: string;
  readonly manufacturer?: string;
  /** Added: the model designation. */
  readonly model?: string;
  /** Added: free text for people. */
  readonly description?: string;
  /** The file the profile was loaded from (absent for in-memory profiles). */
  readonly file?: string;
}

export interface ModbusProfile extends ProfileBase {
  readonly protocol: 'modbus';
  readonly defaults: { readonly pollIntervalS: number; readonly modbus: ModbusDefaults };
  readonly points: readonly ModbusProfilePoint[];
}

export interface BleProfile extends ProfileBase {
  readonly protocol: 'ble';
  readonly defaults: { readonly pollIntervalS: number; readonly ble: BleDefaults };
  readonly points: readonly BleProfilePoint[];
}

export interface SerialProfile extends ProfileBase {
  readonly protocol: 'serial';
  readonly defaults: { readonly pollIntervalS: number; readonly serial: SerialDefaults };
  readonly points: readonly SerialProfilePoint[];
}

/** A loaded, validated profile with every default filled. Narrow on `protocol`. */
export type DeviceProfile = ModbusProfile | BleProfile | SerialProfile;

/** A profile as written in a file (before defaults); the JSON schema is the exact rule. */
export interface ProfileDocument {
  schemaVersion: 1;
  id: string;
  name: string;
  manufacturer?: string;
  model?: string;
  description?: string;
  protocol: Protocol;
  defaults?: {
    pollIntervalS?: number;
    modbus?: Partial<ModbusDefaults>;
    ble?: Partial<BleDefaults>;
    serial?: SerialDefaults;
  };
  points: Array<{
    name: string;
    unit?: string;
    description?: string;
    scale?: number;
    offset?: number;
    telemetry?: boolean;
    reported?: boolean;
    pollIntervalS?: number;
    writable?: boolean | { desired?: boolean; method?: boolean };
    min?: number;
    max?: number;
    modbus?: Omit<ModbusPointSpec, 'type' | 'byteOrder' | 'wordOrder'> & { type?: ModbusType; byteOrder?: ByteOrder; wordOrder?: ByteOrder };
    ble?: { service: string; characteristic: string; decode: { type: BleDecodeType; scale?: number; offset?: number; length?: number }; mode?: BleMode };
    serial?: SerialPointSpec;
  }>;
}
