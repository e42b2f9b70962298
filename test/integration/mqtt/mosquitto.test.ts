/**
 * Interop with mosquitto's command-line clients (a C MQTT 3.1.1 implementation, not the Azure
 * SDK): mosquitto_pub publishes telemetry with QoS 1, mosquitto_sub receives a C2D message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_CA_CERT } from '../../helpers/test-ca.js';
import { addSasIdentity, deviceToken, startMqttHub, storedTelemetry, username, waitFor, type MqttTestHub } from './harness.js';

const PUB = '/usr/bin/mosquitto_pub';
const SUB = '/usr/bin/mosquitto_sub';

interface Run { child: ChildProcess; stdout: string; stderr: string; exit: Promise<number | null> }

describe('MQTT head: mosquitto clients', () => {
  let hub: MqttTestHub;
  let key: string;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    for (const bin of [PUB, SUB]) {
      if (!existsSync(bin)) throw new Error(`${bin} is missing: install it with \`apt-get install -y mosquitto-clients\``);
    }
  });
  beforeEach(async () => {
    hub = await startMqttHub();
    key = await addSasIdentity(hub, 'dev1');
  });
  afterEach(async () => {
    // Only the processes this test started, by PID.
    for (const child of children.splice(0)) if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await hub.close();
  });

  function run(bin: string, args: string[]): Run {
    const common = ['-h', '127.0.0.1', '-p', String(hub.port), '--cafile', TEST_CA_CERT, '-V', 'mqttv311',
      '-i', 'dev1', '-u', username(hub, 'dev1'), '-P', deviceToken(hub, 'dev1', key)];
    const child = spawn(bin, [...common, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const r: Run = { child, stdout: '', stderr: '', exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
    child.stdout!.on('data', (d: Buffer) => (r.stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (r.stderr += d.toString()));
    return r;
  }

  it('mosquitto_pub telemetry (QoS 1, property bag) is stored', async () => {
    const pub = run(PUB, ['-q', '1', '-t', 'devices/dev1/messages/events/%24.mid=mosq-1&kind=interop', '-m', 'from mosquitto']);
    const code = await pub.exit;
    expect(pub.stderr).toBe('');
    expect(code).toBe(0);
    const stored = await storedTelemetry(hub, 'dev1');
    expect(stored).toHaveLength(1);
    expect(Buffer.from(stored[0]!.message.body).toString()).toBe('from mosquitto');
    expect(stored[0]!.message.system.messageId).toBe('mosq-1');
    expect(stored[0]!.message.properties).toEqual({ kind: 'interop' });
  });

  it('mosquitto_sub on devicebound/# receives a C2D message', async () => {
    const sub = run(SUB, ['-q', '1', '-t', 'devices/dev1/messages/devicebound/#', '-C', '1', '-v']);
    await waitFor(() => hub.connects.get('dev1') === 1, 'mosquitto_sub connected');
    await hub.core.c2d.send('dev1', { body: Buffer.from('to mosquitto'), system: { messageId: 'c1' }, properties: { k: 'v' } });
    const code = await sub.exit;
    expect(code).toBe(0);
    const [topic, ...payload] = sub.stdout.trim().split(' ');
    // Every key and value percent-encoded in segment 5: `%24.mid=c1&%24.to=%2Fdevices%2Fdev1…&k=v`.
    const [, , , , bag, ...extra] = topic!.split('/');
    expect(extra).toEqual([]);
    expect(bag!.split('&')).toEqual(expect.arrayContaining(['%24.mid=c1', 'k=v']));
    expect(bag).toMatch(/(^|&)%24\.to=%2Fdevices%2Fdev1%2Fmessages%2FdeviceBound(&|$)/i);
    expect(payload.join(' ')).toBe('to mosquitto');
    // mosquitto_sub PUBACKed it: the message is completed.
    await waitFor(async () => (await hub.core.c2d.queueDepth('dev1')) === 0, 'C2D completed');
  });
});
