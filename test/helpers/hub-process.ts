/**
 * Starts `node bin/fieldhub.js hub …` as a real child process (the PID is node itself, so a
 * signal reaches the hub, not a shell), waits for its ready line, and reads DIR/hub.json for the
 * ports, CA and owner connection string. For end-to-end tests of every area.
 *
 *   const hub = await startHubProcess({ hostName: '127.0.0.1', bindAddress: '127.0.0.1' });
 *   … hub.ports.mqtt, hub.ownerConnectionString, hub.ca …
 *   await hub.stop();        // SIGTERM, waits for exit 0
 *   await hub.cleanup();     // stops if needed, removes a data folder the helper created
 *
 * Ports default to 0 (any free port) so test files never collide; pass httpsPort: 443 with a
 * random loopback address (loopback.ts) for azure-iothub. The dist build is refreshed first when
 * sources are newer than it (see ensureDist), so a test never runs yesterday's code.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// --- dist/ in step with the sources ----------------------------------------------------------
// bin/fieldhub.js runs dist/. `npm test` builds first, but a plain `npx vitest run …` after an
// edit would run old code; parallel workers share one build through a lock folder.

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRY = join(REPO_ROOT, 'dist', 'runtime', 'cli', 'main.js');
const SOURCE_DIRS = ['runtime', 'hub-core', 'modules', 'devices'];
const LOCK = join(REPO_ROOT, 'test', '.tmp', 'build.lock');

function newestSource(dir: string): number {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function distTime(): number {
  try {
    return statSync(ENTRY).mtimeMs;
  } catch {
    return 0;
  }
}

function stale(): boolean {
  const sources = Math.max(...SOURCE_DIRS.map((d) => newestSource(join(REPO_ROOT, d))));
  return distTime() < sources;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Builds dist/ (tsc -p tsconfig.build.json) when a source is newer than it. */
export function ensureDist(): void {
  if (!stale()) return;
  mkdirSync(dirname(LOCK), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another worker builds; a lock older than 5 minutes is left from a killed run.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 300_000) rmSync(LOCK, { recursive: true, force: true });
      } catch { /* gone meanwhile */ }
      if (Date.now() > deadline) throw new Error(`waited 180 s for the build lock ${LOCK}`);
      sleepSync(250);
    }
  }
  try {
    if (!stale()) return;
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'pipe' });
    } catch (err) {
      // Type errors still emit JavaScript; only a missing result is fatal.
      output = String((err as { stdout?: Buffer }).stdout ?? err);
    }
    if (stale()) throw new Error(`npm run build did not refresh ${ENTRY}:\n${output}`);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

// --- the hub process --------------------------------------------------------------------------

export const FIELDHUB_BIN = join(REPO_ROOT, 'bin', 'fieldhub.js');

export interface StartHubOptions {
  /** The hub's host name (certificate SAN, SAS sr, HostName in connection strings). Default 127.0.0.1. */
  hostName?: string;
  /** Address to bind. Default 127.0.0.1. */
  bindAddress?: string;
  /** Default 0 (any free port). */
  mqttPort?: number;
  /** Default 0 (any free port). */
  httpsPort?: number;
  /** Default 0 (any free port); 5671 for azure-iothub's AMQP client (C2D send, feedback). */
  amqpPort?: number;
  /** Data folder; default a new temporary folder (removed by cleanup()). */
  dataDir?: string;
  /** Issue the server certificate from this CA (e.g. the test CA, so NODE_EXTRA_CA_CERTS trusts it). */
  caCertFile?: string;
  caKeyFile?: string;
  /** More config keys (merged into the generated config file), e.g. `{ limits: { telemetryPerSecond: 5 } }`. */
  config?: Record<string, unknown>;
  /** Appended to the command line. */
  extraArgs?: string[];
  /** `hub` (default) or `start` (the gateway command). */
  command?: 'hub' | 'start';
  /** Extra environment; FIELDHUB_LOG_LEVEL defaults to `info` (logs are captured, shown on failure). */
  env?: Record<string, string>;
  /** Working directory of the process. Default the repository root. */
  cwd?: string;
  /** How long to wait for the ready line, ms. Default 30000. */
  readyTimeoutMs?: number;
}

export interface HubExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface HubProcess {
  pid: number;
  dataDir: string;
  hostName: string;
  bindAddress: string;
  ports: { mqtt: number; https: number; amqp: number };
  ownerConnectionString: string;
  /** Path of the CA certificate clients must trust, and its PEM. */
  caFile: string;
  ca: string;
  /** The ready line as printed. */
  readyLine: string;
  /** Output captured so far (stderr: the JSON logs, last 256 KB). */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<HubExit>;
  /** Sends `signal` (default SIGTERM) and waits for the exit (SIGKILL after timeoutMs, default 15000). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<HubExit>;
  /** SIGKILL, as a crash: hub.json stays behind. */
  kill9(): Promise<HubExit>;
  /** Stops the process if it runs and removes the data folder when the helper created it. */
  cleanup(): Promise<void>;
}

const MAX_CAPTURE = 256 * 1024;

function capture(stream: NodeJS.ReadableStream | null): { text: () => string } {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    text += chunk;
    if (text.length > MAX_CAPTURE) text = text.slice(-MAX_CAPTURE);
  });
  return { text: () => text };
}

function waitExit(child: ChildProcess): Promise<HubExit> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolvePromise({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('exit', (code, signal) => resolvePromise({ code, signal }));
  });
}

/** The command-line arguments for a hub with these options (exported for tests that spawn themselves). */
export function hubArgs(o: StartHubOptions & { dataDir: string; configFile?: string }): string[] {
  return [
    FIELDHUB_BIN, o.command ?? 'hub',
    '--data-dir', o.dataDir,
    '--hostname', o.hostName ?? '127.0.0.1',
    '--bind', o.bindAddress ?? '127.0.0.1',
    '--mqtt-port', String(o.mqttPort ?? 0),
    '--https-port', String(o.httpsPort ?? 0),
    '--amqp-port', String(o.amqpPort ?? 0),
    ...(o.configFile ? ['--config', o.configFile] : []),
    ...(o.extraArgs ?? []),
  ];
}

/** Starts a hub process and resolves once it printed its ready line and wrote hub.json. */
export async function startHubProcess(options: StartHubOptions = {}): Promise<HubProcess> {
  ensureDist();
  const ownDir = options.dataDir === undefined;
  const dataDir = resolve(options.dataDir ?? mkdtempSync(join(tmpdir(), 'fh-hub-')));
  let configFile: string | undefined;
  if (options.caCertFile !== undefined || options.caKeyFile !== undefined || options.config !== undefined) {
    const tls = { ...(options.caCertFile ? { caCertFile: options.caCertFile } : {}), ...(options.caKeyFile ? { caKeyFile: options.caKeyFile } : {}) };
    const cfg = { ...options.config, ...(Object.keys(tls).length ? { tls: { ...(options.config?.tls as object | undefined), ...tls } } : {}) };
    configFile = join(mkdtempSync(join(tmpdir(), 'fh-hubcfg-')), 'config.json');
    writeFileSync(configFile, JSON.stringify(cfg));
  }
  const child = spawn(process.execPath, hubArgs({ ...options, dataDir, ...(configFile ? { configFile } : {}) }), {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, FIELDHUB_LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = capture(child.stdout);
  const err = capture(child.stderr);
  const exited = waitExit(child);
  const timeoutMs = options.readyTimeoutMs ?? 30_000;

  // The hub reads its config only at start: the file goes once the process is ready or gone,
  // so restarts that never call cleanup() leave nothing behind.
  const dropConfig = (): void => { if (configFile) rmSync(resolve(configFile, '..'), { recursive: true, force: true }); };
  const readyLine = await new Promise<string>((resolveReady, reject) => {
    const fail = (why: string): void => {
      cleanupListeners();
      reject(new Error(`fieldhub ${options.command ?? 'hub'} ${why}\n--- stdout ---\n${out.text()}\n--- stderr ---\n${err.text().slice(-8000)}`));
    };
    const onData = (): void => {
      const m = /^fieldhub (?:hub|gateway) ready: .*$/m.exec(out.text());
      if (m) {
        cleanupListeners();
        resolveReady(m[0]);
      }
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(`printed no ready line within ${timeoutMs} ms (killed)`);
    }, timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => fail(`exited before ready (code ${code}, signal ${signal})`);
    const cleanupListeners = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  }).finally(dropConfig).catch(async (error: unknown) => {
    // Not ready: make sure it is gone, and leave no temporary data folder behind.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });

  const info = JSON.parse(readFileSync(join(dataDir, 'hub.json'), 'utf8')) as {
    hostName: string; bindAddress: string; ports: { mqtt: number; https: number; amqp: number }; ownerConnectionString: string; caFile: string; pid: number;
  };
  if (info.pid !== child.pid) throw new Error(`hub.json in ${dataDir} names pid ${info.pid}, not ${child.pid}`);

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', stopTimeoutMs = 15_000): Promise<HubExit> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    pid: child.pid ?? -1,
    dataDir,
    hostName: info.hostName,
    bindAddress: info.bindAddress,
    ports: info.ports,
    ownerConnectionString: info.ownerConnectionString,
    caFile: info.caFile,
    ca: readFileSync(info.caFile, 'utf8'),
    readyLine,
    stdout: out.text,
    stderr: err.text,
    exited,
    stop,
    kill9: () => stop('SIGKILL'),
    cleanup: async () => {
      await stop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
