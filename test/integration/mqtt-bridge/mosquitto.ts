/**
 * A real mosquitto broker for the MQTT sink and bridge tests: started directly with spawn (so we
 * hold its PID) on a free loopback port, with a config file written to test/.tmp/mqtt-bridge/;
 * plain TCP or TLS (server certificate from the test CA), persistence on or off. It can be stopped
 * (SIGTERM: mosquitto saves its database), frozen (SIGSTOP), killed and started again on the same
 * port. mosquitto_sub and mosquitto_pub are the independent observing peers.
 * A missing mosquitto fails with the install hint.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { issueServerCert } from '../../helpers/server-cert.js';
import { TEST_CA_CERT } from '../../helpers/test-ca.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const TMP_DIR = join(ROOT, 'test', '.tmp', 'mqtt-bridge');
const INSTALL_HINT = 'install it with `apt-get install mosquitto mosquitto-clients`';

/** The absolute path of a peer program (mosquitto lives in /usr/sbin), or a failure with the hint. */
export function peerBinary(name: 'mosquitto' | 'mosquitto_sub' | 'mosquitto_pub' | 'mosquitto_passwd'): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/usr/local/sbin'].filter(Boolean);
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch { /* not here */ }
  }
  throw new Error(`${name} is missing: ${INSTALL_HINT}`);
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); res(true); });
    s.once('error', () => res(false));
  });
}

export interface BrokerOptions {
  tls?: boolean;
  persistence?: boolean;
  /** Require this user and password (mosquitto_passwd file); anonymous clients are refused. */
  login?: { username: string; password: string };
}

export class Mosquitto {
  readonly dir: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private logText = '';
  private readonly children: ChildProcess[] = [];

  private constructor(readonly port: number, readonly tls: boolean, private readonly conf: string, dir: string,
    private readonly login?: { username: string; password: string }) {
    this.dir = dir;
  }

  /** Writes the config (and the TLS files) and starts the broker. */
  static async start(name: string, options: BrokerOptions = {}): Promise<Mosquitto> {
    const bin = peerBinary('mosquitto');
    const dir = join(TMP_DIR, `${name}-${randomBytes(4).toString('hex')}`);
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const lines = [
      `listener ${port} 127.0.0.1`,
      `allow_anonymous ${options.login ? 'false' : 'true'}`,
      `persistence ${options.persistence ? 'true' : 'false'}`,
      `persistence_location ${dir}/`,
      'log_dest stderr',
      'log_type all',
    ];
    // As root, mosquitto drops to user "mosquitto", which could not read these files or write the database.
    if (process.getuid?.() === 0) lines.push('user root');
    if (options.login) {
      const passwd = join(dir, 'passwd');
      execFileSync(peerBinary('mosquitto_passwd'), ['-c', '-b', passwd, options.login.username, options.login.password], { stdio: 'pipe' });
      chmodSync(passwd, 0o644);
      lines.push(`password_file ${passwd}`);
    }
    if (options.tls) {
      const tls = issueServerCert(['localhost']);
      writeFileSync(join(dir, 'server.key'), tls.key, { mode: 0o644 });
      writeFileSync(join(dir, 'server.crt'), tls.cert, { mode: 0o644 });
      lines.push(`cafile ${TEST_CA_CERT}`, `certfile ${join(dir, 'server.crt')}`, `keyfile ${join(dir, 'server.key')}`);
    }
    const conf = join(dir, 'mosquitto.conf');
    writeFileSync(conf, lines.join('\n') + '\n');
    const broker = new Mosquitto(port, options.tls === true, conf, dir, options.login);
    await broker.run(bin);
    return broker;
  }

  get url(): string {
    return this.tls ? `mqtts://localhost:${this.port}` : `mqtt://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Everything the broker logged (all runs). */
  get log(): string {
    return this.logText;
  }

  /** Starts the broker again, same port and config (after {@link stop} or {@link kill}). */
  async restart(): Promise<void> {
    await this.run(peerBinary('mosquitto'));
  }

  /** SIGTERM, and waits until it exited (mosquitto saves its database when persistence is on). */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** SIGKILL, and waits until it exited. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Freezes (SIGSTOP) or thaws (SIGCONT) the broker: its sockets stay open, it answers nothing. */
  freeze(on: boolean): void {
    if (this.child?.pid !== undefined) process.kill(this.child.pid, on ? 'SIGSTOP' : 'SIGCONT');
  }

  /** Waits until the broker log has matched `re` `count` times. */
  async waitForLog(re: RegExp, count = 1, ms = 10_000): Promise<void> {
    const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
    const until = Date.now() + ms;
    while ((this.logText.match(global)?.length ?? 0) < count) {
      if (Date.now() > until) throw new Error(`mosquitto log: timed out waiting for ${re} x${count}\n${this.logText.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * mosquitto_sub on `filter` until `count` messages, subscribed (SUBACK sent) when this resolves.
   * `lines` resolves with its output lines: `topic payload`, or with `v5` `topic|userprops|payload`.
   */
  async subscribe(filter: string, count: number, opts: { v5?: boolean } = {}): Promise<{ lines: Promise<string[]> }> {
    const id = `obs-${randomBytes(4).toString('hex')}`;
    const args = [...this.clientArgs(), '-i', id, '-q', '1', '-t', filter, '-C', String(count)];
    if (opts.v5) args.push('-V', 'mqttv5', '-F', '%t|%P|%p');
    else args.push('-v');
    const child = this.spawnPeer(peerBinary('mosquitto_sub'), args);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const lines = new Promise<string[]>((res, rej) => child.once('exit', (code) => {
      if (code === 0) res(out.split('\n').filter((l) => l.length > 0));
      else rej(new Error(`mosquitto_sub exited ${code}: ${err}\n${out}`));
    }));
    lines.catch(() => undefined);
    await this.waitForLog(new RegExp(`Sending SUBACK to ${id}\\b`));
    return { lines };
  }

  /** mosquitto_pub one message, QoS 1; resolves after its PUBACK (the process exits 0). */
  async publish(topic: string, message: string, extra: string[] = []): Promise<void> {
    const child = this.spawnPeer(peerBinary('mosquitto_pub'), [...this.clientArgs(), '-q', '1', '-t', topic, '-m', message, ...extra]);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((res) => child.once('exit', res));
    if (code !== 0) throw new Error(`mosquitto_pub exited ${code}: ${err}`);
  }

  /** Stops the broker and every peer process this harness started, by PID; removes its folder. */
  async close(): Promise<void> {
    for (const c of this.children.splice(0)) {
      if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) process.kill(c.pid, 'SIGTERM');
    }
    if (this.child !== undefined) {
      this.freeze(false);
      await this.stop();
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private clientArgs(): string[] {
    const login = this.login ? ['-u', this.login.username, '-P', this.login.password] : [];
    return this.tls
      ? ['-h', 'localhost', '-p', String(this.port), '--cafile', TEST_CA_CERT, ...login]
      : ['-h', '127.0.0.1', '-p', String(this.port), ...login];
  }

  private spawnPeer(bin: string, args: string[]): ChildProcess {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    return child;
  }

  private async run(bin: string): Promise<void> {
    if (this.child !== undefined) throw new Error('mosquitto is already running');
    const child = spawn(bin, ['-c', this.conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => (this.logText += d.toString()));
    let gone = false;
    this.exited = new Promise((res) => child.once('exit', () => {
      gone = true;
      if (this.child === child) this.child = undefined;
      res();
    }));
    const until = Date.now() + 10_000;
    while (!(await canConnect(this.port))) {
      if (gone) throw new Error(`mosquitto exited at start:\n${this.logText}`);
      if (Date.now() > until) throw new Error(`mosquitto did not listen on ${this.port}:\n${this.logText}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child?.pid === undefined) return;
    const exited = this.exited;
    process.kill(child.pid, sig);
    const timer = setTimeout(() => { if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL'); }, 5000);
    await exited;
    clearTimeout(timer);
  }
}
