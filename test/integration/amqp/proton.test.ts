/**
 * An independent AMQP 1.0 implementation against the head: python3-qpid-proton (Debian's
 * package, run with /usr/bin/python3) authenticates with SASL PLAIN (`{d}@sas.{hub}` + SAS
 * token), sends telemetry and receives a C2D message (peers/proton_device.py).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedbackRecord } from '../../../hub-core/core/types.js';
import { TEST_CA_CERT } from '../../helpers/test-ca.js';
import { addSasIdentity, deviceToken, logsWith, startAmqpHub, storedTelemetry, waitFor, type AmqpTestHub } from './harness.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'peers', 'proton_device.py');
const INSTALL_HINT = 'python3-qpid-proton is missing: install it as root with ' +
  '`apt-get update && apt-get install -y --no-install-recommends python3-qpid-proton` (the tests run it with /usr/bin/python3)';

/** Fails (never skips) when the peer is not installed. */
function assertProton(): void {
  const probe = spawnSync(PYTHON, ['-c', 'import proton'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) throw new Error(INSTALL_HINT);
}

interface PeerRun {
  events: Array<Record<string, unknown>>;
  code: number | null;
  stderr: string;
}

const children = new Set<ChildProcess>();

function runPeer(hub: AmqpTestHub, deviceId: string, token: string, mode = 'device'): Promise<PeerRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, String(hub.port), TEST_CA_CERT, hub.hostName, deviceId, mode], {
      env: { ...process.env, FH_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let out = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      children.delete(child);
      const events = out.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ events, code, stderr });
    });
  });
}

describe('python3-qpid-proton device against the AMQP head', () => {
  let hub: AmqpTestHub;

  beforeEach(async () => {
    assertProton();
    hub = await startAmqpHub();
  });
  afterEach(async () => {
    // Only the peers this file started, by PID.
    for (const child of children) if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await hub.close();
  });

  it('authenticates with SASL PLAIN, sends telemetry and receives C2D', async () => {
    const key = await addSasIdentity(hub, 'py-dev');
    const feedback: FeedbackRecord[] = [];
    hub.core.c2d.onFeedback((r) => feedback.push(r));
    await hub.core.c2d.send('py-dev', {
      body: Buffer.from('hello python'), system: { messageId: 'to-py', ack: 'positive' }, properties: { via: 'amqp' },
    });

    const run = await runPeer(hub, 'py-dev', deviceToken(hub, 'py-dev', key));
    expect(run.code, run.stderr).toBe(0);
    expect(run.events).toContainEqual({ event: 'telemetry-accepted' });
    // The feedback request travels as app property `iothub-ack` [contract C "C2D to the device"].
    expect(run.events).toContainEqual({
      event: 'c2d', id: 'to-py', body: 'hello python', properties: { via: 'amqp', 'iothub-ack': 'positive' },
    });

    const [stored] = await storedTelemetry(hub, 'py-dev');
    expect(Buffer.from(stored!.message.body).toString()).toBe('hello from proton');
    expect(stored!.message.system).toMatchObject({ messageId: 'py-1', contentType: 'text/plain' });
    expect(stored!.message.properties).toEqual({ source: 'proton' });
    // The proton client accepted the C2D message: completed, positive feedback.
    const record = await waitFor(() => feedback.find((f) => f.originalMessageId === 'to-py'), 'feedback');
    expect(record.statusCode).toBe('Success');
    expect(await hub.core.c2d.queueDepth('py-dev')).toBe(0);
  });

  it('refuses SASL PLAIN when the token is not for the user it names', async () => {
    const key = await addSasIdentity(hub, 'py-a');
    await addSasIdentity(hub, 'py-b');
    // A valid token for py-a presented as py-b: SASL outcome auth, nothing stored.
    const run = await runPeer(hub, 'py-b', deviceToken(hub, 'py-a', key));
    expect(run.code).not.toBe(0);
    expect(run.events.find((e) => e.event === 'transport-error')?.condition).toBe('amqp:unauthorized-access');
    expect(await storedTelemetry(hub)).toEqual([]);
  });

  it('closes only the connection of a peer that gives two links one name (rhea pitfall), others unaffected', async () => {
    const key = await addSasIdentity(hub, 'py-dup');
    const run = await runPeer(hub, 'py-dup', deviceToken(hub, 'py-dup', key), 'dup-links');
    expect(run.code, run.stderr).toBe(0);
    expect(run.events).toContainEqual({ event: 'disconnected' });
    expect(logsWith(hub, { event: 'protocol-error', code: 'FH_MSG_INVALID' }).length).toBeGreaterThanOrEqual(1);
    // The hub process is fine and serves the next proton device.
    await hub.core.c2d.send('py-dup', { body: Buffer.from('after'), system: { messageId: 'after-dup' }, properties: {} });
    const ok = await runPeer(hub, 'py-dup', deviceToken(hub, 'py-dup', key));
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.events).toContainEqual({ event: 'telemetry-accepted' });
  });
});
