/**
 * Loading profile files: by id (given folders first, then devices/profiles/) and by path, YAML and
 * JSON; each failure with its code, its file and, for invalid content, its JSON path. Files live
 * under test/.tmp/devices/.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProfileError, type ProfileError } from './errors.js';
import { BUILTIN_PROFILES_DIR, loadProfile, loadProfiles } from './loader.js';

const TMP = resolve(import.meta.dirname, '..', 'test', '.tmp', 'devices', `loader-${process.pid}`);
const GOOD_YAML = `# a comment
schemaVersion: 1
id: my-sensor
name: My sensor
protocol: modbus
points:
  - { name: temperature, unit: degC, scale: 0.1, modbus: { table: input, address: 1, type: int16 } }
`;

function caught(fn: () => unknown): ProfileError {
  try {
    fn();
  } catch (err) {
    if (isProfileError(err)) return err;
    throw err;
  }
  throw new Error('expected a ProfileError');
}

function write(rel: string, text: string): string {
  const file = join(TMP, rel);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
}

beforeAll(() => mkdirSync(TMP, { recursive: true }));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('loadProfile', () => {
  it('loads YAML and JSON by path, remembering the file', () => {
    const yamlFile = write('a/my-sensor.yaml', GOOD_YAML);
    const p = loadProfile(yamlFile);
    expect(p).toMatchObject({ id: 'my-sensor', protocol: 'modbus', file: yamlFile });
    const jsonFile = write('b/other.json', JSON.stringify({ schemaVersion: 1, id: 'other', name: 'Other', protocol: 'serial', points: [{ name: 'x', serial: { field: 'x', type: 'number' } }] }));
    expect(loadProfile('other.json', { cwd: join(TMP, 'b') })).toMatchObject({ id: 'other', file: jsonFile });
  });

  it('finds an id in the given folders before the built-in one', () => {
    write('c/xy-md02.yml', GOOD_YAML.replace('id: my-sensor', 'id: xy-md02').replace('My sensor', 'Local override'));
    expect(loadProfile('xy-md02', { dirs: [join(TMP, 'c')] }).name).toBe('Local override');
    expect(loadProfile('xy-md02').file).toBe(join(BUILTIN_PROFILES_DIR, 'xy-md02.yaml'));
  });

  it('requires a profile found by id to carry that id', () => {
    write('d/renamed.yaml', GOOD_YAML);
    const err = caught(() => loadProfile('renamed', { dirs: [join(TMP, 'd')] }));
    expect(err.code).toBe('FH_PROFILE_INVALID');
    expect(err.problems).toEqual([`${join(TMP, 'd', 'renamed.yaml')}: /id: must equal the file name "renamed", is "my-sensor"`]);
  });

  it('FH_PROFILE_NOT_FOUND for an unknown id, a missing file, or a name that is neither', () => {
    expect(caught(() => loadProfile('no-such-device')).code).toBe('FH_PROFILE_NOT_FOUND');
    const missing = caught(() => loadProfile(join(TMP, 'nope.yaml')));
    expect([missing.code, missing.file]).toEqual(['FH_PROFILE_NOT_FOUND', join(TMP, 'nope.yaml')]);
    expect(caught(() => loadProfile('Not An Id')).code).toBe('FH_PROFILE_NOT_FOUND');
  });

  it('FH_PROFILE_UNREADABLE for YAML or JSON that does not parse, naming the file and line', () => {
    const bad = write('e/broken.yaml', 'schemaVersion: 1\nid: [unclosed\n');
    const err = caught(() => loadProfile(bad));
    expect([err.code, err.file]).toEqual(['FH_PROFILE_UNREADABLE', bad]);
    expect(err.message).toContain(bad);
    expect(err.message).toMatch(/line \d+/);
    const dup = caught(() => loadProfile(write('e/dup.yaml', 'id: a\nid: b\n')));
    expect(dup.code).toBe('FH_PROFILE_UNREADABLE');
    expect(caught(() => loadProfile(write('e/broken.json', '{"id": '))).code).toBe('FH_PROFILE_UNREADABLE');
  });

  it('FH_PROFILE_INVALID names the file and the JSON path of every problem', () => {
    const file = write('f/bad.yaml', GOOD_YAML.replace('address: 1, type: int16', 'address: 65535, type: float32').replace('scale: 0.1', 'scale: 0.1, writable: true'));
    const err = caught(() => loadProfile(file));
    expect(err.code).toBe('FH_PROFILE_INVALID');
    expect(err.file).toBe(file);
    expect(err.problems).toEqual([
      `${file}: /points/0/writable: table input is read-only (only coil and holding can be written)`,
      `${file}: /points/0/modbus/address: float32 at 65535 spans 2 registers, past the last address 65535`,
    ]);
    expect(err.message).toContain(file);
    expect(err.message).toContain('/points/0/modbus/address');
  });
});

describe('loadProfiles', () => {
  it('loads a folder by id', () => {
    write('g/my-sensor.yaml', GOOD_YAML);
    write('g/README.md', 'not a profile');
    expect([...loadProfiles(join(TMP, 'g')).keys()]).toEqual(['my-sensor']);
  });

  it('reports the problems of every bad file at once', () => {
    write('h/my-sensor.yaml', GOOD_YAML);
    write('h/my-sensor.json', JSON.stringify({ schemaVersion: 1, id: 'my-sensor', name: 'x', protocol: 'modbus', points: [{ name: 'a', modbus: { table: 'coil', address: 0 } }] }));
    write('h/wrong-id.yaml', GOOD_YAML);
    write('h/zz-invalid.yaml', GOOD_YAML.replace('protocol: modbus', 'protocol: ble'));
    const err = caught(() => loadProfiles(join(TMP, 'h')));
    expect(err.code).toBe('FH_PROFILE_INVALID');
    expect(err.problems).toEqual([
      `${join(TMP, 'h', 'my-sensor.yaml')}: /id: "my-sensor" is already defined by ${join(TMP, 'h', 'my-sensor.json')}`,
      `${join(TMP, 'h', 'wrong-id.yaml')}: /id: must equal the file name "wrong-id", is "my-sensor"`,
      `${join(TMP, 'h', 'zz-invalid.yaml')}: /points/0/ble: required for protocol ble`,
      `${join(TMP, 'h', 'zz-invalid.yaml')}: /points/0/modbus: not allowed for protocol ble`,
    ]);
  });

  it('FH_PROFILE_NOT_FOUND for a folder that does not exist', () => {
    expect(caught(() => loadProfiles(join(TMP, 'missing'))).code).toBe('FH_PROFILE_NOT_FOUND');
  });
});
