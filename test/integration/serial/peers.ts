/**
 * The serial tests' peer: a socat pty pair (test-peers.md §2), spawned directly so the test holds
 * its PID. The module opens end A; the test drives end B with a second `serialport` (writes,
 * reads what the module wrote). Killing socat makes both link paths vanish (an adapter unplugged);
 * `replug()` starts a new socat with the same link names. A missing socat fails with its install
 * hint. Each process is stopped by its own PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SerialPort } from 'serialport';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = join(here, 'fixtures');
export const INSTALL_HINT = 'apt-get install socat';

/** Throws with the install hint unless socat runs. */
export function requireSocat(): void {
  const r = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (r.error !== undefined || r.status !== 0) throw new Error(`socat is missing (the serial tests' virtual serial ports): ${INSTALL_HINT}`);
}

/** A scratch folder for one test file under test/.tmp/serial/. */
export function scratchDir(name: string): string {
  const dir = resolve(here, '..', '..', '.tmp', 'serial', `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Removes a scratch folder (after the test file). */
export function removeScratch(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

/** Polls `check` until it holds (a guard against hanging, not a speed assertion). */
export async function waitFor(check: () => boolean | Promise<boolean>, what: () => string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The test's end of the line. */
export interface PeerEnd {
  /** Everything the module wrote so far. */
  readonly received: Buffer[];
  receivedBytes(): Buffer;
  /** Writes each chunk and waits for it to drain, `gapMs` apart (so they arrive as separate reads). */
  send(chunks: readonly (string | Buffer)[], gapMs?: number): Promise<void>;
  /** Answers every chunk the module writes with `reply(chunk)` (when it returns bytes). */
  answer(reply: (chunk: Buffer) => string | Buffer | undefined): void;
  close(): Promise<void>;
}

export interface PtyPair {
  /** The module's end. */
  readonly a: string;
  /** The test's end. */
  readonly b: string;
  /** socat's PID. */
  readonly pid: number;
  /** Opens end B with serialport. */
  openPeer(): Promise<PeerEnd>;
  /** Kills socat: both link paths vanish. */
  unplug(): Promise<void>;
  /** A new socat with the same link names. */
  replug(): Promise<void>;
  stop(): Promise<void>;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(child.pid, 'SIGTERM');
  await exited;
}

/** `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B`; resolves once both links exist. */
export async function startPty(dir: string, name = 'tty'): Promise<PtyPair> {
  requireSocat();
  const a = join(dir, `${name}A`);
  const b = join(dir, `${name}B`);
  let child: ChildProcess;
  const spawnSocat = async (): Promise<void> => {
    child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    await waitFor(() => existsSync(a) && existsSync(b), () => `the socat pty links (${stderr.trim()})`, 5000);
  };
  await spawnSocat();
  return {
    a, b,
    get pid() {
      return child.pid!;
    },
    openPeer: () => openPeer(b),
    async unplug() {
      await stopChild(child);
      await waitFor(() => !existsSync(a) && !existsSync(b), () => 'the socat links to vanish', 5000);
    },
    replug: spawnSocat,
    stop: () => stopChild(child),
  };
}

async function openPeer(path: string): Promise<PeerEnd> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((res, rej) => port.open((err) => (err ? rej(err) : res())));
  const received: Buffer[] = [];
  let responder: ((chunk: Buffer) => string | Buffer | undefined) | undefined;
  port.on('error', () => undefined);
  port.on('data', (chunk: Buffer) => {
    received.push(chunk);
    const answer = responder?.(chunk);
    if (answer !== undefined) port.write(answer);
  });
  const writeOne = (chunk: string | Buffer): Promise<void> => new Promise((res, rej) => {
    port.write(chunk, (err) => (err ? rej(err) : port.drain((e) => (e ? rej(e) : res()))));
  });
  return {
    received,
    receivedBytes: () => Buffer.concat(received),
    async send(chunks, gapMs = 30) {
      for (const [i, c] of chunks.entries()) {
        if (i > 0 && gapMs > 0) await sleep(gapMs);
        await writeOne(c);
      }
    },
    answer(reply) {
      responder = reply;
    },
    close: () => new Promise<void>((res) => (port.isOpen ? port.close(() => res()) : res())),
  };
}
