/**
 * Modbus failures as coded errors (codes in modules/errors.ts): what modbus-serial raises (plain
 * errors with `modbusCode`, `errno` or a message) becomes FH_MODBUS_EXCEPTION (with the exception
 * code and its name [MODBUS-AP 7]), FH_MODBUS_TIMEOUT, FH_MODBUS_CRC or FH_MODBUS_PORT, and each
 * code maps to the status a direct method answers with.
 */
import { FieldhubError } from '../../hub-core/errors.js';
import { ModuleError, type ModuleErrorCode } from '../errors.js';

/** Exception codes and names [MODBUS-AP 7, "MODBUS Exception Codes"]. */
export const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  1: 'ILLEGAL FUNCTION',
  2: 'ILLEGAL DATA ADDRESS',
  3: 'ILLEGAL DATA VALUE',
  4: 'SERVER DEVICE FAILURE',
  5: 'ACKNOWLEDGE',
  6: 'SERVER DEVICE BUSY',
  8: 'MEMORY PARITY ERROR',
  10: 'GATEWAY PATH UNAVAILABLE',
  11: 'GATEWAY TARGET DEVICE FAILED TO RESPOND',
};

export type ModbusErrorCode = Extract<ModuleErrorCode, `FH_MODBUS_${string}`>;

/** A Modbus failure; `exceptionCode`/`exceptionName` only for FH_MODBUS_EXCEPTION. */
export class ModbusError extends ModuleError {
  declare readonly code: ModbusErrorCode;
  readonly exceptionCode?: number;
  readonly exceptionName?: string;
  constructor(code: ModbusErrorCode, message: string, options: { cause?: unknown; exceptionCode?: number } = {}) {
    const retryable = code === 'FH_MODBUS_TIMEOUT' || code === 'FH_MODBUS_CRC' || code === 'FH_MODBUS_PORT' || code === 'FH_MODBUS_BUSY';
    super(code, message, { cause: options.cause, retryable });
    this.name = 'ModbusError';
    if (options.exceptionCode !== undefined) {
      this.exceptionCode = options.exceptionCode;
      this.exceptionName = EXCEPTION_NAMES[options.exceptionCode] ?? 'UNKNOWN EXCEPTION';
    }
  }

  /** The error as health details and method payloads show it. */
  override toJSON(): { code: string; message: string; exceptionCode?: number; exceptionName?: string } {
    return {
      code: this.code,
      message: this.message,
      ...(this.exceptionCode !== undefined ? { exceptionCode: this.exceptionCode, exceptionName: this.exceptionName! } : {}),
    };
  }
}

/** Where a request went, for messages. */
export interface RequestSite {
  readonly port: string;
  readonly unitId: number;
  readonly what: string;
}

interface LibraryError {
  message?: unknown;
  errno?: unknown;
  code?: unknown;
  modbusCode?: unknown;
}

/** Classifies whatever modbus-serial (or the port) threw. */
export function toModbusError(err: unknown, site: RequestSite): ModbusError {
  if (err instanceof ModbusError) return err;
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as LibraryError;
  const text = typeof e.message === 'string' ? e.message : String(err);
  const where = `${site.port} unit ${site.unitId} ${site.what}`;
  if (typeof e.modbusCode === 'number') {
    const name = EXCEPTION_NAMES[e.modbusCode] ?? 'UNKNOWN EXCEPTION';
    return new ModbusError('FH_MODBUS_EXCEPTION', `${where}: exception ${e.modbusCode} ${name}`, { cause: err, exceptionCode: e.modbusCode });
  }
  if (e.errno === 'ETIMEDOUT' || text === 'Timed out') return new ModbusError('FH_MODBUS_TIMEOUT', `${where}: no answer in time`, { cause: err });
  if (/CRC error|Data length error|Unexpected data error/.test(text)) return new ModbusError('FH_MODBUS_CRC', `${where}: bad answer (${text})`, { cause: err });
  return new ModbusError('FH_MODBUS_PORT', `${where}: port failure (${text})`, { cause: err });
}

/**
 * The direct method status for a write that failed with `err`: 400 for a request the profile
 * refuses (unknown point, not writable, bad value: FH_PROFILE_*), 502 when the slave or the line
 * failed, 504 when the slave did not answer, 503 when too many writes are pending.
 */
export function methodStatusFor(err: unknown): number {
  if (!(err instanceof FieldhubError)) return 500;
  if (err.code.startsWith('FH_PROFILE_')) return 400;
  switch (err.code) {
    case 'FH_MODBUS_TIMEOUT': return 504;
    case 'FH_MODBUS_BUSY': return 503;
    case 'FH_MODBUS_EXCEPTION':
    case 'FH_MODBUS_CRC':
    case 'FH_MODBUS_PORT': return 502;
    default: return 500;
  }
}
