/**
 * The Modbus tests' real peers: a socat pty pair (a virtual RS-485 line) and the pymodbus 3.0 server
 * of modbus-peer.py (TCP, or RTU on one end of the pty pair), with its request log and its datastore
 * commands. A missing peer fails with the command that installs it. Each process is stopped by its
 * own PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const PEER_SCRIPT = join(here, 'modbus-peer.py');
export const PYTHON = '/usr/bin/python3';
export const INSTALL_HINT = 'apt-get install socat python3-pymodbus python3-serial python3-serial-asyncio';

/** Throws with the install hint unless socat and Debian's pymodbus (with pyserial) are present. */
export function requireModbusPeers(): void {
  const missing: string[] = [];
  if (spawnSync('socat', ['-V'], { stdio: 'ignore' }).status !== 0) missing.push('socat');
  if (!existsSync(PYTHON)) missing.push(PYTHON);
  else {
    for (const mod of ['pymodbus', 'serial', 'serial_asyncio']) {
      if (spawnSync(PYTHON, ['-c', `import ${mod}`], { stdio: 'ignore' }).status !== 0) missing.push(`python module ${mod}`);
    }
  }
  if (missing.length > 0) throw new Error(`Modbus test peers missing (${missing.join(', ')}): ${INSTALL_HINT}`);
}

/** A scratch folder for this test file under test/.tmp/modbus/. */
export function scratchDir(name: string): string {
  const dir = resolve(here, '..', '..', '.tmp', 'modbus', `${name}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(child.pid, 'SIGTERM');
  await exited;
}

export interface PtyPair {
  /** The master's end (fieldhub opens it). */
  readonly a: string;
  /** The slave's end (the pymodbus RTU server opens it). */
  readonly b: string;
  stop(): Promise<void>;
}

/** `socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B` (test-peers.md §2). */
export async function startPty(dir: string, name = 'tty'): Promise<PtyPair> {
  const a = join(dir, `${name}A`);
  const b = join(dir, `${name}B`);
  const child = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  await until(() => existsSync(a) && existsSync(b), 'the socat pty links');
  return { a, b, stop: () => stopChild(child) };
}

/** A Modbus request the peer logged. */
export interface LoggedRequest {
  unit: number;
  fc: number;
  address: number;
  count?: number;
  values?: (number | boolean)[];
}

export type Table = 'hr' | 'ir' | 'co' | 'di';

export interface PeerConfig {
  mode: 'tcp' | 'rtu';
  device?: string;
  baud?: number;
  /** Served unit ids with preloaded blocks: `{ "1": { hr: [[address, [values]]] } }`. */
  units: Record<string, Partial<Record<Table, [number, number[]][]>>>;
  single?: boolean;
  lineBaud?: number;
  logRequests?: boolean;
}

export interface ModbusPeer {
  /** TCP port (mode tcp). */
  readonly port: number;
  readonly requests: LoggedRequest[];
  readonly responses: { unit: number; fc: number; exception: number | null }[];
  get(unit: number, table: Table, address: number, count: number): Promise<number[]>;
  set(unit: number, table: Table, address: number, values: number[]): Promise<void>;
  /** Requests served per unit (counted in the peer, also with logRequests off). */
  stats(): Promise<Record<string, number>>;
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts modbus-peer.py and waits for its ready line. */
export async function startModbusPeer(config: PeerConfig): Promise<ModbusPeer> {
  const child = spawn(PYTHON, [PEER_SCRIPT, JSON.stringify({ host: '127.0.0.1', port: 0, ...config })], { stdio: ['pipe', 'pipe', 'pipe'] });
  const requests: LoggedRequest[] = [];
  const responses: ModbusPeer['responses'] = [];
  const replies = new Map<number, (msg: Record<string, unknown>) => void>();
  let ready: Record<string, unknown> | undefined;
  let stderr = '';
  let partial = '';
  let nextId = 1;
  child.stderr!.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      const msg = JSON.parse(line) as Record<string, unknown> & { event: string };
      if (msg.event === 'ready') ready = msg;
      else if (msg.event === 'request') requests.push(msg as unknown as LoggedRequest);
      else if (msg.event === 'response') responses.push(msg as unknown as ModbusPeer['responses'][number]);
      else if (msg.event === 'reply') replies.get(msg.id as number)?.(msg);
    }
  });
  await until(() => ready !== undefined || child.exitCode !== null, 'the pymodbus peer', 10_000).catch((err: Error) => {
    throw new Error(`${err.message}; stderr: ${stderr}`);
  });
  if (ready === undefined) throw new Error(`the pymodbus peer exited (${child.exitCode}): ${stderr}`);
  const command = (cmd: Record<string, unknown>): Promise<Record<string, unknown>> => new Promise((res, rej) => {
    const id = nextId++;
    const timer = setTimeout(() => rej(new Error(`peer did not answer ${JSON.stringify(cmd)}; stderr: ${stderr}`)), 5000);
    replies.set(id, (msg) => {
      clearTimeout(timer);
      replies.delete(id);
      res(msg);
    });
    child.stdin!.write(`${JSON.stringify({ id, ...cmd })}\n`);
  });
  return {
    port: typeof ready.port === 'number' ? ready.port : 0,
    requests,
    responses,
    async get(unit, table, address, count) {
      return (await command({ cmd: 'get', unit, table, address, count })).values as number[];
    },
    async set(unit, table, address, values) {
      await command({ cmd: 'set', unit, table, address, values });
    },
    async stats() {
      return (await command({ cmd: 'stats' })).requests as Record<string, number>;
    },
    stderr: () => stderr,
    stop: () => stopChild(child),
  };
}
