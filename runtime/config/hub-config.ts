/**
 * Loads the hub configuration: a YAML or JSON file (optional), command-line overrides on top,
 * validated against {@link hubConfigSchema} with every error reported by its JSON path, defaults
 * filled, paths made absolute, and the result deep-frozen so nothing changes it behind the heads.
 *
 * Relative paths in the file resolve against the file's folder (the file can move with its certs);
 * relative paths from flags and defaults resolve against the working directory.
 *
 * Start-up cost: the validators are precompiled at development time (generated/, written by
 * validator-codegen.ts; change the schema → `npm run gen:validators`), so neither ajv's compiler
 * nor yaml is loaded here; yaml is required only when a YAML file is actually read.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import type { ErrorObject } from 'ajv';
import { RuntimeError } from '../errors.js';
import { DEFAULT_MODULES, DEFAULT_UPSTREAM_ROUTES } from './gateway-config-schema.js';
import { validateGatewayRole, validateHubRole } from './generated/hub-config-validators.js';
import type { HubConfig, HubRole } from './hub-config-schema.js';

export { ROLE_DEFAULTS, LOG_LEVELS, hubConfigSchema } from './hub-config-schema.js';
export type { GatewayConfig, HubConfig, HubRole } from './hub-config-schema.js';

/** Values from command-line flags; each replaces the file's value. */
export interface HubConfigOverrides {
  hostName?: string;
  dataDir?: string;
  bindAddress?: string;
  mqttPort?: number;
  amqpPort?: number;
  httpsPort?: number;
  logLevel?: string;
}

export interface LoadHubConfigOptions {
  role: HubRole;
  /** A YAML (`.yaml`, `.yml`) or JSON (`.json`) file; other extensions are read as YAML. */
  file?: string;
  overrides?: HubConfigOverrides;
  /** Base for relative flag values and defaults. Default process.cwd(). */
  cwd?: string;
}

const TLS_FILE_KEYS = ['caCertFile', 'caKeyFile', 'serverCertFile', 'serverKeyFile'] as const;

/**
 * An ajv validator, precompiled or compiled at run time (options allErrors, useDefaults, strict):
 * fills defaults in place, returns whether `data` is valid and, when not, leaves every problem in
 * `errors`. The contract of the generated files, which are untyped (`@ts-nocheck`).
 */
export interface ConfigValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** The generated file is untyped (`@ts-nocheck`); this is its contract. */
const VALIDATORS: Readonly<Record<HubRole, ConfigValidator>> = {
  hub: validateHubRole as ConfigValidator,
  gateway: validateGatewayRole as ConfigValidator,
};

let yaml: typeof import('yaml') | undefined;

/** yaml (73 files) is loaded on the first YAML file, not by every start. */
function parseYaml(text: string): unknown {
  yaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yaml.parse(text);
}

/** One line per ajv error: `/mqtt/port: must be <= 65535`, `/foo: unknown key`. */
export function formatSchemaErrors(errors: readonly ErrorObject[]): string[] {
  const lines = errors.map((e) => {
    if (e.keyword === 'additionalProperties') {
      return `${e.instancePath}/${String((e.params as { additionalProperty: string }).additionalProperty)}: unknown key`;
    }
    if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ');
      return `${e.instancePath || '/'}: must be one of ${allowed}`;
    }
    if (e.keyword === 'pattern' && e.instancePath === '/hostName') {
      return '/hostName: must be a DNS name or an IP literal (no port, no scheme)';
    }
    return `${e.instancePath || '/'}: ${e.message ?? e.keyword}`;
  });
  return [...new Set(lines)];
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RuntimeError('FH_CONFIG_UNREADABLE', `cannot read the config file ${file}: ${(err as Error).message}`, { cause: err });
  }
  let data: unknown;
  try {
    data = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new RuntimeError('FH_CONFIG_UNREADABLE', `cannot parse the config file ${file}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new RuntimeError('FH_CONFIG_INVALID', `invalid config ${file}: /: must be object`);
  }
  return data as Record<string, unknown>;
}

function objectAt(root: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = root[key];
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  if (v === undefined) return (root[key] = {}) as Record<string, unknown>;
  return {}; // a wrong type: the schema reports it; the override below goes nowhere
}

/** Plain objects only (a wrong type is left for the schema to report). */
function asObject(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : undefined;
}

function resolveFileKey(base: string, obj: Record<string, unknown> | undefined, key: string): void {
  const v = obj?.[key];
  if (obj !== undefined && typeof v === 'string' && v !== '' && !isAbsolute(v)) obj[key] = resolve(base, v);
}

/** The gateway sections' file paths: the upstream CA, the bridge CA, file sinks and MQTT sink CAs. */
function resolveGatewayPaths(base: string, data: Record<string, unknown>): void {
  const upstream = asObject(data.upstream);
  resolveFileKey(base, upstream, 'caFile');
  resolveFileKey(base, asObject(upstream?.bridge), 'caFile');
  for (const sink of Object.values(asObject(data.sinks) ?? {})) {
    resolveFileKey(base, asObject(sink), 'path');
    resolveFileKey(base, asObject(sink), 'caFile');
  }
}

function resolvePathsFrom(base: string, data: Record<string, unknown>): void {
  resolveGatewayPaths(base, data);
  if (typeof data.dataDir === 'string' && data.dataDir !== '') data.dataDir = resolve(base, data.dataDir);
  const upload = data.fileUpload;
  if (upload !== null && typeof upload === 'object' && !Array.isArray(upload)) {
    const u = upload as Record<string, unknown>;
    if (typeof u.dir === 'string' && u.dir !== '') u.dir = resolve(base, u.dir);
  }
  const tls = data.tls;
  if (tls === null || typeof tls !== 'object' || Array.isArray(tls)) return;
  const t = tls as Record<string, unknown>;
  for (const key of TLS_FILE_KEYS) {
    const v = t[key];
    if (typeof v === 'string' && v !== '' && !isAbsolute(v)) t[key] = resolve(base, v);
  }
}

function applyOverrides(data: Record<string, unknown>, o: HubConfigOverrides, cwd: string): void {
  if (o.hostName !== undefined) data.hostName = o.hostName;
  if (o.dataDir !== undefined) data.dataDir = resolve(cwd, o.dataDir);
  if (o.bindAddress !== undefined) data.bindAddress = o.bindAddress;
  if (o.mqttPort !== undefined) objectAt(data, 'mqtt').port = o.mqttPort;
  if (o.amqpPort !== undefined) objectAt(data, 'amqp').port = o.amqpPort;
  if (o.httpsPort !== undefined) objectAt(data, 'https').port = o.httpsPort;
  if (o.logLevel !== undefined) objectAt(data, 'log').level = o.logLevel;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

/**
 * Loads and validates the configuration. Errors: FH_CONFIG_UNREADABLE (missing file, YAML/JSON
 * syntax), FH_CONFIG_INVALID listing every error as `path: problem`, separated by `; `.
 */
export function loadHubConfig(options: LoadHubConfigOptions): HubConfig {
  const cwd = options.cwd ?? process.cwd();
  const file = options.file === undefined ? undefined : resolve(cwd, options.file);
  const data = file === undefined ? {} : readConfigFile(file);
  if (file !== undefined) resolvePathsFrom(dirname(file), data);
  applyOverrides(data, options.overrides ?? {}, cwd);
  if (options.role === 'gateway') {
    // Defaults that depend on other keys: the system module, and a route to the upstream if any.
    if (!('modules' in data)) data.modules = structuredClone(DEFAULT_MODULES);
    if (!('sinks' in data)) data.sinks = {};
    if (!('routes' in data)) data.routes = asObject(data.upstream) !== undefined ? { ...DEFAULT_UPSTREAM_ROUTES } : {};
    const up = asObject(data.upstream);
    if (up !== undefined && up.port === undefined) up.port = up.protocol === 'mqtt' ? 8883 : 5671;
  }

  const validate = VALIDATORS[options.role];
  const errors = validate(data) ? [] : formatSchemaErrors(validate.errors ?? []);
  const config = data as unknown as HubConfig & { mqtt: { port: number }; https: { port: number } };
  if (errors.length === 0 && config.mqtt.port !== 0 && config.mqtt.port === config.https.port) {
    errors.push(`/https/port: must differ from /mqtt/port (both ${config.https.port})`);
  }
  if (errors.length > 0) {
    const where = file === undefined ? 'invalid configuration' : `invalid config ${file}`;
    // One line (the CLI prints errors on one line), every error with its path.
    throw new RuntimeError('FH_CONFIG_INVALID', `${where}: ${errors.join('; ')}`, { problems: errors });
  }
  (data as { dataDir: string }).dataDir = resolve(cwd, config.dataDir);
  return deepFreeze(config);
}
