/**
 * Loads device profiles: by id from the profile folders (given ones first, then the built-in
 * devices/profiles/) or by path; YAML or JSON. Each is validated against the one profile schema
 * (defaults filled), then by the cross-field checks, then resolved: protocol defaults inherited by
 * every point (poll interval, Modbus byte/word order, BLE mode), `writable` normalised, BLE UUIDs
 * expanded to 128-bit. The result is deep-frozen. Every problem names the file and its JSON path.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { expandBleUuid } from './codecs/ble-uuid.js';
import { ProfileError } from './errors.js';
import { checkProfileDocument } from './profile-checks.js';
import { PROFILE_ID_PATTERN, profileSchema } from './profile-schema.js';
import { PROTOCOLS, type DeviceProfile, type ProfileDocument, type ProfilePoint, type WriteAccess } from './profile.js';
import { formatProfileErrors } from './schema-errors.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The shipped profiles (devices/profiles/, found from the sources or from dist/devices/). */
export const BUILTIN_PROFILES_DIR: string = [join(here, 'profiles'), join(here, '..', '..', 'devices', 'profiles')].find((d) => existsSync(d)) ?? join(here, 'profiles');

const EXTENSIONS = ['.yaml', '.yml', '.json'] as const;
const MAX_FILE_BYTES = 1024 * 1024;

export interface LoadProfileOptions {
  /** Folders searched for `<id>.yaml|.yml|.json` before the built-in one. */
  dirs?: readonly string[];
  /** Base of a relative path. Default process.cwd(). */
  cwd?: string;
}

// ajv and yaml load with the first profile, not with this file: the modbus factory's config check
// imports it, and a gateway without Modbus devices never loads a profile.
const load = createRequire(import.meta.url);
let validator: ValidateFunction | undefined;
function validate(): ValidateFunction {
  validator ??= new (load('ajv') as typeof import('ajv')).Ajv({ allErrors: true, useDefaults: true, strict: true }).compile(profileSchema);
  return validator;
}
const parseYaml = (text: string): unknown => (load('yaml') as typeof import('yaml')).parse(text);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function writeAccess(w: ProfileDocument['points'][number]['writable']): false | WriteAccess {
  if (w === undefined || w === false) return false;
  if (w === true) return { desired: true, method: true };
  const access = { desired: w.desired === true, method: w.method === true };
  return access.desired || access.method ? access : false;
}

function resolvePoint(doc: ProfileDocument, p: ProfileDocument['points'][number]): ProfilePoint {
  const d = doc.defaults ?? {};
  const base = defined({
    name: p.name, unit: p.unit, description: p.description, scale: p.scale ?? 1, offset: p.offset ?? 0,
    telemetry: p.telemetry ?? true, reported: p.reported ?? false, pollIntervalS: p.pollIntervalS ?? d.pollIntervalS ?? 10,
    writable: writeAccess(p.writable), min: p.min, max: p.max,
  });
  if (p.modbus !== undefined) {
    const m = p.modbus;
    const bitTable = m.table === 'coil' || m.table === 'discrete';
    return { ...base, modbus: defined({ ...m, type: m.type ?? (bitTable ? 'bool' : 'uint16'), byteOrder: m.byteOrder ?? d.modbus?.byteOrder ?? 'BE', wordOrder: m.wordOrder ?? d.modbus?.wordOrder ?? 'BE' }) };
  }
  if (p.ble !== undefined) {
    const b = p.ble;
    const decode = defined({ type: b.decode.type, scale: b.decode.scale ?? 1, offset: b.decode.offset ?? 0, length: b.decode.length });
    return { ...base, ble: { service: expandBleUuid(b.service), characteristic: expandBleUuid(b.characteristic), decode, mode: b.mode ?? d.ble?.mode ?? 'read' } };
  }
  return p.serial === undefined ? base : { ...base, serial: defined({ ...p.serial }) };
}

function invalid(file: string | undefined, lines: readonly string[]): ProfileError {
  const problems = lines.map((l) => (file === undefined ? l : `${file}: ${l}`));
  return new ProfileError('FH_PROFILE_INVALID', `invalid profile${file === undefined ? '' : ` ${file}`}: ${lines.join('; ')}`, { ...(file === undefined ? {} : { file }), problems });
}

/**
 * Validates and resolves a profile held in memory (a parsed file, or an inline profile). `data` is
 * not modified. FH_PROFILE_INVALID with every problem.
 */
export function parseProfile(data: unknown, file?: string): DeviceProfile {
  if (!isObject(data)) throw invalid(file, ['/: must be an object (a profile document)']);
  const doc = structuredClone(data);
  // Seed the protocol's defaults section so the schema fills its defaults (BE/BE, 125, 8; read).
  const protocol = doc.protocol;
  if (typeof protocol === 'string' && (PROTOCOLS as readonly string[]).includes(protocol)) {
    doc.defaults ??= {};
    if (isObject(doc.defaults)) doc.defaults[protocol] ??= {};
  }
  const v = validate();
  const valid: boolean = v(doc);
  if (!valid) throw invalid(file, formatProfileErrors(v.errors ?? [], protocol));
  const typed = doc as unknown as ProfileDocument;
  const problems = checkProfileDocument(typed);
  if (problems.length > 0) throw invalid(file, problems);
  const defaults = typed.defaults as DeviceProfile['defaults'];
  const profile = defined({
    schemaVersion: 1 as const, id: typed.id, name: typed.name, manufacturer: typed.manufacturer, model: typed.model,
    description: typed.description, protocol: typed.protocol, defaults, points: typed.points.map((p) => resolvePoint(typed, p)), file,
  });
  return deepFreeze(profile as DeviceProfile);
}

/** Reads and parses a YAML or JSON file. FH_PROFILE_NOT_FOUND, FH_PROFILE_UNREADABLE. */
function readDocument(file: string): unknown {
  let text: string;
  try {
    if (statSync(file).size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'FH_PROFILE_NOT_FOUND' : 'FH_PROFILE_UNREADABLE';
    throw new ProfileError(code, `cannot read the profile ${file}: ${(err as Error).message}`, { cause: err, file });
  }
  try {
    return extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ProfileError('FH_PROFILE_UNREADABLE', `cannot parse the profile ${file}: ${(err as Error).message.split('\n')[0]}`, { cause: err, file });
  }
}

/** Loads one file; `expectId` (a lookup by id, or a folder load) must equal the profile's `id`. */
export function loadProfileFile(file: string, expectId?: string): DeviceProfile {
  const data = readDocument(file);
  const profile = parseProfile(data, file);
  if (expectId !== undefined && profile.id !== expectId) throw invalid(file, [`/id: must equal the file name "${expectId}", is "${profile.id}"`]);
  return profile;
}

/** The file of profile `id` in `dirs` then the built-in folder, or undefined. */
export function findProfileFile(id: string, dirs: readonly string[] = []): string | undefined {
  for (const dir of [...dirs, BUILTIN_PROFILES_DIR]) {
    for (const ext of EXTENSIONS) {
      const file = join(dir, `${id}${ext}`);
      if (existsSync(file)) return file;
    }
  }
  return undefined;
}

/**
 * A profile by id (`eastron-sdm120`: searched in `options.dirs`, then devices/profiles/) or by path
 * (anything with a slash or a .yaml/.yml/.json extension). FH_PROFILE_NOT_FOUND,
 * FH_PROFILE_UNREADABLE, FH_PROFILE_INVALID.
 */
export function loadProfile(idOrPath: string, options: LoadProfileOptions = {}): DeviceProfile {
  if (/[\\/]/.test(idOrPath) || /\.(ya?ml|json)$/i.test(idOrPath)) {
    return loadProfileFile(resolve(options.cwd ?? process.cwd(), idOrPath));
  }
  const dirs = (options.dirs ?? []).map((d) => resolve(options.cwd ?? process.cwd(), d));
  if (!new RegExp(PROFILE_ID_PATTERN).test(idOrPath)) {
    throw new ProfileError('FH_PROFILE_NOT_FOUND', `"${idOrPath}" is neither a profile id ([a-z0-9-]) nor a path to a .yaml/.yml/.json file`);
  }
  const file = findProfileFile(idOrPath, dirs);
  if (file === undefined) {
    throw new ProfileError('FH_PROFILE_NOT_FOUND', `no profile "${idOrPath}" in ${[...dirs, BUILTIN_PROFILES_DIR].join(', ')}`);
  }
  return loadProfileFile(file, idOrPath);
}

/**
 * Every profile in a folder (default the built-in one), by id. Each file's id must equal its name;
 * all files are checked and every problem of every file is reported in one FH_PROFILE_INVALID.
 */
export function loadProfiles(dir: string = BUILTIN_PROFILES_DIR): Map<string, DeviceProfile> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => (EXTENSIONS as readonly string[]).includes(extname(n).toLowerCase())).sort();
  } catch (err) {
    throw new ProfileError('FH_PROFILE_NOT_FOUND', `cannot list the profile folder ${dir}: ${(err as Error).message}`, { cause: err });
  }
  const profiles = new Map<string, DeviceProfile>();
  const problems: string[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const id = basename(name, extname(name));
    try {
      if (profiles.has(id)) throw invalid(file, [`/id: "${id}" is already defined by ${profiles.get(id)?.file ?? 'another file'}`]);
      profiles.set(id, loadProfileFile(file, id));
    } catch (err) {
      if (!(err instanceof ProfileError)) throw err;
      problems.push(...(err.problems.length > 0 ? err.problems : [err.message]));
    }
  }
  if (problems.length > 0) throw new ProfileError('FH_PROFILE_INVALID', `invalid profiles in ${dir}: ${problems.join('; ')}`, { problems });
  return profiles;
}
