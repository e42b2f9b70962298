/**
 * The serial module's config: its TypeScript shape (defaults filled by the host's validator) and
 * the JSON schema in the manifest. One entry per port: the line settings, how bytes are cut into
 * frames, how frames are parsed, the device identities fed from it (one `deviceId` + `profile`,
 * or several `devices`), how telemetry is sent, and named `commands` (direct methods).
 */

export type DataEncoding = 'utf8' | 'hex' | 'base64';
export type TextEncoding = 'utf8' | 'latin1' | 'ascii';

export interface DelimiterFraming {
  readonly kind: 'delimiter';
  /** The delimiter as text (`"\r\n"`); default: the profile's `defaults.serial.delimiter`, else `"\n"`. */
  readonly delimiter?: string;
  /** Or as bytes in hex (`"0d0a"`). */
  readonly delimiterHex?: string;
  /** Default false. */
  readonly includeDelimiter: boolean;
  /** Default 1024. */
  readonly maxFrameBytes: number;
}

export interface FixedFraming {
  readonly kind: 'fixed';
  readonly length: number;
  /** Bytes each frame starts with, hex. */
  readonly syncHex?: string;
}

/** Netty's LengthFieldBasedFrameDecoder parameters; see framing/length-prefixed-framer.ts. */
export interface LengthPrefixedFraming {
  readonly kind: 'lengthPrefixed';
  /** Default 0. */
  readonly lengthOffset: number;
  /** Default 1. */
  readonly lengthBytes: 1 | 2;
  /** Default BE. */
  readonly byteOrder: 'BE' | 'LE';
  /** Default 0. */
  readonly lengthAdjustment: number;
  /** Default 0. */
  readonly stripBytes: number;
  /** Default 1024. */
  readonly maxFrameBytes: number;
  readonly syncHex?: string;
}

export interface TimeoutFraming {
  readonly kind: 'timeout';
  /** Silence that ends a frame, ms. Default 50. */
  readonly silenceMs: number;
  /** Default 1024. */
  readonly maxFrameBytes: number;
}

export type FramingConfig = DelimiterFraming | FixedFraming | LengthPrefixedFraming | TimeoutFraming;

export interface LinesParserConfig {
  readonly kind: 'lines';
  readonly encoding: TextEncoding;
  readonly trim: boolean;
  readonly separator?: string;
  readonly columns?: readonly string[];
}

export interface JsonParserConfig {
  readonly kind: 'json';
  readonly encoding: TextEncoding;
}

export interface NmeaParserConfig {
  readonly kind: 'nmea';
  /** Default true. */
  readonly requireChecksum: boolean;
  readonly sentences?: readonly string[];
}

export interface RegexParserConfig {
  readonly kind: 'regex';
  /** Default: the profile's `defaults.serial.pattern`. */
  readonly pattern?: string;
  /** Default "". */
  readonly flags: string;
  readonly encoding: TextEncoding;
  readonly trim: boolean;
}

export type ParserConfig = LinesParserConfig | JsonParserConfig | NmeaParserConfig | RegexParserConfig;

export interface DeviceConfig {
  /** The hub identity (a leaf device of the gateway). */
  readonly deviceId: string;
  /** Profile id (searched in `profileDirs`, then devices/profiles/) or a path to a profile file. */
  readonly profile: string;
  /** Overrides every point's `pollIntervalS` (telemetry `interval` mode and reported properties). */
  readonly pollIntervalS?: number;
  /** Only frames whose fields equal these values feed this device (several devices on one line). */
  readonly match?: Readonly<Record<string, string | number | boolean>>;
}

export interface CommandConfig {
  /** The bytes to send, with `${name}` placeholders filled from the method payload's fields. */
  readonly data: string;
  /** Default utf8. */
  readonly encoding: DataEncoding;
  /** Append the framing's delimiter. Default false. */
  readonly appendDelimiter: boolean;
  /** Wait this long for the next frame and answer with it. */
  readonly replyTimeoutMs?: number;
}

export interface PortConfig {
  /** Unique among the ports; names the port in health and logs. */
  readonly name: string;
  /** The serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/…. */
  readonly path: string;
  /** Default: the profile's `defaults.serial.baudRate`, else 9600. */
  readonly baudRate?: number;
  /** Default 8. */
  readonly dataBits: 5 | 6 | 7 | 8;
  /** Default none. */
  readonly parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
  /** Default 1. */
  readonly stopBits: 1 | 1.5 | 2;
  /** Default: delimiter framing with the profile's delimiter (else `\n`). */
  readonly framing?: FramingConfig;
  /** Default: the profile's `defaults.serial.parser` (and pattern), else lines. */
  readonly parser?: ParserConfig;
  /** One device on the port: its identity and profile (or use `devices`). */
  readonly deviceId?: string;
  readonly profile?: string;
  readonly pollIntervalS?: number;
  readonly devices?: readonly DeviceConfig[];
  /**
   * `interval` (default): the latest value of each point, sent every `pollIntervalS` when it
   * changed or was received again; `frame`: one message per parsed frame.
   */
  readonly telemetry: 'interval' | 'frame';
  /** Named direct methods (besides `write`) on every device of the port. */
  readonly commands: Readonly<Record<string, CommandConfig>>;
}

export interface SerialConfig {
  readonly ports: readonly PortConfig[];
  /** Folders searched for profile ids before the built-in profiles. */
  readonly profileDirs: readonly string[];
  /** Reopening a lost or unopenable port: first delay, doubling up to the cap. */
  readonly reopen: { readonly minDelayMs: number; readonly maxDelayMs: number };
  /** Frame-mode telemetry messages queued per device before the oldest are dropped (counted). Default 100. */
  readonly maxPendingTelemetry: number;
  /** Writes queued per port before new ones are refused (FH_SERIAL_WRITE_FAILED). Default 16. */
  readonly maxPendingWrites: number;
}

const DEVICE_ID = "^[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}$";
const HEX = '^(?:[0-9A-Fa-f]{2})+$';
const textEncoding = { enum: ['utf8', 'latin1', 'ascii'], default: 'utf8' };
const maxFrameBytes = { type: 'integer', minimum: 1, maximum: 1_048_576, default: 1024 };

/** "Has these keys" as a subschema (ajv's strictRequired wants required keys declared alongside). */
function has(...keys: string[]): { required: string[]; properties: Record<string, true> } {
  return { required: keys, properties: Object.fromEntries(keys.map((k) => [k, true])) };
}

/** `kind` picks the branch (if/then: defaults are filled from the matching branch only). */
function byKind(branches: Record<string, { properties: object; required?: string[]; not?: object }>): object {
  return {
    type: 'object',
    required: ['kind'],
    properties: { kind: { enum: Object.keys(branches) } },
    allOf: Object.entries(branches).map(([kind, b]) => ({
      if: { properties: { kind: { const: kind } } },
      then: { type: 'object', additionalProperties: false, ...b, properties: { kind: { const: kind }, ...b.properties } },
    })),
  };
}

const framingSchema = byKind({
  delimiter: {
    properties: {
      delimiter: { type: 'string', minLength: 1, maxLength: 16 },
      delimiterHex: { type: 'string', pattern: HEX, maxLength: 32 },
      includeDelimiter: { type: 'boolean', default: false },
      maxFrameBytes,
    },
    not: has('delimiter', 'delimiterHex'),
  },
  fixed: {
    required: ['length'],
    properties: { length: { type: 'integer', minimum: 1, maximum: 65_536 }, syncHex: { type: 'string', pattern: HEX, maxLength: 32 } },
  },
  lengthPrefixed: {
    properties: {
      lengthOffset: { type: 'integer', minimum: 0, maximum: 64, default: 0 },
      lengthBytes: { enum: [1, 2], default: 1 },
      byteOrder: { enum: ['BE', 'LE'], default: 'BE' },
      lengthAdjustment: { type: 'integer', minimum: -66, maximum: 1024, default: 0 },
      stripBytes: { type: 'integer', minimum: 0, maximum: 66, default: 0 },
      maxFrameBytes,
      syncHex: { type: 'string', pattern: HEX, maxLength: 32 },
    },
  },
  timeout: {
    properties: { silenceMs: { type: 'integer', minimum: 1, maximum: 60_000, default: 50 }, maxFrameBytes },
  },
});

const parserSchema = byKind({
  lines: {
    properties: {
      encoding: textEncoding,
      trim: { type: 'boolean', default: true },
      separator: { type: 'string', minLength: 1, maxLength: 8 },
      columns: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z_$][\\w$]*$' }, maxItems: 256 },
    },
  },
  json: { properties: { encoding: textEncoding } },
  nmea: {
    properties: {
      requireChecksum: { type: 'boolean', default: true },
      sentences: { type: 'array', items: { type: 'string', pattern: '^[A-Z0-9]{2,6}$' }, minItems: 1 },
    },
  },
  regex: {
    properties: {
      pattern: { type: 'string', minLength: 1, maxLength: 1000 },
      flags: { type: 'string', pattern: '^[imsu]*$', default: '' },
      encoding: textEncoding,
      trim: { type: 'boolean', default: true },
    },
  },
});

const pollIntervalS = { type: 'number', minimum: 0.05, maximum: 86_400 };

const deviceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['deviceId', 'profile'],
  properties: {
    deviceId: { type: 'string', pattern: DEVICE_ID },
    profile: { type: 'string', minLength: 1 },
    pollIntervalS,
    match: { type: 'object', minProperties: 1, additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } },
  },
};

const commandSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['data'],
  properties: {
    data: { type: 'string', maxLength: 4096 },
    encoding: { enum: ['utf8', 'hex', 'base64'], default: 'utf8' },
    appendDelimiter: { type: 'boolean', default: false },
    replyTimeoutMs: { type: 'integer', minimum: 1, maximum: 60_000 },
  },
};

const portSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'path'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
    path: { type: 'string', minLength: 1 },
    baudRate: { type: 'integer', minimum: 50, maximum: 4_000_000 },
    dataBits: { enum: [5, 6, 7, 8], default: 8 },
    parity: { enum: ['none', 'even', 'odd', 'mark', 'space'], default: 'none' },
    stopBits: { enum: [1, 1.5, 2], default: 1 },
    framing: framingSchema,
    parser: parserSchema,
    deviceId: { type: 'string', pattern: DEVICE_ID },
    profile: { type: 'string', minLength: 1 },
    pollIntervalS,
    devices: { type: 'array', items: deviceSchema, minItems: 1 },
    telemetry: { enum: ['interval', 'frame'], default: 'interval' },
    commands: {
      type: 'object',
      default: {},
      // `write` is the built-in raw write method.
      propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_.-]{0,63}$', not: { const: 'write' } },
      additionalProperties: commandSchema,
    },
  },
  // Either one device (deviceId + profile) or a devices list.
  oneOf: [
    { ...has('deviceId', 'profile'), not: has('devices') },
    { ...has('devices'), not: { anyOf: [has('deviceId'), has('profile'), has('pollIntervalS')] } },
  ],
};

export const serialConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['ports'],
  properties: {
    ports: { type: 'array', items: portSchema },
    profileDirs: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
    reopen: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        minDelayMs: { type: 'integer', minimum: 10, maximum: 600_000, default: 500 },
        maxDelayMs: { type: 'integer', minimum: 10, maximum: 3_600_000, default: 30_000 },
      },
    },
    maxPendingTelemetry: { type: 'integer', minimum: 1, maximum: 100_000, default: 100 },
    maxPendingWrites: { type: 'integer', minimum: 1, maximum: 1000, default: 16 },
  },
};
