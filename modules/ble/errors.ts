/**
 * BLE failures as coded errors (codes in modules/errors.ts): FH_BLE_ADAPTER, FH_BLE_CONNECT,
 * FH_BLE_DISCONNECTED, FH_BLE_GATT, FH_BLE_TIMEOUT, FH_BLE_BUSY; how BlueZ's D-Bus errors
 * (`org.bluez.Error.*`, what node-ble rethrows) read; the bound every D-Bus call gets (a call on a
 * dead bus never settles); and the status a direct method answers with for each code.
 */
import { FieldhubError } from '../../hub-core/errors.js';
import type { JsonObject } from '../../runtime/modules/api.js';
import { ModuleError, type ModuleErrorCode } from '../errors.js';

export type BleErrorCode = Extract<ModuleErrorCode, `FH_BLE_${string}`>;

const RETRYABLE: ReadonlySet<BleErrorCode> = new Set(['FH_BLE_ADAPTER', 'FH_BLE_CONNECT', 'FH_BLE_DISCONNECTED', 'FH_BLE_TIMEOUT', 'FH_BLE_BUSY']);

/** A BLE failure; `dbusError` is BlueZ's error name when there was one (`org.bluez.Error.Failed`). */
export class BleError extends ModuleError {
  declare readonly code: BleErrorCode;
  readonly dbusError?: string;
  constructor(code: BleErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { cause: options.cause, retryable: RETRYABLE.has(code) });
    this.name = 'BleError';
    const name = dbusErrorName(options.cause);
    if (name !== undefined) this.dbusError = name;
  }

  override toJSON(): { code: string; message: string; dbusError?: string } {
    return { code: this.code, message: this.message, ...(this.dbusError !== undefined ? { dbusError: this.dbusError } : {}) };
  }
}

/** The D-Bus error name dbus-next puts on a failed call (`type`), if any. */
export function dbusErrorName(err: unknown): string | undefined {
  const type = (err as { type?: unknown } | null | undefined)?.type;
  return typeof type === 'string' && type.includes('.') ? type : undefined;
}

/** What went wrong, for messages: BlueZ's error name and text, or the error's message. */
export function describeCause(err: unknown): string {
  const name = dbusErrorName(err);
  const text = err instanceof Error ? err.message : String(err);
  return name !== undefined && !text.includes(name) ? `${name}: ${text}` : text;
}

/** `err` as a BleError with `code` (kept when it already is one). */
export function toBleError(err: unknown, code: BleErrorCode, where: string): BleError {
  if (err instanceof BleError) return err;
  return new BleError(code, `${where}: ${describeCause(err)}`, { cause: err });
}

/** An error as health details and method payloads show it. */
export function errorJson(err: unknown): JsonObject {
  if (err instanceof BleError) return err.toJSON() as JsonObject;
  if (err instanceof FieldhubError) return { code: err.code, message: err.message };
  return { code: 'FH_INTERNAL', message: String(err) };
}

/**
 * Settles with `promise`, or rejects with `onTimeout()` after `ms` (or with `cancel.error()` once
 * `cancel.signal` aborts). A D-Bus call on a connection that broke never settles, so every call
 * the module makes goes through this.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error, cancel?: { signal: AbortSignal; error: () => Error }): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
    if (cancel !== undefined) {
      onAbort = () => reject(cancel.error());
      if (cancel.signal.aborted) onAbort();
      else cancel.signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  // The loser must not become an unhandled rejection.
  promise.catch(() => undefined);
  return Promise.race([promise, deadline]).finally(() => {
    clearTimeout(timer);
    if (onAbort !== undefined) cancel?.signal.removeEventListener('abort', onAbort);
  });
}

/**
 * The direct method status for a write that failed with `err`: 400 for a request the profile
 * refuses (FH_PROFILE_*), 502 when the device or the link failed, 504 on a timeout, 503 when too
 * many writes are pending.
 */
export function methodStatusFor(err: unknown): number {
  if (!(err instanceof FieldhubError)) return 500;
  if (err.code.startsWith('FH_PROFILE_')) return 400;
  switch (err.code) {
    case 'FH_BLE_TIMEOUT': return 504;
    case 'FH_BLE_BUSY': return 503;
    case 'FH_BLE_GATT':
    case 'FH_BLE_CONNECT':
    case 'FH_BLE_DISCONNECTED':
    case 'FH_BLE_ADAPTER': return 502;
    default: return 500;
  }
}
