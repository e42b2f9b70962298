// Parent side of the load generator: spreads devices over N child processes (one per core) and
// drives them in lock step, so every target sees the same load from the same code. The child is
// loadgen-child.mjs (MQTT) unless another one speaking the same IPC commands is given
// (amqp-loadgen-child.mjs).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuMs, merge, newHistogram, waitExit } from './measure.mjs';

const childPath = fileURLToPath(new URL('./loadgen-child.mjs', import.meta.url));

export class LoadGenerator {
  constructor(workers = 2, child = childPath) {
    this.children = Array.from({ length: workers }, () => fork(child, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    for (const child of this.children) {
      child.on('exit', (code, signal) => {
        if (!this.closing) process.stderr.write(`bench: generator ${child.pid} exited (${code ?? signal})\n`);
      });
    }
  }

  get pids() {
    return this.children.map((c) => c.pid);
  }

  /** Sends a command to every child and waits for each one's answer of kind `ev`. */
  all(cmds, ev) {
    return Promise.all(this.children.map((child, i) => new Promise((resolve, reject) => {
      const onMessage = (msg) => {
        if (msg.ev === 'error') { cleanup(); reject(new Error(`generator ${child.pid}: ${msg.message}`)); }
        else if (msg.ev === ev) { cleanup(); resolve(msg); }
      };
      const onExit = () => { cleanup(); reject(new Error(`generator ${child.pid} exited`)); };
      const cleanup = () => { child.off('message', onMessage); child.off('exit', onExit); };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send(Array.isArray(cmds) ? cmds[i] : cmds);
    })));
  }

  /**
   * Connects `devices` (split round-robin over the children); resolves to the number connected.
   * Throws when any connection is refused: a benchmark with missing connections is not comparable.
   */
  async connect(target, devices, concurrency = 20) {
    const parts = this.children.map((_, i) => devices.filter((__, k) => k % this.children.length === i));
    const answers = await this.all(parts.map((d) => ({ cmd: 'connect', target, devices: d, concurrency })), 'connected');
    const failed = answers.flatMap((a) => a.failed);
    if (failed.length > 0) throw new Error(`${failed.length} connections failed, e.g. ${failed.slice(0, 3).join('; ')}`);
    return answers.reduce((n, a) => n + a.count, 0);
  }

  async startPublishing(window, payloadBytes) {
    await this.all({ cmd: 'publish', window, payloadBytes }, 'publishing');
  }

  /** Starts the measurement window: counters reset, CPU times taken. */
  async mark() {
    await this.all({ cmd: 'mark' }, 'marked');
    return this.pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  }

  /** Ends the window: merged ack count and latency histogram, generator CPU at the end. */
  async stop() {
    const cpuEnd = this.pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
    const answers = await this.all({ cmd: 'stop' }, 'stats');
    const hist = newHistogram();
    for (const a of answers) merge(hist, a.hist);
    return {
      acked: answers.reduce((n, a) => n + a.acked, 0),
      ackedTotal: answers.reduce((n, a) => n + a.ackedTotal, 0),
      hist,
      cpuEnd,
      errorCount: answers.reduce((n, a) => n + a.errorCount, 0),
      errors: answers.flatMap((a) => a.errors),
      openConnections: answers.reduce((n, a) => n + a.openConnections, 0),
    };
  }

  async close() {
    this.closing = true;
    for (const child of this.children) {
      if (child.connected) child.send({ cmd: 'close' });
    }
    await Promise.all(this.children.map((c) => waitExit(c, 3000)));
  }
}
