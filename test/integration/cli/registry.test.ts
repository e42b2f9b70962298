/**
 * The registry and twin commands against a running hub, reached through `--data-dir` (hub.json)
 * and through `--hub` with a policy connection string.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionString } from '../../../hub-core/core/sas.js';
import { ensureDist, startHubProcess, type HubProcess } from '../../helpers/hub-process.js';
import { runCli } from './run-cli.js';

// dist/ is what the processes run: (re)build it here, outside any test's time limit.
beforeAll(() => ensureDist(), 180_000);

let hub: HubProcess;
let at: string[];

beforeAll(async () => {
  hub = await startHubProcess({ hostName: 'localhost', bindAddress: '127.0.0.1' });
  at = ['--data-dir', hub.dataDir];
});
afterAll(async () => {
  await hub?.cleanup();
});

describe('fieldhub device', () => {
  it('create prints only the connection string, with GatewayHostName for a port other than 8883', async () => {
    const r = await runCli(['device', 'create', 'cli-dev-1', ...at]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const cs = parseConnectionString(r.stdout.trim());
    expect(Object.keys(cs)).toEqual(['HostName', 'DeviceId', 'SharedAccessKey', 'GatewayHostName']);
    expect(cs).toMatchObject({ HostName: 'localhost', DeviceId: 'cli-dev-1', GatewayHostName: `localhost:${hub.ports.mqtt}` });
    expect(Buffer.from(cs.SharedAccessKey!, 'base64')).toHaveLength(32);

    const again = await runCli(['device', 'connection-string', 'cli-dev-1', ...at]);
    expect(again.stdout).toBe(r.stdout);
    const lan = await runCli(['device', 'connection-string', 'cli-dev-1', '--gateway-host', '192.168.7.2', ...at]);
    expect(parseConnectionString(lan.stdout.trim()).GatewayHostName).toBe(`192.168.7.2:${hub.ports.mqtt}`);
  });

  it('create takes given keys, a disabled status, an X.509 thumbprint and modules', async () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const sas = await runCli(['device', 'create', 'cli-dev-2', '--primary-key', key, '--disabled', ...at]);
    expect(sas.code).toBe(0);
    expect(parseConnectionString(sas.stdout.trim()).SharedAccessKey).toBe(key);
    const shown = JSON.parse((await runCli(['device', 'show', 'cli-dev-2', ...at])).stdout);
    expect(shown).toMatchObject({ deviceId: 'cli-dev-2', status: 'disabled', authentication: { type: 'sas', symmetricKey: { primaryKey: key } } });

    const thumb = 'ab:'.repeat(19) + 'ab';
    const x509 = await runCli(['device', 'create', 'cli-cam', '--x509-thumbprint', thumb, ...at]);
    expect(x509.code).toBe(0);
    expect(x509.stdout.trim()).toBe(`HostName=localhost;DeviceId=cli-cam;x509=true;GatewayHostName=localhost:${hub.ports.mqtt}`);
    const cam = JSON.parse((await runCli(['device', 'show', 'cli-cam', ...at])).stdout);
    expect(cam.authentication).toMatchObject({ type: 'selfSigned', x509Thumbprint: { primaryThumbprint: 'AB'.repeat(20) } });

    const mod = await runCli(['device', 'create', 'cli-dev-2', '--module', 'filter', ...at]);
    expect(mod.code).toBe(0);
    expect(parseConnectionString(mod.stdout.trim())).toMatchObject({ DeviceId: 'cli-dev-2', ModuleId: 'filter' });
    const mods = await runCli(['device', 'list', '--device', 'cli-dev-2', '--json', ...at]);
    expect(JSON.parse(mods.stdout).map((m: { moduleId: string }) => m.moduleId)).toEqual(['filter']);
  });

  it('list shows the devices; delete removes one; errors carry the hub\u2019s code', async () => {
    await runCli(['device', 'create', 'cli-gone', ...at]);
    const table = await runCli(['device', 'list', ...at]);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^DEVICE\s+STATUS\s+AUTH\s+CONNECTION\s+LAST ACTIVITY$/);
    expect(table.stdout).toMatch(/^cli-gone\s+enabled\s+sas\s+Disconnected\s+0001-01-01T00:00:00Z$/m);

    const del = await runCli(['device', 'delete', 'cli-gone', ...at]);
    expect(del).toEqual({ code: 0, stdout: '', stderr: '' });
    const json = JSON.parse((await runCli(['device', 'list', '--json', ...at])).stdout) as { deviceId: string }[];
    expect(json.map((d) => d.deviceId)).not.toContain('cli-gone');

    const missing = await runCli(['device', 'show', 'cli-gone', ...at]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe('fieldhub: FH_CLI_REQUEST_FAILED: show cli-gone: hub answered 404 DeviceNotFound: device cli-gone is not registered\n');

    const dup = await runCli(['device', 'create', 'cli-dev-1', ...at]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/409 DeviceAlreadyExists/);
  });

  it('usage errors exit 2 with one FH_CLI_USAGE line', async () => {
    const noId = await runCli(['device', 'create', ...at]);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toMatch(/^fieldhub: FH_CLI_USAGE: missing required argument 'id'/);
    const badThumb = await runCli(['device', 'create', 'x', '--x509-thumbprint', 'nothex', ...at]);
    expect(badThumb.code).toBe(2);
    expect(badThumb.stderr).toContain('--x509-thumbprint must be a SHA-1');
    const both = await runCli(['device', 'list', '--hub', hub.ownerConnectionString, ...at]);
    expect(both.code).toBe(2);
    const noHub = await runCli(['device', 'list', '--data-dir', '/nonexistent-dir']);
    expect(noHub.code).toBe(1);
    expect(noHub.stderr).toMatch(/FH_CLI_NO_HUB: no hub is running on \/nonexistent-dir/);
  });

  it('reaches the hub with --hub, --ca and --https-port instead of --data-dir', async () => {
    const base = ['--hub', hub.ownerConnectionString, '--https-port', String(hub.ports.https)];
    const ok = await runCli(['device', 'create', 'cli-remote', ...base, '--ca', hub.caFile]);
    expect(ok.code).toBe(0);
    // MQTT port unknown without hub.json: no GatewayHostName unless asked for.
    expect(Object.keys(parseConnectionString(ok.stdout.trim()))).toEqual(['HostName', 'DeviceId', 'SharedAccessKey']);
    const untrusted = await runCli(['device', 'list', ...base], { env: { NODE_EXTRA_CA_CERTS: '' } });
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/FH_CLI_UNREACHABLE: .*TLS: .*--ca FILE or NODE_EXTRA_CA_CERTS/);
    const wrongKey = hub.ownerConnectionString.replace(/SharedAccessKey=.*/, `SharedAccessKey=${Buffer.alloc(32).toString('base64')}`);
    const denied = await runCli(['device', 'list', '--hub', wrongKey, '--https-port', String(hub.ports.https), '--ca', hub.caFile]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/FH_CLI_REQUEST_FAILED: list devices: hub answered 401 IotHubUnauthorizedAccess/);
  });
});

describe('fieldhub twin', () => {
  it('update patches desired properties and tags; show prints the twin; a stale etag is refused', async () => {
    await runCli(['device', 'create', 'cli-twin', ...at]);
    const up = await runCli(['twin', 'update', 'cli-twin', '--desired', '{"interval":5,"mode":"eco"}', '--tags', '{"site":"north"}', ...at]);
    expect(up.code).toBe(0);
    const twin = JSON.parse(up.stdout);
    expect(twin.tags).toEqual({ site: 'north' });
    expect(twin.properties.desired).toMatchObject({ interval: 5, mode: 'eco', $version: 2 });

    const del = await runCli(['twin', 'update', 'cli-twin', '--desired', '{"mode":null}', '--etag', twin.etag, ...at]);
    expect(del.code).toBe(0);
    const shown = JSON.parse((await runCli(['twin', 'show', 'cli-twin', ...at])).stdout);
    expect(shown.properties.desired.mode).toBeUndefined();
    expect(shown.properties.desired.interval).toBe(5);

    const stale = await runCli(['twin', 'update', 'cli-twin', '--desired', '{"x":1}', '--etag', twin.etag, ...at]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/FH_CLI_REQUEST_FAILED: update twin cli-twin: hub answered 412/);

    const nothing = await runCli(['twin', 'update', 'cli-twin', ...at]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('needs --desired JSON and/or --tags JSON');
    const badJson = await runCli(['twin', 'update', 'cli-twin', '--desired', '{nope', ...at]);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toContain('is not valid JSON');
  });
});
