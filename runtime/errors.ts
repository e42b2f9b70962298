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
  FH_ROUTE_INVALID: 'A route cannot be parsed or names an unknown sink, module or input; the message gives the route name and the position.',
  FH_SINK_FAILED: 'A local sink (file, MQTT) could not take a message; the route retries it with backoff.',
  FH_OUTBOX_FULL: 'The upstream outbox is at its quota: with policy reject, new messages are refused (retryable); with dropOldest the oldest are dropped and counted.',
  FH_OUTBOX_CORRUPT: 'An outbox record could not be decoded; it is moved aside and counted, the rest drains.',
  FH_UPSTREAM_UNREACHABLE: 'The upstream hub cannot be reached (network, DNS, TLS trust); the link retries with capped, jittered backoff.',
  FH_UPSTREAM_AUTH: 'The upstream refused an identity\u2019s token (unknown identity, wrong key, no rights); that identity is retried later, the others go on.',
  FH_UPSTREAM_REJECTED: 'The upstream refused a message for good (too large, invalid); it is moved to the outbox\u2019s dead letters and counted, never retried in a loop.',
  FH_UPSTREAM_TIMEOUT: 'An upstream operation (send, twin, method answer) got no answer in time; it is retried.',
  FH_UPSTREAM_OFFLINE: 'The operation needs the upstream now and it is not connected.',
  FH_UPSTREAM_UNSUPPORTED: 'The upstream link cannot do this at all (the plain MQTT bridge has no twins and no direct methods); never retried.',
  FH_MODULE_UNKNOWN: 'The configuration names a module type fieldhub does not have.',
  FH_MODULE_DEPENDENCY: 'Module dependencies name a missing module or form a cycle.',
  FH_MODULE_FAILED: 'A module failed to start or failed while running; it is restarted with backoff, the others keep running.',
  FH_MODULE_STOP_TIMEOUT: 'A module did not stop within its bound; it is abandoned and the stop goes on.',
  FH_MODULE_NOT_RUNNING: 'A module called its context after it was stopped (or while it restarts); the call is refused.',
} as const;

export type RuntimeErrorCode = keyof typeof RuntimeErrorCodes;

/** Codes that mean "fix the command line or the configuration" (exit code 2). */
const USAGE_CODES: ReadonlySet<string> = new Set<RuntimeErrorCode>([
  'FH_CLI_USAGE', 'FH_CONFIG_INVALID', 'FH_CONFIG_UNREADABLE', 'FH_ROUTE_INVALID', 'FH_MODULE_UNKNOWN', 'FH_MODULE_DEPENDENCY',
]);

/** A runtime error with a code from {@link RuntimeErrorCodes}. */
export class RuntimeError extends FieldhubError {
  declare readonly code: RuntimeErrorCode;
  /** FH_CONFIG_INVALID: each problem as `/json/path: what is wrong` (the message joins them). */
  readonly problems: readonly string[];
  constructor(code: RuntimeErrorCode, message: string, options: { cause?: unknown; retryable?: boolean; problems?: readonly string[] } = {}) {
    super(code, message, options);
    this.name = 'RuntimeError';
    this.problems = options.problems ?? [];
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
