/**
 * The runtime error catalogue (CLI and configuration). Codes are API (stable, `FH_<AREA>_<WHAT>`);
 * messages are not. hub-core keeps its own catalogue in hub-core/errors.ts; docs/errors.md lists
 * both and a drift test checks it against them.
 */
import { FieldhubError } from '../hub-core/errors.js';

/** Every code the runtime raises, with what it means. */
export const RuntimeErrorCodes = {
  FH_CONFIG_INVALID: 'The configuration breaks its schema; the message lists every error with its JSON path.',
  FH_CONFIG_UNREADABLE: 'The configuration file cannot be read or parsed as YAML/JSON.',
  FH_CLI_USAGE: 'The command line is invalid (unknown option, missing argument, bad value).',
  FH_CLI_NO_HUB: 'No running hub was found: no hub.json in the data folder, or no --hub connection string.',
  FH_CLI_UNREACHABLE: 'The hub did not answer: not running, wrong host or port, or TLS trust failed.',
  FH_CLI_REQUEST_FAILED: 'The hub refused the request; the message carries the hub\u2019s error code.',
  FH_CLI_DEVICE_OFFLINE: 'The device is not connected (or has not subscribed to direct methods).',
  FH_CLI_TIMEOUT: 'The device did not answer the direct method within the timeout.',
} as const;

export type RuntimeErrorCode = keyof typeof RuntimeErrorCodes;

/** Codes that mean "fix the command line or the configuration" (exit code 2). */
const USAGE_CODES: ReadonlySet<string> = new Set<RuntimeErrorCode>(['FH_CLI_USAGE', 'FH_CONFIG_INVALID', 'FH_CONFIG_UNREADABLE']);

/** A runtime error with a code from {@link RuntimeErrorCodes}. */
export class RuntimeError extends FieldhubError {
  declare readonly code: RuntimeErrorCode;
  constructor(code: RuntimeErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(code, message, options);
    this.name = 'RuntimeError';
  }
}

/** True when `err` is a runtime error with the given code. */
export function isRuntimeError(err: unknown, code?: RuntimeErrorCode): err is RuntimeError {
  return err instanceof RuntimeError && (code === undefined || err.code === code);
}

/** True when the error means the invocation itself must change (exit code 2 rather than 1). */
export function isUsageError(err: unknown): boolean {
  return err instanceof FieldhubError && USAGE_CODES.has(err.code);
}
