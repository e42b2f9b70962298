/**
 * The modules/ error catalogue: failures the device modules raise that are theirs alone (the
 * serial module's port, framing and parsing problems). Codes are API (stable,
 * `FH_<AREA>_<WHAT>`); messages are not. docs/errors.md lists them in its "modules" section and
 * a drift test checks both ways. (The Modbus codes predate this file and live in runtime/errors.ts.)
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
