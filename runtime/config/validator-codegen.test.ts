import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { factories } from '../../modules/index.js';
import { schemaFingerprint } from '../modules/schema-fingerprint.js';
import { validateGatewayRole, validateHubRole } from './generated/hub-config-validators.js';
import { moduleConfigValidators } from './generated/module-config-validators.js';
import { hubConfigSchema, type HubRole } from './hub-config-schema.js';
import {
  esmRuntimeHelpers, GENERATED_FILES, GENERATED_MODULE_VALIDATORS_PATH, GENERATED_VALIDATORS, GENERATED_VALIDATORS_PATH,
  generateHubConfigValidators, generateModuleConfigValidators, moduleValidatorName,
} from './validator-codegen.js';

const committedFile = fileURLToPath(new URL(`../../${GENERATED_VALIDATORS_PATH}`, import.meta.url));
const committedModuleFile = fileURLToPath(new URL(`../../${GENERATED_MODULE_VALIDATORS_PATH}`, import.meta.url));

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
const precompiled: Record<HubRole, Validator> = { hub: validateHubRole as Validator, gateway: validateGatewayRole as Validator };

/** Inputs that pass, fail on one keyword each, and fail on many at once (allErrors). */
const SAMPLES: readonly unknown[] = [
  {},
  { hostName: 'hub.lan', mqtt: { port: 1883 }, tls: { extraNames: ['a', 'b'] }, log: { level: 'debug' } },
  { hostName: '', dataDir: '', mqtt: { port: 70000 }, https: { port: -1 }, durability: 'disk', extra: 1 },
  { hostName: 'http://x:1', schemaVersion: 2, limits: { c2dMaxDeliveryCount: 0, maxMessageBytes: 1.5, nope: true } },
  { hostName: 'x'.repeat(254), tls: { serverCertFile: 'a.pem', caKeyFile: 'k', extraNames: [''] }, log: { level: 'loud' } },
  { fileUpload: { dir: '', sasTtlS: 10, notifications: 'yes' }, mqtt: 'x', amqp: null, limits: [] },
  { hostName: '\u{1F600}', bindAddress: 7 },
  'not an object',
  {
    gateway: { deviceId: 'bad id' },
    upstream: { protocol: 'mqtt', connectionString: 'x', port: 0, bridge: { url: 'tcp://x' }, outbox: { drainShare: 2 } },
    modules: { '1bad': { type: 'system' }, ok: { type: 'x', dependsOn: ['-'] } },
    sinks: { f: { type: 'file' }, m: { type: 'mqtt', url: 'mqtt://x', qos: 2 }, z: { type: 'carrier pigeon' } },
    routes: { r: '' },
  },
  {
    upstream: { connectionString: 'HostName=h;SharedAccessKeyName=k;SharedAccessKey=a', port: 5671 },
    sinks: { f: { type: 'file', path: '/tmp/x' }, m: { type: 'mqtt', url: 'mqtts://b' } },
    routes: { r: 'FROM /messages/* INTO f' },
  },
];

describe('generated hub-config validators', () => {
  it('match the schema: the committed file is what the generator writes today', () => {
    const committed = readFileSync(committedFile, 'utf8');
    const fresh = generateHubConfigValidators();
    // One boolean first, so a drift fails with the instruction rather than a 130 KB diff.
    expect(fresh === committed, `${GENERATED_VALIDATORS_PATH} is out of date with the schema or ajv: run \`npm run gen:validators\` and commit the result`).toBe(true);
  });

  it('generates the same text every time, exports one validator per role and requires nothing', () => {
    const text = generateHubConfigValidators();
    expect(generateHubConfigValidators()).toBe(text);
    expect(text.startsWith('// @ts-nocheck\n')).toBe(true);
    expect(text).toContain('npm run gen:validators');
    for (const name of Object.keys(GENERATED_VALIDATORS)) expect(text).toContain(`export const ${name} = `);
    expect(text).not.toMatch(/\brequire\(/);
  });

  it('turns ajv runtime requires into a copied-in helper (ucs2length) or an import, and refuses any other require', () => {
    const { helpers, code } = esmRuntimeHelpers([
      'const func3 = require("ajv/dist/runtime/ucs2length").default;',
      'const func4 = require("ajv/dist/runtime/equal").default;',
      'const func5 = require("ajv/dist/runtime/ucs2length").default;',
    ].join('\n'));
    expect(code).toBe('const func3 = ajvRuntime_ucs2length;\nconst func4 = ajvRuntime_equal;\nconst func5 = ajvRuntime_ucs2length;');
    expect(helpers).toContain('import ajvRuntimeModule_equal from "ajv/dist/runtime/equal.js";');
    expect(helpers).not.toContain('ajv/dist/runtime/ucs2length.js"');
    expect(helpers.match(/const ajvRuntime_ucs2length = /g)).toHaveLength(1);
    // The copy is the real function: a surrogate pair counts as one character, as JSON Schema wants.
    const declaration = helpers.split('\n').filter((l) => !l.startsWith('import ') && !l.includes('ajvRuntime_equal')).join('\n');
    const ucs2length = new Function(`${declaration}\nreturn ajvRuntime_ucs2length;`)() as (s: string) => number;
    expect(ucs2length('a\u{1F600}b')).toBe(3);
    expect(() => esmRuntimeHelpers('const f = require("ajv-formats/dist/formats").fullFormats;')).toThrow(/still requires/);
  });

  for (const role of ['hub', 'gateway'] as const) {
    it(`${role}: validates, fills defaults and reports errors exactly as ajv compiling at run time`, () => {
      const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: false });
      const runtime = ajv.compile(hubConfigSchema(role));
      let invalid = 0;
      for (const sample of SAMPLES) {
        const a = structuredClone(sample);
        const b = structuredClone(sample);
        const ok = runtime(a);
        expect(precompiled[role](b), JSON.stringify(sample)).toBe(ok);
        expect(b).toEqual(a); // defaults filled identically
        expect(precompiled[role].errors ?? null).toEqual(runtime.errors ?? null);
        if (!ok) invalid++;
      }
      expect(invalid).toBeGreaterThanOrEqual(SAMPLES.length - 3);
    });
  }
});

/** Per built-in module type: configs that pass, fail on one keyword, and fail on many at once. */
const MODULE_SAMPLES: Readonly<Record<string, readonly unknown[]>> = {
  system: [{}, { intervalS: 5, reportedIntervalS: 60 }, { intervalS: 0, reportedIntervalS: 1e9, extra: 1 }, { intervalS: 'x' }, [], null],
  modbus: [
    {},
    {
      ports: { line: { kind: 'rtu', path: '/dev/ttyUSB0' }, plc: { kind: 'tcp', host: '10.0.0.5' } },
      devices: [{ deviceId: 'meter-1', profile: 'eastron-sdm120', port: 'line', unitId: 1 }],
    },
    {
      ports: { line: { kind: 'rtu', path: '/dev/ttyUSB0', baudRate: 12, host: 'x' }, plc: { kind: 'udp', host: 'h' } },
      devices: [{ deviceId: 'a b', profile: 'p', port: 'line', unitId: 300, extra: 1 }],
      coalesce: 'yes',
    },
    { ports: [], devices: {}, backoff: { afterFailures: 0 }, reopen: { minDelayMs: -1 } },
  ],
  serial: [
    {},
    {
      ports: [
        { name: 'gps', path: '/dev/ttyUSB0', deviceId: 'gps-1', profile: 'nmea-gps' },
        {
          name: 'bin', path: '/dev/ttyUSB1', framing: { kind: 'lengthPrefixed' }, parser: { kind: 'regex', pattern: '(?<a>.)' },
          devices: [{ deviceId: 'a', profile: 'p', match: { id: 1 } }], commands: { ping: { data: 'PING', appendDelimiter: true } },
        },
        { name: 't', path: '/dev/ttyS0', framing: { kind: 'timeout' }, parser: { kind: 'nmea' }, deviceId: 'x', profile: 'p' },
      ],
    },
    {
      ports: [
        { name: 'a b', path: '/dev/x', deviceId: 'd', profile: 'p', baudRate: 7, stopBits: 3, framing: { kind: 'delimiter', delimiter: '\n', delimiterHex: '0a' } },
        { name: 'b', path: '/dev/y', deviceId: 'e', profile: 'p', framing: { kind: 'fixed', length: 4, maxFrameBytes: 9 }, parser: { kind: 'csv' } },
        { name: 'c', path: '/dev/z', deviceId: 'f', profile: 'p', commands: { write: { data: 'x' }, ok: { data: 'y', encoding: 'rot13' } } },
      ],
      extra: true,
    },
    { ports: [{ name: 'a', path: '/dev/x', deviceId: 'd', profile: 'p', devices: [{ deviceId: 'e', profile: 'p' }] }, { name: 'b', path: '' }] },
  ],
  ble: [
    {},
    { devices: [{ deviceId: 'bat-1', profile: 'gatt-battery', address: 'aa:bb:cc:dd:ee:01' }, { deviceId: 'a', profile: 'p', name: 'LYWSD03MMC*' }] },
    {
      adapter: 'hci 0', maxConnections: 0, extra: true,
      discovery: { allow: { addresses: ['AA:BB'], names: [''] }, intervalS: 0 },
      devices: [{ deviceId: 'a b', profile: 'p', address: 'zz', pollIntervalS: 0 }, { deviceId: 'b', profile: 'p' }],
      reconnect: { minDelayMs: 1 },
    },
  ],
};

describe('generated module config validators', () => {
  it('match the built-in module types\' schemas: the committed file is what the generator writes today', () => {
    const committed = readFileSync(committedModuleFile, 'utf8');
    const fresh = generateModuleConfigValidators();
    expect(fresh === committed, `${GENERATED_MODULE_VALIDATORS_PATH} is out of date with a module's schema or ajv: run \`npm run gen:validators\` and commit the result`).toBe(true);
    expect(GENERATED_FILES.map((f) => f.path)).toEqual([GENERATED_VALIDATORS_PATH, GENERATED_MODULE_VALIDATORS_PATH]);
  });

  it('has one validator per built-in type, generated from that type\'s schema as it is now, and requires nothing', () => {
    const table = moduleConfigValidators as Record<string, { schemaSha256: string; validate: unknown }>;
    expect(Object.keys(table)).toEqual([...factories.keys()]);
    for (const [type, factory] of factories) {
      expect(table[type]!.schemaSha256, type).toBe(schemaFingerprint(factory.manifest.configSchema));
      expect(typeof table[type]!.validate, type).toBe('function');
    }
    const text = generateModuleConfigValidators();
    expect(text).not.toMatch(/\brequire\(/);
    expect(text).not.toMatch(/^import /m);
    expect(moduleValidatorName('modbus')).toBe('validateModbusConfig');
    expect(moduleValidatorName('my-sensor_2')).toBe('validateMySensor2Config');
  });

  it('every sample type has a built-in factory', () => {
    expect(Object.keys(MODULE_SAMPLES).sort()).toEqual([...factories.keys()].sort());
  });

  for (const type of Object.keys(MODULE_SAMPLES)) {
    it(`${type}: validates, fills defaults and reports errors exactly as ajv compiling the schema at run time`, () => {
      const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true });
      const runtime = ajv.compile(factories.get(type)!.manifest.configSchema);
      const validate = (moduleConfigValidators as Record<string, { validate: Validator }>)[type]!.validate;
      let invalid = 0;
      for (const sample of MODULE_SAMPLES[type]!) {
        const a = structuredClone(sample);
        const b = structuredClone(sample);
        const ok = runtime(a);
        expect(validate(b), JSON.stringify(sample)).toBe(ok);
        expect(b).toEqual(a);
        expect(validate.errors ?? null).toEqual(runtime.errors ?? null);
        if (!ok) invalid++;
      }
      expect(invalid).toBeGreaterThanOrEqual(2);
    });
  }
});
