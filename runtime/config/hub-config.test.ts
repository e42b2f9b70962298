import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../hub-core/index.js';
import { DEFAULT_FILE_UPLOAD } from '../../hub-core/core/index.js';
import { isRuntimeError } from '../errors.js';
import { loadHubConfig } from './hub-config.js';

const dir = mkdtempSync(join(tmpdir(), 'fh-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function configFile(text: string, ext = 'yaml'): string {
  const path = join(dir, `c${n++}.${ext}`);
  writeFileSync(path, text);
  return path;
}

function errorOf(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('loadHubConfig', () => {
  it('fills the hub defaults without a file', () => {
    const c = loadHubConfig({ role: 'hub', cwd: dir });
    expect(c).toMatchObject({
      schemaVersion: 1, hostName: 'localhost', dataDir: join(dir, 'hub-data'), bindAddress: '0.0.0.0',
      mqtt: { port: 8883 }, https: { port: 443 }, amqp: { port: 5671 }, durability: 'process',
      tls: { extraNames: [] }, log: { level: 'info' },
    });
    expect(c.limits).toEqual({
      maxMessageBytes: 262144, maxC2dBytes: 65536, maxC2dQueueDepth: 50, c2dDefaultTtlMs: 3600000,
      c2dMaxDeliveryCount: 10, c2dLockMs: 60000, maxMethodPayloadBytes: 131072, telemetryPerSecond: 0,
      telemetryRetentionMs: 86400000, telemetryMaxHoldMs: 604800000, serviceQueueTtlMs: 3600000, serviceQueueMaxRecords: 10000, serviceQueueMaxDeliveryCount: 10,
    });
  });

  it('fills limits with the hub core\u2019s own defaults, and the example config holds every default', () => {
    const c = loadHubConfig({ role: 'hub', cwd: dir });
    expect(c.limits).toEqual(DEFAULT_LIMITS);
    const example = loadHubConfig({ role: 'hub', file: fileURLToPath(new URL('../../deploy/config/hub.example.yaml', import.meta.url)) });
    expect({ ...example, dataDir: c.dataDir }).toEqual({ ...c });
    expect(example.dataDir).toBe(fileURLToPath(new URL('../../deploy/config/hub-data', import.meta.url)));
  });

  it('fills fileUpload with the hub core\u2019s defaults and resolves its folder against the file', () => {
    const c = loadHubConfig({ role: 'hub', cwd: dir });
    const { dir: uploadDir, ...rest } = c.fileUpload;
    expect(uploadDir).toBeUndefined();
    expect(rest).toEqual(DEFAULT_FILE_UPLOAD);
    const f = loadHubConfig({ role: 'hub', file: configFile('fileUpload: {dir: blobs, quotaBytes: 10, notifications: false}\n') });
    expect(f.fileUpload).toMatchObject({ dir: join(dir, 'blobs'), quotaBytes: 10, notifications: false, sasTtlS: 3600 });
    const message = errorOf(() => loadHubConfig({ role: 'hub', file: configFile('fileUpload: {sasTtlS: 10, size: 1}\n') })).message;
    expect(message).toContain('/fileUpload/sasTtlS: must be >= 60');
    expect(message).toContain('/fileUpload/size: unknown key');
  });

  it('gives the gateway ./data and HTTPS 8443 (a normal user cannot bind 443)', () => {
    const c = loadHubConfig({ role: 'gateway', cwd: dir });
    expect(c.dataDir).toBe(join(dir, 'data'));
    expect(c.https.port).toBe(8443);
    expect(c.mqtt.port).toBe(8883);
  });

  it('reads YAML and JSON, resolving file paths against the file folder, and deep-freezes', () => {
    const y = loadHubConfig({
      role: 'hub', cwd: '/',
      file: configFile('hostName: hub.lan\ndataDir: state\nmqtt: {port: 1883}\ntls:\n  caCertFile: ca.pem\n  caKeyFile: /abs/ca.key\n'),
    });
    expect(y.hostName).toBe('hub.lan');
    expect(y.dataDir).toBe(join(dir, 'state'));
    expect(y.mqtt.port).toBe(1883);
    expect(y.https.port).toBe(443);
    expect(y.tls.caCertFile).toBe(join(dir, 'ca.pem'));
    expect(y.tls.caKeyFile).toBe('/abs/ca.key');
    expect(Object.isFrozen(y.mqtt)).toBe(true);
    expect(() => { (y.mqtt as { port: number }).port = 1; }).toThrow(TypeError);

    const j = loadHubConfig({ role: 'hub', file: configFile('{"durability":"power","limits":{"telemetryPerSecond":5}}', 'json') });
    expect(j.durability).toBe('power');
    expect(j.limits.telemetryPerSecond).toBe(5);
    expect(j.limits.maxMessageBytes).toBe(262144);
  });

  it('lets flags override file values, resolving flag paths against the working directory', () => {
    const c = loadHubConfig({
      role: 'hub', cwd: '/srv', file: configFile('hostName: a.lan\nmqtt: {port: 1883}\nhttps: {port: 4443}\n'),
      overrides: { hostName: 'b.lan', mqttPort: 0, dataDir: 'x', bindAddress: '127.0.0.1' },
    });
    expect(c).toMatchObject({ hostName: 'b.lan', mqtt: { port: 0 }, https: { port: 4443 }, dataDir: '/srv/x', bindAddress: '127.0.0.1' });
  });

  it('lists every error with its JSON path in one FH_CONFIG_INVALID', () => {
    const file = configFile([
      'foo: 1', 'mqtt: {port: 70000}', 'https: {port: "x"}', 'durability: sometimes',
      'limits: {c2dMaxDeliveryCount: 0, bogus: 1}', 'tls: {serverCertFile: s.pem}', 'log: {level: loud}', '',
    ].join('\n'));
    const err = errorOf(() => loadHubConfig({ role: 'hub', file }));
    expect(isRuntimeError(err, 'FH_CONFIG_INVALID')).toBe(true);
    const m = err.message;
    expect(m).toContain(file);
    expect(m).not.toContain('\n');
    expect(m).toContain('/foo: unknown key');
    expect(m).toContain('/mqtt/port: must be <= 65535');
    expect(m).toContain('/https/port: must be integer');
    expect(m).toContain('/durability: must be one of "process", "power"');
    expect(m).toContain('/limits/c2dMaxDeliveryCount: must be >= 1');
    expect(m).toContain('/limits/bogus: unknown key');
    expect(m).toContain('/tls: must have property serverKeyFile when property serverCertFile is present');
    expect(m).toContain('/log/level: must be one of');
  });

  it('reports bad overrides by their config path, and equal ports', () => {
    const a = errorOf(() => loadHubConfig({ role: 'hub', overrides: { mqttPort: -1, hostName: 'https://x:1' } }));
    expect(a.message).toContain('/mqtt/port: must be >= 0');
    expect(a.message).toContain('/hostName: must be a DNS name or an IP literal');
    const b = errorOf(() => loadHubConfig({ role: 'hub', overrides: { mqttPort: 9000, httpsPort: 9000 } }));
    expect(b.message).toContain('/https/port: must differ from /mqtt/port');
  });

  it('accepts IP literals as host names', () => {
    expect(loadHubConfig({ role: 'hub', overrides: { hostName: '127.4.5.6' } }).hostName).toBe('127.4.5.6');
    expect(loadHubConfig({ role: 'hub', overrides: { hostName: 'fd00::1' } }).hostName).toBe('fd00::1');
  });

  it('says FH_CONFIG_UNREADABLE for a missing file or bad YAML, naming the file', () => {
    const missing = errorOf(() => loadHubConfig({ role: 'hub', file: join(dir, 'nope.yaml') }));
    expect(missing.code).toBe('FH_CONFIG_UNREADABLE');
    expect(missing.message).toContain('nope.yaml');
    const bad = configFile('mqtt: [unclosed\n');
    const syntax = errorOf(() => loadHubConfig({ role: 'hub', file: bad }));
    expect(syntax.code).toBe('FH_CONFIG_UNREADABLE');
    expect(syntax.message).toContain(bad);
    const list = errorOf(() => loadHubConfig({ role: 'hub', file: configFile('- a\n- b\n') }));
    expect(list.message).toContain('/: must be object');
  });

  it('treats an empty file as all defaults', () => {
    expect(loadHubConfig({ role: 'gateway', file: configFile('') }).https.port).toBe(8443);
  });
});
