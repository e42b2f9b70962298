/**
 * The port vanishing and returning, as when a USB adapter is unplugged and plugged back: socat is
 * killed (both link paths disappear, the module's reads fail), the module turns degraded with
 * FH_SERIAL_PORT_LOST and retries with capped backoff (FH_SERIAL_OPEN_FAILED meanwhile), writes
 * fail with 503; a new socat with the same link names appears and the module reopens by itself,
 * without a module restart, and data flows again. Also: a port missing at start.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runSerial, type SerialRun } from './harness.js';
import { FIXTURES, removeScratch, requireSocat, scratchDir, sleep, startPty, type PeerEnd, type PtyPair } from './peers.js';

let dir: string;
const cleanup: (() => Promise<void>)[] = [];

afterAll(() => removeScratch(dir));
beforeAll(() => {
  requireSocat();
  dir = scratchDir('reopen');
});
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const reopen = { minDelayMs: 100, maxDelayMs: 400 };

function port(path: string): Record<string, unknown> {
  return { name: 'usb0', path, deviceId: 'thermo-1', profile: 'thermo-regex', telemetry: 'frame' };
}

describe('serial port lost and back', () => {
  it('reopens by itself when the unplugged port comes back, and data flows again', async () => {
    const pty: PtyPair = await startPty(dir, 'usb');
    cleanup.push(() => pty.stop());
    const run: SerialRun = await runSerial({ ports: [port(pty.a)], profileDirs: [FIXTURES], reopen }, dir);
    cleanup.push(() => run.stop());
    let peer: PeerEnd = await pty.openPeer();
    await peer.send(['T=1.00;H=10\r\n']);
    await run.waitTelemetry('thermo-1', 1);

    await pty.unplug(); // the peer's end dies with socat, as a device does with its adapter
    await peer.close();
    const lost = await run.waitHealth((h) => h.status === 'degraded', 'degraded after the unplug');
    expect(lost.message).toMatch(/usb0/);
    expect(run.port('usb0')).toMatchObject({ losses: 1 });
    expect(await run.invoke('thermo-1', 'write', { data: 'x' })).toMatchObject({ status: 503, payload: { code: 'FH_SERIAL_WRITE_FAILED' } });
    // While it stays away, attempts fail with FH_SERIAL_OPEN_FAILED, spaced out up to the cap.
    await run.waitHealth(() => (run.port('usb0').openFailures as number) >= 2, 'failed reopen attempts');
    expect(run.port('usb0')).toMatchObject({ state: 'down', error: { code: 'FH_SERIAL_OPEN_FAILED' } });
    expect(run.port('usb0').nextAttemptInMs as number).toBeLessThanOrEqual(reopen.maxDelayMs);

    await pty.replug();
    await run.waitHealth((h) => h.status === 'ok' && run.port('usb0').state === 'open', 'open again after the replug');
    expect(run.port('usb0')).toMatchObject({ opens: 2, losses: 1 });
    peer = await pty.openPeer();
    cleanup.push(() => peer.close());
    await peer.send(['T=2.', '00;H=20\r\n']);
    await run.waitTelemetry('thermo-1', 2);
    expect(run.telemetry('thermo-1').map((m) => m.body)).toEqual([{ temperature: 1, humidity: 10 }, { temperature: 2, humidity: 20 }]);
    expect(await run.invoke('thermo-1', 'write', { data: 'back', appendDelimiter: true })).toMatchObject({ status: 200 });
    await sleep(100);
    expect(peer.receivedBytes().toString('latin1')).toBe('back\r\n');
    // The module itself never failed or restarted.
    expect(run.host.status().se).toMatchObject({ state: 'running', restarts: 0 });
  });

  it('starts degraded when the port is missing, and opens it once it appears', async () => {
    const path = `${dir}/lateA`;
    const run = await runSerial({ ports: [port(path)], profileDirs: [FIXTURES], reopen }, dir);
    cleanup.push(() => run.stop());
    const h = await run.waitHealth((x) => x.status === 'degraded', 'degraded at start');
    expect(h.message).toMatch(/FH_SERIAL_OPEN_FAILED/);
    expect(run.host.status().se!.state).toBe('running');
    const pty = await startPty(dir, 'late');
    cleanup.push(() => pty.stop());
    await run.waitHealth((x) => x.status === 'ok', 'ok once the port appeared');
    const peer = await pty.openPeer();
    cleanup.push(() => peer.close());
    await peer.send(['T=3.00;H=30\r\n']);
    expect((await run.waitTelemetry('thermo-1', 1))[0]!.body).toEqual({ temperature: 3, humidity: 30 });
  });
});
