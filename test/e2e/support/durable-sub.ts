/**
 * A mosquitto_sub observer with a persistent session (`-c`, a fixed client id, QoS 1), for tests
 * that stop and restart a broker: the broker (persistence on) keeps the session and queues what
 * arrives for it while the observer is detached, so nothing published during or right after a
 * restart can slip past the observer. Each attach() is one mosquitto_sub process, stopped by PID.
 * The broker harness is test/integration/mqtt-bridge/mosquitto.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { peerBinary, type Mosquitto } from '../../integration/mqtt-bridge/mosquitto.js';

export interface DurableSubscriber {
  readonly clientId: string;
  /**
   * Creates the session and its subscription, then leaves at once (`-E`): from now on the broker
   * queues every matching message for the next attach(). Nothing is in flight when it leaves, so
   * nothing is redelivered later that was not really queued.
   */
  register(): Promise<void>;
  /**
   * Connects with the session and subscribes to the filter; resolves once the broker sent the
   * SUBACK. `lines` resolves with `topic payload` lines after `count` messages (queued ones first).
   */
  attach(count: number): Promise<{ lines: Promise<string[]> }>;
  /** Stops every mosquitto_sub this observer started that still runs. */
  close(): void;
}

export function durableSubscriber(broker: Mosquitto, filter: string): DurableSubscriber {
  const clientId = `obs-durable-${randomBytes(4).toString('hex')}`;
  const children: ChildProcess[] = [];
  let attaches = 0;
  return {
    clientId,
    async register() {
      const args = ['-h', '127.0.0.1', '-p', String(broker.port), '-i', clientId, '-c', '-q', '1', '-t', filter, '-E'];
      const child = spawn(peerBinary('mosquitto_sub'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
      children.push(child);
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      if (code !== 0) throw new Error(`mosquitto_sub -E ${clientId} exited ${code}: ${err}`);
      attaches += 1;
    },
    async attach(count) {
      const args = ['-h', '127.0.0.1', '-p', String(broker.port), '-i', clientId, '-c', '-q', '1', '-t', filter, '-v', '-C', String(count)];
      const child = spawn(peerBinary('mosquitto_sub'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let out = '';
      let err = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const lines = new Promise<string[]>((resolve, reject) => child.once('exit', (code) => {
        if (code === 0) resolve(out.split('\n').filter((l) => l.length > 0));
        else reject(new Error(`mosquitto_sub ${clientId} exited ${code}: ${err}\n${out}`));
      }));
      lines.catch(() => undefined);
      attaches += 1;
      // The broker log is shared by every run of the broker: wait for this attach's SUBACK.
      await broker.waitForLog(new RegExp(`Sending SUBACK to ${clientId}\\b`), attaches);
      return { lines };
    },
    close() {
      for (const c of children.splice(0)) {
        if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) process.kill(c.pid, 'SIGTERM');
      }
    },
  };
}
