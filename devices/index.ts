/**
 * The public face of devices/ for the device modules: profile types, the loader, the error
 * catalogue and the value codecs (Modbus registers, GATT bytes, serial fields, NMEA).
 */
export type * from './profile.js';
export { BLE_DECODE_TYPES, BLE_MODES, BYTE_ORDERS, MODBUS_TABLES, MODBUS_TYPES, PROTOCOLS, SERIAL_PARSERS, SERIAL_VALUE_TYPES } from './profile.js';
export { profileSchema } from './profile-schema.js';
export { BUILTIN_PROFILES_DIR, findProfileFile, loadProfile, loadProfileFile, loadProfiles, parseProfile, type LoadProfileOptions } from './loader.js';
export { ProfileError, ProfileErrorCodes, isProfileError, type ProfileErrorCode } from './errors.js';
export { bitRange, decodeRegisters, encodeRegisters, needsCurrentValue, registerCount, type RawValue, type RegisterLayout } from './codecs/modbus-registers.js';
export { assertModbusWritable, decodeModbusPoint, encodeModbusPoint, isBitTable, pointWidth, type PointValue } from './codecs/modbus-point.js';
export { BLE_TYPE_SIZES, decodeBlePoint, decodeBleValue, encodeBlePoint, encodeBleValue } from './codecs/ble-value.js';
export { expandBleUuid, sameBleUuid } from './codecs/ble-uuid.js';
export { decodeFloat11073, decodeSfloat16, encodeFloat11073, encodeSfloat16 } from './codecs/ieee11073.js';
export { decodeSerialPoint } from './codecs/serial-value.js';
export { nmeaCoordinate, nmeaFields, parseNmeaSentence, type NmeaSentence, type NmeaValue } from './codecs/nmea-fields.js';
export { applyScale, decimalsOf, invertScale } from './codecs/scale.js';
export { findPoint, writablePoint } from './points.js';
