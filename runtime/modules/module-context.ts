/**
 * The {@link ModuleContext} of one run of a module instance: its module identity's in-process
 * connection (outputs, inputs, own twin), the leaf devices it registered, its health, and the
 * abort signal. A run ends at teardown: the context then refuses every call with
 * FH_MODULE_NOT_RUNNING, leaf devices are disconnected and the module identity too.
 */
import type { HubCoreApi } from '../../hub-core/core/api.js';
import type { HubError } from '../../hub-core/errors.js';
import type { Logger } from '../../hub-core/log.js';
import { RuntimeError } from '../errors.js';
import type { LeafDevice, Message, ModuleContext, ModuleHealth, OutgoingMessage } from './api.js';
import type { InProcessConnection } from './in-process-connection.js';
import { LeafDeviceHandle, type LeafOwners } from './leaf-device.js';

export interface RunInit {
  name: string;
  config: unknown;
  gatewayDeviceId: string;
  logger: Logger;
  dataDir: string;
  core: HubCoreApi;
  conn: InProcessConnection;
  leafOwners: LeafOwners;
  /** The module reported `failed` health, or one of its sessions was ended by the core. */
  onFatal(reason: string): void;
  /** Health changed (for status). */
  onHealth(health: ModuleHealth): void;
}

/** One run of a module: its context plus what teardown must release. */
export class ModuleRun {
  readonly abort = new AbortController();
  readonly context: ModuleContext;
  private readonly inputs = new Map<string, (message: Message) => Promise<void>>();
  private readonly leaves = new Map<string, Promise<LeafDeviceHandle>>();
  private alive = true;

  constructor(private readonly init: RunInit) {
    const run = this;
    this.context = {
      name: init.name,
      config: init.config,
      gatewayDeviceId: init.gatewayDeviceId,
      logger: init.logger,
      signal: this.abort.signal,
      dataDir: init.dataDir,
      publish: (output, message) => run.publish(output, message),
      onInput: (input, handler) => run.onInput(input, handler),
      updateReported: (patch) => run.guarded(() => init.conn.updateReported(patch)),
      registerDevice: (deviceId) => run.registerDevice(deviceId),
      setHealth: (health) => run.setHealth(health),
    };
  }

  /** Turns input delivery on (once the module is ready). Messages for unknown inputs are rejected. */
  enableInputs(): void {
    this.init.conn.enableC2d((message) => {
      const handler = message.system.inputName === undefined ? undefined : this.inputs.get(message.system.inputName);
      return handler === undefined ? 'reject' : { handler };
    });
  }

  /**
   * Ends the run: refuses further calls, disconnects the leaf devices and the module identity
   * (the core returns unsettled input and C2D messages to their queues).
   */
  async release(): Promise<void> {
    if (!this.alive) return;
    this.alive = false;
    this.abort.abort();
    for (const opening of this.leaves.values()) {
      const leaf = await opening.catch(() => undefined);
      await leaf?.close();
    }
    this.leaves.clear();
    this.init.conn.disconnect();
  }

  private async publish(output: string, message: OutgoingMessage): Promise<void> {
    if (typeof output !== 'string' || output === '' || output.includes('/')) throw new TypeError('publish: output must be a non-empty name without "/"');
    await this.guarded(() => this.init.conn.send(message, output));
  }

  private onInput(input: string, handler: (message: Message) => Promise<void>): void {
    if (typeof input !== 'string' || input === '' || input.includes('/')) throw new TypeError('onInput: input must be a non-empty name without "/"');
    this.inputs.set(input, handler);
  }

  private setHealth(health: ModuleHealth): void {
    if (!this.alive) return;
    this.init.onHealth({ ...health });
    if (health.status === 'failed') this.init.onFatal(health.message ?? 'the module reported failed health');
  }

  private registerDevice(deviceId: string): Promise<LeafDevice> {
    return this.guarded(async () => {
      const existing = this.leaves.get(deviceId);
      if (existing !== undefined) {
        const leaf = await existing.catch(() => undefined);
        if (leaf?.active === true) return leaf;
      }
      const { core, name, gatewayDeviceId, logger, leafOwners } = this.init;
      leafOwners.claim(deviceId, name);
      const opening = LeafDeviceHandle.open(
        core, deviceId, gatewayDeviceId, logger.child({ leaf: deviceId }),
        (reason: HubError) => logger.warn({ event: 'leaf-session-lost', deviceId, code: reason.code }, 'the hub ended a leaf device session'),
        () => {
          leafOwners.release(deviceId, name);
          if (this.leaves.get(deviceId) === opening) this.leaves.delete(deviceId);
        },
      );
      this.leaves.set(deviceId, opening);
      try {
        const leaf = await opening;
        if (!this.alive) {
          await leaf.close();
          throw new RuntimeError('FH_MODULE_NOT_RUNNING', `module ${name} stopped while registering ${deviceId}`);
        }
        return leaf;
      } catch (err) {
        this.leaves.delete(deviceId);
        leafOwners.release(deviceId, name);
        throw err;
      }
    });
  }

  /** Runs `fn` only while the run is alive; FH_MODULE_NOT_RUNNING otherwise. */
  private async guarded<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.alive) throw new RuntimeError('FH_MODULE_NOT_RUNNING', `module ${this.init.name} is not running`);
    return fn();
  }
}
