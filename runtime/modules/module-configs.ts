/**
 * Checks the `modules` section against the known module types: each instance's type exists, its
 * config passes the type's JSON schema (ajv, defaults filled), and dependencies (the config's
 * `dependsOn` plus what the factory derives from the config) name enabled instances without a
 * cycle. Reports every problem with its JSON path (`/modules/<name>/…`), for `fieldhub config
 * check` and for the module host, which starts instances in the dependency order computed here.
 *
 * The built-in types' schemas are precompiled (runtime/config/generated/module-config-validators.ts,
 * `npm run gen:validators`), so the gateway validates them without ajv; a type whose schema has no
 * precompiled validator (another factory, or a schema changed since generation) is compiled with
 * ajv at run time, with the same options, and ajv is loaded for it then.
 */
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';
import { isValidId } from '../../hub-core/core/ids.js';
import { moduleConfigValidators } from '../config/generated/module-config-validators.js';
import type { ConfigValidator } from '../config/hub-config.js';
import { RuntimeError, type RuntimeErrorCode } from '../errors.js';
import type { ModuleFactory, ModuleManifest } from './api.js';
import { schemaFingerprint } from './schema-fingerprint.js';

/** One configured module instance, as the config file gives it. */
export interface ModuleConfigInput {
  type: string;
  /** Default true. A disabled instance is checked but not started. */
  enabled?: boolean;
  /** Instances that must be running first. */
  dependsOn?: readonly string[];
  /** The module's own settings (default `{}`). */
  config?: unknown;
}

export type ModuleConfigs = Readonly<Record<string, ModuleConfigInput>>;

/** One problem in the modules section. */
export interface ModuleConfigError {
  code: Extract<RuntimeErrorCode, 'FH_MODULE_UNKNOWN' | 'FH_MODULE_DEPENDENCY' | 'FH_CONFIG_INVALID'>;
  /** JSON path, e.g. `/modules/meter/config/intervalS`. */
  path: string;
  message: string;
}

/** An enabled instance after the checks. */
export interface ResolvedModule {
  name: string;
  type: string;
  factory: ModuleFactory;
  /** Validated, defaults filled, deep-frozen. */
  config: unknown;
  /** Effective dependencies (config plus factory), unique, in first-mention order. */
  dependsOn: readonly string[];
}

/** The checked section: enabled instances and an order where each comes after its dependencies. */
export interface ResolvedModules {
  modules: ReadonlyMap<string, ResolvedModule>;
  order: readonly string[];
}

/** The generated file is untyped (`@ts-nocheck`); this is its contract. */
const PRECOMPILED = moduleConfigValidators as Readonly<Record<string, { schemaSha256: string; validate: ConfigValidator } | undefined>>;

const validators = new WeakMap<ModuleFactory, ConfigValidator>();

/** The precompiled validator of this type, if it was generated from exactly this schema. */
function precompiled(manifest: ModuleManifest): ConfigValidator | undefined {
  const entry = Object.hasOwn(PRECOMPILED, manifest.type) ? PRECOMPILED[manifest.type] : undefined;
  return entry !== undefined && entry.schemaSha256 === schemaFingerprint(manifest.configSchema) ? entry.validate : undefined;
}

/** Compiles the schema at run time; ajv (its compiler and code generator) is loaded on the first call. */
function compiled(schema: object): ConfigValidator {
  const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  return new Ajv({ allErrors: true, useDefaults: true, strict: true }).compile(schema);
}

function validatorFor(factory: ModuleFactory): ConfigValidator {
  let v = validators.get(factory);
  if (v === undefined) {
    v = precompiled(factory.manifest) ?? compiled(factory.manifest.configSchema);
    validators.set(factory, v);
  }
  return v;
}

function schemaErrors(base: string, errors: readonly ErrorObject[]): ModuleConfigError[] {
  const out = new Map<string, ModuleConfigError>();
  for (const e of errors) {
    let path = `${base}${e.instancePath}`;
    let message = e.message ?? e.keyword;
    if (e.keyword === 'additionalProperties') {
      path = `${path}/${String((e.params as { additionalProperty: string }).additionalProperty)}`;
      message = 'unknown key';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((x) => JSON.stringify(x)).join(', ')}`;
    }
    out.set(`${path}: ${message}`, { code: 'FH_CONFIG_INVALID', path, message });
  }
  return [...out.values()];
}

/** Validates a config copy; fills defaults into the copy and returns it. */
function checkConfig(name: string, factory: ModuleFactory, config: unknown): { value: unknown; errors: ModuleConfigError[] } {
  const value = structuredClone(config ?? {});
  const validate = validatorFor(factory);
  if (validate(value)) {
    const problems = factory.check?.(value) ?? [];
    return { value, errors: problems.map((p) => ({ code: 'FH_CONFIG_INVALID' as const, path: `/modules/${pointer(name)}/config${p.path}`, message: p.message })) };
  }
  return { value, errors: schemaErrors(`/modules/${pointer(name)}/config`, validate.errors ?? []) };
}

interface Checked {
  errors: ModuleConfigError[];
  configs: Map<string, { factory: ModuleFactory; config: unknown; dependsOn: string[] }>;
}

function check(configs: ModuleConfigs, factories: ReadonlyMap<string, ModuleFactory>): Checked {
  const errors: ModuleConfigError[] = [];
  const valid = new Map<string, { factory: ModuleFactory; config: unknown; dependsOn: string[] }>();
  const deps = new Map<string, string[]>();
  for (const [name, spec] of Object.entries(configs)) {
    const base = `/modules/${pointer(name)}`;
    if (!isValidId(name)) errors.push({ code: 'FH_CONFIG_INVALID', path: base, message: 'a module name must be a valid module id' });
    const factory = factories.get(spec.type);
    const own = [...(spec.dependsOn ?? [])];
    if (factory === undefined) {
      errors.push({ code: 'FH_MODULE_UNKNOWN', path: `${base}/type`, message: `unknown module type ${JSON.stringify(spec.type)} (known: ${[...factories.keys()].join(', ')})` });
      deps.set(name, own);
      continue;
    }
    const { value, errors: configErrors } = checkConfig(name, factory, spec.config);
    errors.push(...configErrors);
    const derived = configErrors.length === 0 ? (factory.dependsOn?.(value) ?? []) : [];
    const all = [...new Set([...own, ...derived])];
    deps.set(name, all);
    for (const dep of all) {
      const where = own.includes(dep) ? `${base}/dependsOn/${own.indexOf(dep)}` : `${base}/config`;
      const target = configs[dep];
      if (dep === name) errors.push({ code: 'FH_MODULE_DEPENDENCY', path: where, message: 'a module cannot depend on itself' });
      else if (target === undefined) errors.push({ code: 'FH_MODULE_DEPENDENCY', path: where, message: `depends on ${JSON.stringify(dep)}, which is not configured` });
      else if (spec.enabled !== false && target.enabled === false) {
        errors.push({ code: 'FH_MODULE_DEPENDENCY', path: where, message: `depends on ${JSON.stringify(dep)}, which is disabled` });
      }
    }
    if (configErrors.length === 0) valid.set(name, { factory, config: value, dependsOn: all });
  }
  for (const cycle of findCycles(deps)) {
    errors.push({ code: 'FH_MODULE_DEPENDENCY', path: `/modules/${pointer(cycle[0]!)}/dependsOn`, message: `dependency cycle: ${cycle.join(' -> ')}` });
  }
  return { errors, configs: valid };
}

/** Each cycle once, as a path that starts and ends with the same name (self-loops are reported elsewhere). */
function findCycles(deps: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of deps.get(name) ?? []) {
      if (dep === name || !deps.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'visiting') cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (s === undefined) visit(dep);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of deps.keys()) if (!state.has(name)) visit(name);
  return cycles;
}

/**
 * Every problem in the modules section, each with a code and a JSON path: FH_MODULE_UNKNOWN at
 * `/modules/<name>/type`; FH_CONFIG_INVALID at `/modules/<name>/config/…` (the type's schema);
 * FH_MODULE_DEPENDENCY for a missing, disabled or cyclic dependency. Empty when all is well.
 */
export function validateModuleConfigs(configs: ModuleConfigs, factories: ReadonlyMap<string, ModuleFactory>): ModuleConfigError[] {
  return check(configs, factories).errors;
}

/**
 * The enabled instances, checked and in dependency order (config order where free), or a
 * RuntimeError carrying the first problem's code and every problem in its message.
 */
export function resolveModuleConfigs(configs: ModuleConfigs, factories: ReadonlyMap<string, ModuleFactory>): ResolvedModules {
  const { errors, configs: valid } = check(configs, factories);
  if (errors.length > 0) {
    throw new RuntimeError(errors[0]!.code, `invalid modules:\n${errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
  }
  const modules = new Map<string, ResolvedModule>();
  for (const [name, spec] of Object.entries(configs)) {
    if (spec.enabled === false) continue;
    const v = valid.get(name)!;
    modules.set(name, { name, type: spec.type, factory: v.factory, config: deepFreeze(v.config), dependsOn: Object.freeze(v.dependsOn) });
  }
  return { modules, order: dependencyOrder(modules) };
}

/** Names in an order where each comes after its dependencies (acyclic input; ties keep map order). */
export function dependencyOrder(modules: ReadonlyMap<string, { dependsOn: readonly string[] }>): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < modules.size) {
    const before = order.length;
    for (const [name, m] of modules) {
      if (placed.has(name) || !m.dependsOn.every((d) => placed.has(d) || !modules.has(d))) continue;
      placed.add(name);
      order.push(name);
    }
    if (order.length === before) throw new RangeError('dependencyOrder: cycle');
  }
  return order;
}

/** A name as one JSON pointer segment (RFC 6901: `~` → `~0`, `/` → `~1`). */
function pointer(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
