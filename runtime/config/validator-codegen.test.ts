import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { validateGatewayRole, validateHubRole } from './generated/hub-config-validators.js';
import { hubConfigSchema, type HubRole } from './hub-config-schema.js';
import { esmRuntimeHelpers, GENERATED_VALIDATORS, GENERATED_VALIDATORS_PATH, generateHubConfigValidators } from './validator-codegen.js';

const committedFile = fileURLToPath(new URL(`../../${GENERATED_VALIDATORS_PATH}`, import.meta.url));

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
