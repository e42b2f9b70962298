/**
 * What every command shares: option parsers (commander calls them; a bad value is a usage error,
 * exit 2), the hub-target flags, the action wrapper that turns errors into one stderr line with
 * their FH_ code, and the exit-code rule.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { FieldhubError } from '../../hub-core/errors.js';
import { isUsageError } from '../errors.js';
import type { TargetOptions } from './hub-target.js';

/** Codes after which the invocation (flags, config, ports, data folder) must change: exit 2. */
const EXIT_2_CODES: ReadonlySet<string> = new Set(['FH_LISTEN_FAILED', 'FH_STORE_LOCKED', 'FH_CONFIG_INVALID']);

/** 2 for usage and configuration errors, 1 for everything else. */
export function exitCodeFor(err: unknown): number {
  if (isUsageError(err)) return 2;
  return err instanceof FieldhubError && EXIT_2_CODES.has(err.code) ? 2 : 1;
}

/** The one stderr line for an error: `fieldhub: FH_CODE: message`. */
export function errorLine(err: unknown): string {
  const code = err instanceof FieldhubError ? err.code : 'FH_INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  return `fieldhub: ${code}: ${message.replace(/\s*\n\s*/g, ' ')}`;
}

/** Wraps a command action: errors become one stderr line and an exit code (see {@link exitCodeFor}). */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      process.stderr.write(`${errorLine(err)}\n`);
      process.exitCode = exitCodeFor(err);
    }
  };
}

/** A TCP port, 0-65535 (0 = any free port). */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535.');
  return n;
}

/** A whole number of seconds, at least 1. */
export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('must be a whole number of seconds, at least 1.');
  return n;
}

/** A JSON text; the parsed value. */
export function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new InvalidArgumentError(`is not valid JSON (${(err as Error).message}).`);
  }
}

/** A JSON object text (twin patches). */
export function parseJsonObject(value: string): Record<string, unknown> {
  const v = parseJson(value);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InvalidArgumentError('must be a JSON object, e.g. \'{"interval":5}\'.');
  return v as Record<string, unknown>;
}

/** Collects repeated `--prop k=v` into a record (the value may hold `=`). */
export function collectKeyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('must be key=value.');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** Adds the flags that pick the hub a client command talks to. */
export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'data folder of a hub running on this machine (reads DIR/hub.json); default: ./data, then ./hub-data')
    .option('--hub <connection-string>', 'a hub policy connection string (HostName=…;SharedAccessKeyName=…;SharedAccessKey=…) instead of --data-dir')
    .option('--ca <file>', 'CA certificate to trust for the hub (with --hub; default: Node\u2019s CAs plus NODE_EXTRA_CA_CERTS)')
    .option('--https-port <n>', 'the hub\u2019s HTTPS port (with --hub; default 443)', parsePort);
}

/** The target flags out of a command's options. */
export function targetOptions(opts: TargetOptions & Record<string, unknown>): TargetOptions {
  const out: TargetOptions = {};
  if (opts.dataDir !== undefined) out.dataDir = opts.dataDir;
  if (opts.hub !== undefined) out.hub = opts.hub;
  if (opts.ca !== undefined) out.ca = opts.ca;
  if (opts.httpsPort !== undefined) out.httpsPort = opts.httpsPort;
  return out;
}

/** Writes a JSON value to stdout, indented. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** `Examples:` help text for `addHelpText('after', …)`. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}
