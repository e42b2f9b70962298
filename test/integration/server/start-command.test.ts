/**
 * `fieldhub start` with no config in an empty working directory: the README's main command.
 *
 * Its embedded default uses the fixed ports 8883 and 8443, which other test files (or a hub on
 * the machine) may hold. So, where we may (root with util-linux `unshare`), it runs in a private
 * network namespace: the real default ports, and the CLI and mosquitto_pub reach it from inside
 * that namespace (nsenter). Without that privilege the test runs the same command with a config
 * file that overrides only the two ports (to 0), and checks everything else of the default.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionString, signSas } from '../../../hub-core/core/sas.js';
import { FIELDHUB_BIN, ensureDist } from '../../helpers/hub-process.js';
import { runCli } from '../cli/run-cli.js';

// dist/ is what the processes run: (re)build it here, outside any test's time limit.
beforeAll(() => ensureDist(), 180_000);

const cwd = mkdtempSync(join(tmpdir(), 'fh-start-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const netns = spawnSync('unshare', ['-n', 'true']).status === 0 && spawnSync('nsenter', ['--version']).status === 0;

describe('fieldhub start (embedded default)', () => {
  it(`comes up on ./data with MQTT 8883 and HTTPS 8443 ${netns ? 'in a private network namespace' : '(ports overridden: no netns privilege)'}`, { timeout: 60_000 }, async () => {
    ensureDist();
    const env = { ...process.env, FIELDHUB_LOG_LEVEL: 'info' };
    let args: string[];
    if (netns) {
      // unshare and sh both exec, so the child's PID is node's own.
      args = ['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, FIELDHUB_BIN, 'start'];
    } else {
      writeFileSync(join(cwd, 'ports.yaml'), 'mqtt: {port: 0}\namqp: {port: 0}\nhttps: {port: 0}\n');
      args = [process.execPath, FIELDHUB_BIN, 'start', '--config', 'ports.yaml'];
    }
    const child = spawn(args[0]!, args.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const ready = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const m = /^fieldhub gateway ready: .*$/m.exec(out);
          if (m) resolve(m[0]);
        });
        child.once('exit', (code) => reject(new Error(`fieldhub start exited (${code}):\n${out}\n${err}`)));
      });

      const info = JSON.parse(readFileSync(join(cwd, 'data', 'hub.json'), 'utf8')) as {
        hostName: string; bindAddress: string; ports: { mqtt: number; https: number; amqp: number }; pid: number; caFile: string;
      };
      expect(info.pid).toBe(child.pid);
      expect(info).toMatchObject({ hostName: 'localhost', bindAddress: '0.0.0.0', caFile: join(cwd, 'data', 'certs', 'ca.pem') });
      expect(statSync(join(cwd, 'data', 'certs', 'ca.key')).mode & 0o777).toBe(0o600);
      // The embedded default: the system module, no upstream, no routes.
      expect(out).toMatch(/upstream: +none/);
      expect(out).toMatch(/modules: +system/);
      expect(ready).toBe(`fieldhub gateway ready: mqtts://localhost:${info.ports.mqtt} https://localhost:${info.ports.https} amqps://localhost:${info.ports.amqp}`);

      if (netns) {
        expect(info.ports).toEqual({ mqtt: 8883, https: 8443, amqp: 5671 });
        const inside = ['nsenter', '-t', String(child.pid), '-n'];
        // No --data-dir: the CLI finds the gateway in ./data by itself.
        const created = await runCli(['device', 'create', 'gw-dev'], { cwd, prefix: inside });
        expect(created.code).toBe(0);
        const cs = parseConnectionString(created.stdout.trim());
        // 8883 is the SDK's default: no GatewayHostName needed.
        expect(Object.keys(cs)).toEqual(['HostName', 'DeviceId', 'SharedAccessKey']);

        // A plain MQTT client (mosquitto_pub) publishes telemetry on 8883; QoS 1 returns after PUBACK.
        const token = signSas('localhost/devices/gw-dev', cs.SharedAccessKey!, Math.floor(Date.now() / 1000) + 600);
        const pub = spawnSync('nsenter', [...inside, 'mosquitto_pub', '-h', 'localhost', '-p', '8883', '--cafile', info.caFile,
          '-V', 'mqttv311', '-i', 'gw-dev', '-u', 'localhost/gw-dev/?api-version=2021-04-12', '-P', token,
          '-t', 'devices/gw-dev/messages/events/', '-q', '1', '-m', 'hello gateway'], { encoding: 'utf8' });
        expect(pub.status, pub.stderr).toBe(0);
        const monitor = spawn('nsenter', [...inside, process.execPath, FIELDHUB_BIN, 'monitor', '--device', 'gw-dev', '--from-start'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
        const line = await new Promise<string>((resolve, reject) => {
          let text = '';
          monitor.stdout.setEncoding('utf8').on('data', (d: string) => {
            text += d;
            if (text.includes('\n')) resolve(text.split('\n')[0]!);
          });
          monitor.once('exit', (code) => reject(new Error(`monitor exited ${code}`)));
        });
        const monitorExit = new Promise<number | null>((resolve) => monitor.once('exit', (code) => resolve(code)));
        monitor.kill('SIGINT');
        expect(await monitorExit).toBe(0);
        expect(JSON.parse(line)).toMatchObject({ deviceId: 'gw-dev', body: 'hello gateway', bodyEncoding: 'utf8' });
        const twin = await runCli(['twin', 'show', 'gw-dev'], { cwd, prefix: inside });
        expect(JSON.parse(twin.stdout).deviceId).toBe('gw-dev');
      } else {
        const created = await runCli(['device', 'create', 'gw-dev'], { cwd });
        expect(created.code).toBe(0);
        expect(parseConnectionString(created.stdout.trim()).GatewayHostName).toBe(`localhost:${info.ports.mqtt}`);
      }

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(join(cwd, 'data', 'hub.json'))).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
