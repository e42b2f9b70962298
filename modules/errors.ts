/**
 * The modules/ error catalogue: failures the device modules raise that are theirs alone (the
 * serial module's port, framing and parsing problems; the ble module's adapter, connection and GATT problems). Codes are API (stable,
 * `FH_<AREA>_<WHAT>`); messages are not. docs/errors.md lists them in its "modules" section and
 * a drift test checks both ways.
 */
import { FieldhubError } from '../hub-core/errors.js';

/** Every code modules/ raises, with what it means. */
export const ModuleErrorCodes = {
  FH_SERIAL_OPEN_FAILED: 'A serial port cannot be opened (no such device, permission, busy); it is retried with capped backoff.',
  FH_SERIAL_PORT_LOST: 'An open serial port closed or failed (a USB adapter unplugged); it is reopened with capped backoff.',
  FH_SERIAL_FRAME_TOO_LARGE: 'A serial frame grew past the framing\u2019s maxFrameBytes (or a length field claimed more); it is dropped and counted.',
  FH_SERIAL_PARSE_ERROR: 'A serial frame did not parse (bad JSON, NMEA checksum, no regex match); it is dropped and counted.',
  FH_SERIAL_WRITE_INVALID: 'A serial write or command was refused before sending: bad data for its encoding, a missing template parameter.',
  FH_SERIAL_WRITE_FAILED: 'Bytes could not be written to a serial port: the port is not open, the write failed, or too many writes are pending.',
  FH_SERIAL_REPLY_TIMEOUT: 'A serial write that waits for a reply got no frame back in time.',
  FH_BLE_ADAPTER: 'The Bluetooth adapter is missing or unusable (no adapter, BlueZ or D-Bus not reachable, powered off); the ble module retries with capped backoff.',
  FH_BLE_CONNECT: 'Connecting to a BLE device failed or timed out (services not resolved in time); the device is retried with capped backoff, the others go on.',
  FH_BLE_DISCONNECTED: 'A BLE device dropped its connection; it is reconnected with capped backoff.',
  FH_BLE_GATT: 'A GATT read, write or notification subscription failed, or the device lacks a characteristic its profile names.',
  FH_BLE_TIMEOUT: 'A BLE operation got no answer in time, or a write waited longer than writeTimeoutMs for its device.',
  FH_BLE_BUSY: 'Too many writes are pending for one BLE device; retry later.',
  FH_MODBUS_EXCEPTION: 'A Modbus slave answered with an exception (the error carries the exception code and name); the slave is alive.',
  FH_MODBUS_TIMEOUT: 'A Modbus slave did not answer within the device\u2019s timeoutMs (after its retries); after repeated failures it is polled less often.',
  FH_MODBUS_CRC: 'A Modbus answer failed its CRC check or was malformed (wrong length, unit or function); the request is retried.',
  FH_MODBUS_PORT: 'A Modbus port (serial device or TCP connection) cannot be opened or was lost; it is reopened with capped backoff.',
  FH_MODBUS_BUSY: 'Too many writes are pending for one Modbus device; retry later.',
} as const;

export type ModuleErrorCode = keyof typeof ModuleErrorCodes;

/** A modules/ error with a code from {@link ModuleErrorCodes}. */
export class ModuleError extends FieldhubError {
  declare readonly code: ModuleErrorCode;
  constructor(code: ModuleErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(code, message, options);
    this.name = 'ModuleError';
  }

  /** The error as health details and method payloads show it. */
  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** True when `err` is a modules/ error (with the given code, when one is given). */
export function isModuleError(err: unknown, code?: ModuleErrorCode): err is ModuleError {
  return err instanceof ModuleError && (code === undefined || err.code === code);
}
