/**
 * The lifecycle of one configured module instance: its module identity and session, start within
 * a bound, stop within a bound, and restart with capped exponential backoff after a failure (start
 * threw or timed out, the module reported `failed` health, or the core ended its session). State
 * changes run one at a time through a small queue, so a failure, a restart timer and a stop never
 * interleave. A failure here never reaches other instances.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, HubCoreApi } from '../../hub-core/core/api.js';
import { FieldhubError, isHubError } from '../../hub-core/errors.js';
import { childLogger, type Logger } from '../../hub-core/log.js';
import { RuntimeError } from '../errors.js';
import type { FieldhubModule, ModuleHealth } from './api.js';
import { settleWithin } from './bounded.js';
import { errorText, InProcessConnection } from './in-process-connection.js';
import type { LeafOwners } from './leaf-device.js';
import type { ResolvedModule } from './module-configs.js';
import { ModuleRun } from './module-context.js';

export type ModuleState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed' | 'backoff';

/** What `ModuleHost.status()` shows per instance. */
export interface ModuleStatus {
  type: string;
  state: ModuleState;
  /** Restarts after failures since this instance was configured. */
  restarts: number;
  lastError?: { code: string; message: string; at: string };
  health?: ModuleHealth;
  /** In state `backoff`: ms until the next start attempt. */
  nextRestartInMs?: number;
}

export interface InstanceDeps {
  core: HubCoreApi;
  gatewayDeviceId: string;
  /** The host's data folder; the instance gets `<dataDir>/<name>`. */
  dataDir: string;
  logger: Logger;
  clock: Clock;
  startTimeoutMs: number;
  stopTimeoutMs: number;
  restart: { minDelayMs: number; maxDelayMs: number };
  leafOwners: LeafOwners;
}

export class ModuleInstance {
  private state: ModuleState = 'stopped';
  private restarts = 0;
  private consecutiveFailures = 0;
  private lastError: ModuleStatus['lastError'];
  private health: ModuleHealth | undefined;
  private run: ModuleRun | undefined;
  private module: FieldhubModule | undefined;
  private runningSince: number | undefined;
  private restartTimer: { cancel(): void } | undefined;
  private restartAt: number | undefined;
  private wanted = false;
  private failStart: ((err: Error) => void) | undefined;
  private ops: Promise<void> = Promise.resolve();
  private readonly logger: Logger;

  constructor(readonly spec: ResolvedModule, private readonly deps: InstanceDeps) {
    this.logger = childLogger(deps.logger, `module:${spec.name}`);
  }

  get name(): string {
    return this.spec.name;
  }

  /** Starts the instance; resolves once this attempt ended (running, or failed and backing off). */
  start(): Promise<void> {
    this.wanted = true;
    this.cancelRestart();
    return this.enqueue(() => this.tryStart());
  }

  /**
   * Stops the instance and its restarts. Bounded: a start in progress gets `stopTimeoutMs` to
   * settle after its signal aborts, then `stop()` gets `stopTimeoutMs` (FH_MODULE_STOP_TIMEOUT,
   * state `failed`, when it does not finish).
   */
  stop(): Promise<void> {
    this.requestStop();
    return this.enqueue(async () => {
      if (this.run !== undefined || this.module !== undefined) {
        this.state = 'stopping';
        this.state = (await this.stopRun()) ? 'stopped' : 'failed';
      } else if (this.state !== 'failed') {
        // `failed` with nothing running is an abandoned start or stop: it stays visible.
        this.state = 'stopped';
      }
    });
  }

  /** Tells a start in progress to give up (its signal aborts) and cancels restarts, without waiting. */
  requestStop(): void {
    this.wanted = false;
    this.cancelRestart();
    this.run?.abort.abort();
  }

  status(): ModuleStatus {
    const s: ModuleStatus = { type: this.spec.type, state: this.state, restarts: this.restarts };
    if (this.lastError !== undefined) s.lastError = { ...this.lastError };
    if (this.health !== undefined) s.health = { ...this.health };
    if (this.state === 'backoff' && this.restartAt !== undefined) s.nextRestartInMs = Math.max(0, this.restartAt - this.deps.clock.now());
    return s;
  }

  // ---- transitions (run through the queue) ----

  private enqueue(op: () => Promise<void>): Promise<void> {
    const next = this.ops.then(op).catch((err: unknown) => {
      this.logger.error({ event: 'module-host-bug', err: errorText(err) }, 'unexpected error in a module transition');
    });
    this.ops = next;
    return next;
  }

  private async tryStart(): Promise<void> {
    if (!this.wanted || this.state === 'running') return;
    this.state = 'starting';
    this.restartAt = undefined;
    this.health = undefined;
    const fatal = new Promise<never>((_, reject) => {
      this.failStart = reject;
    });
    fatal.catch(() => undefined);
    try {
      const run = await this.openRun();
      // Stopped while the identity was being set up: the module starts with its signal aborted.
      if (!this.wanted) run.abort.abort();
      // The factory may load the type's implementation first (a dynamic import): a failure to
      // load fails this attempt like a start that threw.
      const module = await this.spec.factory.create();
      this.module = module;
      const { startTimeoutMs, stopTimeoutMs, clock } = this.deps;
      const started = await settleWithin(() => module.start(run.context), {
        ms: startTimeoutMs, clock, signal: run.abort.signal, graceMs: stopTimeoutMs, fatal,
      });
      if (!this.wanted) {
        // Stopped while starting: whatever start did, stop it (a start that ignored its signal is a stop timeout).
        if (started.kind === 'timeout') this.stopTimedOut('start did not end after its signal aborted');
        else this.logger.info({ event: 'module-start-interrupted' }, 'module stopped while starting');
        await this.stopRun();
        this.state = started.kind === 'timeout' ? 'failed' : 'stopped';
        return;
      }
      if (started.kind === 'timeout') throw new RuntimeError('FH_MODULE_FAILED', `start did not finish within ${startTimeoutMs} ms`);
      if (started.kind === 'error') throw started.error;
      run.enableInputs();
      this.state = 'running';
      this.runningSince = clock.now();
      this.logger.info({ event: 'module-started', type: this.spec.type, version: this.spec.factory.manifest.version }, 'module started');
    } catch (err) {
      await this.failRun(this.run, err);
    } finally {
      this.failStart = undefined;
    }
  }

  /** Creates the module identity if missing, its folder, and its in-process session. */
  private async openRun(): Promise<ModuleRun> {
    const { core, gatewayDeviceId, dataDir, leafOwners } = this.deps;
    const name = this.spec.name;
    try {
      await core.registry.getModule(gatewayDeviceId, name);
    } catch (err) {
      if (!isHubError(err, 'FH_REGISTRY_NOT_FOUND')) throw err;
      await core.registry.createModule({ deviceId: gatewayDeviceId, moduleId: name, managedBy: 'fieldhub' }).catch((e: unknown) => {
        if (!isHubError(e, 'FH_REGISTRY_EXISTS')) throw e;
      });
    }
    const folder = join(dataDir, name);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    let run: ModuleRun | undefined;
    const conn = await InProcessConnection.open(core, { deviceId: gatewayDeviceId, moduleId: name }, this.logger, (reason) => {
      if (run !== undefined) this.fatal(run, `the hub ended the module session (${reason.code})`);
    });
    run = new ModuleRun({
      name, config: this.spec.config, gatewayDeviceId, logger: this.logger, dataDir: folder, core, conn, leafOwners,
      onFatal: (reason) => this.fatal(run!, reason),
      onHealth: (health) => {
        if (this.run === run) this.health = health;
      },
    });
    this.run = run;
    return run;
  }

  /** A fatal report from a run: fails a start in progress, or fails a running module. */
  private fatal(run: ModuleRun, reason: string): void {
    if (run !== this.run) return;
    const err = new RuntimeError('FH_MODULE_FAILED', reason);
    if (this.state === 'starting') this.failStart?.(err);
    else if (this.state === 'running') void this.enqueue(() => this.failRun(run, err));
  }

  /** Records the failure, tears the run down, and schedules a restart if the instance is still wanted. */
  private async failRun(run: ModuleRun | undefined, err: unknown): Promise<void> {
    if (run !== this.run) return;
    const code = err instanceof FieldhubError ? err.code : 'FH_MODULE_FAILED';
    this.lastError = { code, message: err instanceof Error ? err.message : String(err), at: new Date(this.deps.clock.now()).toISOString() };
    this.logger.error({ event: 'module-failed', code: 'FH_MODULE_FAILED', cause: code, err: errorText(err) }, 'module failed');
    this.state = 'failed';
    await this.stopRun();
    if (this.wanted) this.scheduleRestart();
    else this.state = 'stopped';
  }

  /** Stops the module (bounded) and releases its run; false when stop() timed out. */
  private async stopRun(): Promise<boolean> {
    const { run, module } = this;
    this.run = undefined;
    this.module = undefined;
    run?.abort.abort();
    let clean = true;
    if (module !== undefined) {
      const { stopTimeoutMs, clock } = this.deps;
      const stopped = await settleWithin(() => module.stop(), { ms: stopTimeoutMs, clock });
      if (stopped.kind === 'timeout') {
        clean = false;
        this.stopTimedOut(`stop did not finish within ${stopTimeoutMs} ms`);
      } else if (stopped.kind === 'error') {
        this.logger.warn({ event: 'module-stop-failed', err: errorText(stopped.error) }, 'module stop threw');
      }
    }
    await run?.release();
    return clean;
  }

  private stopTimedOut(message: string): void {
    this.lastError = { code: 'FH_MODULE_STOP_TIMEOUT', message, at: new Date(this.deps.clock.now()).toISOString() };
    this.logger.error({ event: 'module-stop-timeout', code: 'FH_MODULE_STOP_TIMEOUT', stopTimeoutMs: this.deps.stopTimeoutMs, detail: message }, 'module did not stop in time; abandoned');
  }

  private scheduleRestart(): void {
    const { clock, restart } = this.deps;
    const now = clock.now();
    // A module that ran for a while before failing starts over at the shortest delay.
    if (this.runningSince !== undefined && now - this.runningSince >= restart.maxDelayMs) this.consecutiveFailures = 0;
    this.runningSince = undefined;
    this.consecutiveFailures++;
    const delay = Math.min(restart.maxDelayMs, restart.minDelayMs * 2 ** Math.min(30, this.consecutiveFailures - 1));
    this.state = 'backoff';
    this.restartAt = now + delay;
    this.logger.warn({ event: 'module-restart-scheduled', code: 'FH_MODULE_FAILED', delayMs: delay, failures: this.consecutiveFailures }, 'module restart scheduled');
    this.restartTimer = clock.setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.wanted) return;
      this.restarts++;
      void this.enqueue(() => this.tryStart());
    }, delay);
  }

  private cancelRestart(): void {
    this.restartTimer?.cancel();
    this.restartTimer = undefined;
    this.restartAt = undefined;
  }
}
