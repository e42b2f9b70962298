/**
 * Development-time code generation of the configuration validators, with ajv's standalone code
 * generation (https://ajv.js.org/standalone.html), each set into one ESM TypeScript module
 * committed under `runtime/config/generated/`:
 * - `hub-config-validators.ts`: `hubConfigSchema('hub')` and `hubConfigSchema('gateway')`. The
 *   loader (hub-config.ts) runs that file, so `fieldhub hub` neither loads ajv's compiler nor
 *   generates code at start.
 * - `module-config-validators.ts`: the `configSchema` of every built-in module type
 *   (modules/index.ts), each with the fingerprint of the schema it was compiled from. The module
 *   host (runtime/modules/module-configs.ts) uses a type's validator while the type's schema has
 *   that fingerprint, so `fieldhub start` checks the built-in modules' configs without ajv.
 *
 * Changed a schema (hub-config-schema.ts, gateway-config-schema.ts, a module's manifest), or
 * upgraded ajv? Run `npm run gen:validators` (builds, then scripts/gen-validators.mjs writes the
 * files from the built copy of this module) and commit the result. validator-codegen.test.ts
 * regenerates in memory and fails while a committed file differs by a single byte.
 *
 * The ajv options are the ones the loaders use when they compile at run time: `allErrors` (every
 * problem in one run), `useDefaults` (defaults filled in place), `strict`, no union types.
 *
 * ajv's standalone code fetches its run-time helpers with `require("ajv/dist/runtime/NAME")
 * .default`, which ESM lacks. A helper that is one self-contained function (ucs2length, for
 * minLength/maxLength) is copied in from that ajv file, so the hub loads no ajv file at all; any
 * other helper becomes an `import` of the same ajv runtime file (ajv stays a dependency).
 */
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { factories as builtinModuleFactories } from '../../modules/index.js';
import { schemaFingerprint } from '../modules/schema-fingerprint.js';
import { hubConfigSchema, type HubRole } from './hub-config-schema.js';

// The file sets `module.exports = standaloneCode` and `.default = standaloneCode`: `.default` is
// the function whether an importer gets module.exports (Node) or its default (TypeScript's view).
const standaloneCode = standaloneModule.default;

/** Exported name in the generated module → role whose schema it validates. */
export const GENERATED_VALIDATORS: Readonly<Record<string, HubRole>> = {
  validateHubRole: 'hub',
  validateGatewayRole: 'gateway',
};

/** Where the generated module lives, relative to the repository root. */
export const GENERATED_VALIDATORS_PATH = 'runtime/config/generated/hub-config-validators.ts';

/** Where the built-in module types' generated validators live, relative to the repository root. */
export const GENERATED_MODULE_VALIDATORS_PATH = 'runtime/config/generated/module-config-validators.ts';

/** The exported name of a module type's validator: `modbus` → `validateModbusConfig`. */
export function moduleValidatorName(type: string): string {
  const words = type.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  return `validate${words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}Config`;
}

/** Every generated file: its path (relative to the repository root) and how to write it. */
export const GENERATED_FILES: readonly { path: string; generate: () => string }[] = [
  { path: GENERATED_VALIDATORS_PATH, generate: () => generateHubConfigValidators() },
  { path: GENERATED_MODULE_VALIDATORS_PATH, generate: () => generateModuleConfigValidators() },
];

/** ajv's own version: generated code differs between ajv versions, so the header names it. */
function ajvVersion(): string {
  return (createRequire(import.meta.url)('ajv/package.json') as { version: string }).version;
}

/** `require("ajv/dist/runtime/NAME").default`, as ajv's standalone code writes its runtime helpers. */
const RUNTIME_REQUIRE = /require\("ajv\/dist\/runtime\/([a-z0-9_]+)"\)\.default/gi;

/** ajv runtime helpers that are one function using nothing outside it: copied in, not imported. */
const SELF_CONTAINED_HELPERS: ReadonlySet<string> = new Set(['ucs2length']);

/** The declaration binding `ajvRuntime_NAME` for one ajv runtime helper. */
function runtimeHelper(name: string): string {
  if (SELF_CONTAINED_HELPERS.has(name)) {
    const helper = (createRequire(import.meta.url)(`ajv/dist/runtime/${name}`) as { default: (...args: never[]) => unknown }).default;
    return `// Copied from ajv/dist/runtime/${name}.js (self-contained), so no ajv file is loaded for it.\nconst ajvRuntime_${name} = ${helper.toString()};`;
  }
  // Node hands an ESM importer of a CommonJS file its module.exports (`{ default: helper }`);
  // vitest's interop hands over `exports.default` itself: `.default ?? module` is right in both.
  return [
    `import ajvRuntimeModule_${name} from "ajv/dist/runtime/${name}.js";`,
    `const ajvRuntime_${name} = ajvRuntimeModule_${name}.default ?? ajvRuntimeModule_${name};`,
  ].join('\n');
}

/**
 * Replaces each runtime `require` in ajv's standalone `code` with `ajvRuntime_NAME`, bound by the
 * returned `helpers` declarations. Throws if any other `require` is left (e.g. a format plugin).
 * Exported for tests.
 */
export function esmRuntimeHelpers(code: string): { helpers: string; code: string } {
  const names = new Set<string>();
  const rewritten = code.replace(RUNTIME_REQUIRE, (_m, name: string) => {
    names.add(name);
    return `ajvRuntime_${name}`;
  });
  const left = /\brequire\([^)]*\)/.exec(rewritten);
  if (left !== null) throw new Error(`ajv standalone code still requires something besides ajv/dist/runtime/*: ${left[0]}`);
  return { helpers: [...names].sort().map(runtimeHelper).join('\n'), code: rewritten };
}

/** The ajv instance every generated file is compiled with (the run-time options, plus code generation). */
function codegenAjv(): Ajv {
  return new Ajv({
    allErrors: true, useDefaults: true, strict: true, allowUnionTypes: false,
    // esm: `export const`; lines: one statement per line, so a schema change is a readable diff.
    code: { source: true, esm: true, lines: true },
  });
}

/** A generated file's text: the header lines, the runtime helpers, and ajv's standalone code for `refs`. */
function standaloneFile(ajv: Ajv, refs: Record<string, string>, header: readonly string[]): string {
  // ESM is strict already; the directive would sit after the imports, where it means nothing.
  const standalone = standaloneCode(ajv, refs).replace(/^"use strict";\n?/, '');
  const { helpers, code } = esmRuntimeHelpers(standalone);
  return `${['// @ts-nocheck', '/* eslint-disable */', ...header].join('\n')}\n${helpers}\n${code.trimEnd()}\n`;
}

/**
 * The complete source text of `runtime/config/generated/hub-config-validators.ts`: a header, the
 * runtime helpers, and ajv's standalone code exporting `validateHubRole` and `validateGatewayRole`
 * (ajv-style validators: `validate(data)` returns a boolean and sets `validate.errors`).
 * Deterministic: the same schema and ajv version give the same bytes.
 */
export function generateHubConfigValidators(): string {
  const ajv = codegenAjv();
  const refs: Record<string, string> = {};
  for (const [exportName, role] of Object.entries(GENERATED_VALIDATORS)) {
    const schema = hubConfigSchema(role) as { $id: string };
    ajv.addSchema(schema);
    refs[exportName] = schema.$id;
  }
  return standaloneFile(ajv, refs, [
    `// GENERATED FILE, do not edit. Written by \`npm run gen:validators\` (scripts/gen-validators.mjs)`,
    `// from runtime/config/validator-codegen.ts: ajv ${ajvVersion()} standalone code for hubConfigSchema('hub')`,
    `// and hubConfigSchema('gateway') (runtime/config/hub-config-schema.ts). After changing the schema,`,
    '// run `npm run gen:validators` again; runtime/config/validator-codegen.test.ts checks this file.',
  ]);
}

/**
 * The complete source text of `runtime/config/generated/module-config-validators.ts`: one
 * validator per built-in module type (`factories` of modules/index.ts, in its order), compiled
 * from the type's `manifest.configSchema` and exported as {@link moduleValidatorName}(type), and
 * the table `moduleConfigValidators` (type → the schema's fingerprint and the validator) that the
 * module host looks validators up in. Each schema is added to ajv unchanged (under the key
 * `fieldhub-module-<type>`), so errors are those of compiling it at run time. Deterministic.
 */
export function generateModuleConfigValidators(factories: ReadonlyMap<string, { manifest: { configSchema: object } }> = builtinModuleFactories): string {
  const ajv = codegenAjv();
  const refs: Record<string, string> = {};
  const table: string[] = [];
  for (const [type, factory] of factories) {
    const key = `fieldhub-module-${type}`;
    ajv.addSchema(factory.manifest.configSchema, key);
    refs[moduleValidatorName(type)] = key;
    table.push(`  ${JSON.stringify(type)}: { schemaSha256: ${JSON.stringify(schemaFingerprint(factory.manifest.configSchema))}, validate: ${moduleValidatorName(type)} },`);
  }
  const file = standaloneFile(ajv, refs, [
    `// GENERATED FILE, do not edit. Written by \`npm run gen:validators\` (scripts/gen-validators.mjs)`,
    `// from runtime/config/validator-codegen.ts: ajv ${ajvVersion()} standalone code for the configSchema of`,
    `// each built-in module type (${[...factories.keys()].join(', ')}; modules/index.ts). After changing a`,
    '// module\'s schema, run `npm run gen:validators` again; runtime/config/validator-codegen.test.ts checks this file.',
  ]);
  return `${file}// Per type: the fingerprint of the schema each validator was compiled from (runtime/modules/schema-fingerprint.ts), and the validator.\nexport const moduleConfigValidators = {\n${table.join('\n')}\n};\n`;
}
