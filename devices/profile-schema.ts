/**
 * The one JSON schema (ajv, draft-07, strict mode) every device profile passes, whatever its
 * protocol. The base schema describes every section; per-protocol rules in `allOf` if/then make a
 * modbus profile's points each need `modbus` (and forbid `ble`/`serial`), and so on. Defaults are
 * filled by ajv (`useDefaults`); what a schema cannot say (unique names, type/table combinations,
 * register ranges) is checked in profile-checks.ts, and inheritance from `defaults` in loader.ts.
 */
import {
  BLE_DECODE_TYPES, BLE_MODES, BYTE_ORDERS, MODBUS_TABLES, MODBUS_TYPES, PROTOCOLS, SERIAL_PARSERS, SERIAL_VALUE_TYPES,
  type Protocol,
} from './profile.js';

/** A 16-bit (`181a`), 32-bit or 128-bit UUID, any case, 128-bit with dashes. */
export const UUID_PATTERN = '^([0-9A-Fa-f]{4}|[0-9A-Fa-f]{8}|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$';
export const PROFILE_ID_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';
export const POINT_NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_]*$';

const pollIntervalS = { type: 'number', exclusiveMinimum: 0, maximum: 86_400 };
const text = { type: 'string', minLength: 1, maxLength: 200 };

const modbusPoint = {
  type: 'object',
  additionalProperties: false,
  required: ['table', 'address'],
  properties: {
    table: { enum: [...MODBUS_TABLES] },
    address: { type: 'integer', minimum: 0, maximum: 65_535 },
    type: { enum: [...MODBUS_TYPES] },
    bit: { type: 'integer', minimum: 0, maximum: 15 },
    bits: { type: 'integer', minimum: 1, maximum: 16 },
    length: { type: 'integer', minimum: 1, maximum: 125 },
    byteOrder: { enum: [...BYTE_ORDERS] },
    wordOrder: { enum: [...BYTE_ORDERS] },
  },
};

const blePoint = {
  type: 'object',
  additionalProperties: false,
  required: ['service', 'characteristic', 'decode'],
  properties: {
    service: { type: 'string', pattern: UUID_PATTERN },
    characteristic: { type: 'string', pattern: UUID_PATTERN },
    decode: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { enum: [...BLE_DECODE_TYPES] },
        scale: { type: 'number', default: 1 },
        offset: { type: 'integer', minimum: 0, maximum: 511, default: 0 },
        length: { type: 'integer', minimum: 1, maximum: 512 },
      },
    },
    mode: { enum: [...BLE_MODES] },
  },
};

const serialPoint = {
  type: 'object',
  additionalProperties: false,
  required: ['field', 'type'],
  properties: {
    field: { type: 'string', minLength: 1, maxLength: 100 },
    type: { enum: [...SERIAL_VALUE_TYPES] },
    sentence: { type: 'string', pattern: '^[A-Z0-9]{2,6}$' },
  },
};

const point = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: POINT_NAME_PATTERN, maxLength: 64 },
    unit: { type: 'string', maxLength: 32 },
    description: text,
    scale: { type: 'number', default: 1 },
    offset: { type: 'number', default: 0 },
    telemetry: { type: 'boolean', default: true },
    reported: { type: 'boolean', default: false },
    pollIntervalS,
    writable: {
      anyOf: [
        { type: 'boolean' },
        { type: 'object', additionalProperties: false, properties: { desired: { type: 'boolean' }, method: { type: 'boolean' } } },
      ],
    },
    min: { type: 'number' },
    max: { type: 'number' },
    modbus: modbusPoint,
    ble: blePoint,
    serial: serialPoint,
  },
};

const defaults = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    pollIntervalS: { ...pollIntervalS, default: 10 },
    modbus: {
      type: 'object',
      additionalProperties: false,
      properties: {
        byteOrder: { enum: [...BYTE_ORDERS], default: 'BE' },
        wordOrder: { enum: [...BYTE_ORDERS], default: 'BE' },
        maxRegistersPerRead: { type: 'integer', minimum: 1, maximum: 125, default: 125 },
        maxGap: { type: 'integer', minimum: 0, maximum: 124, default: 8 },
      },
    },
    ble: {
      type: 'object',
      additionalProperties: false,
      properties: { mode: { enum: [...BLE_MODES], default: 'read' } },
    },
    serial: {
      type: 'object',
      additionalProperties: false,
      properties: {
        parser: { enum: [...SERIAL_PARSERS] },
        pattern: { type: 'string', minLength: 1, maxLength: 1000 },
        delimiter: { type: 'string', minLength: 1, maxLength: 8 },
        baudRate: { type: 'integer', minimum: 50, maximum: 4_000_000 },
      },
    },
  },
};

/** For protocol `p`: every point needs its `p` section; other protocols' sections are refused. */
function protocolRule(p: Protocol): object {
  const others = Object.fromEntries(PROTOCOLS.filter((o) => o !== p).map((o) => [o, false]));
  return {
    if: { type: 'object', required: ['protocol'], properties: { protocol: { const: p } } },
    then: {
      type: 'object',
      properties: {
        defaults: { type: 'object', properties: { [p]: true, ...others } },
        points: { type: 'array', items: { type: 'object', required: [p], properties: { [p]: true, ...others } } },
      },
    },
  };
}

/** The device profile schema (draft-07), for ajv with `strict: true, useDefaults: true, allErrors: true`. */
export const profileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['schemaVersion', 'id', 'name', 'protocol', 'points'],
  properties: {
    schemaVersion: { const: 1 },
    id: { type: 'string', pattern: PROFILE_ID_PATTERN, maxLength: 64 },
    name: text,
    manufacturer: text,
    model: text,
    description: { type: 'string', maxLength: 2000 },
    protocol: { enum: [...PROTOCOLS] },
    defaults,
    points: { type: 'array', minItems: 1, maxItems: 1000, items: point },
  },
  allOf: PROTOCOLS.map(protocolRule),
} as const;
