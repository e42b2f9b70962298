/**
 * Leaf devices a module registers: the identity is created in the local registry if missing (its
 * parent is the gateway), then connected in process. One owner per device id across the host: a
 * second module claiming the same id is refused, since the newer session would replace the first.
 */
import type { HubCoreApi } from '../../hub-core/core/api.js';
import { isHubError } from '../../hub-core/errors.js';
import type { HubError } from '../../hub-core/errors.js';
import type { Logger } from '../../hub-core/log.js';
import { RuntimeError } from '../errors.js';
import type { LeafDevice } from './api.js';
import { InProcessConnection } from './in-process-connection.js';

/** Which module owns which leaf device, host-wide. */
export class LeafOwners {
  private readonly owners = new Map<string, string>();

  claim(deviceId: string, moduleName: string): void {
    const owner = this.owners.get(deviceId);
    if (owner !== undefined && owner !== moduleName) {
      throw new RuntimeError('FH_CONFIG_INVALID', `leaf device ${deviceId} is already registered by module ${owner}`);
    }
    this.owners.set(deviceId, moduleName);
  }

  release(deviceId: string, moduleName: string): void {
    if (this.owners.get(deviceId) === moduleName) this.owners.delete(deviceId);
  }
}

/** Creates the device if missing (parentId = gateway), leaving an existing one as it is. */
export async function ensureLeafIdentity(core: HubCoreApi, deviceId: string, gatewayDeviceId: string): Promise<void> {
  try {
    await core.registry.getDevice(deviceId);
    return;
  } catch (err) {
    if (!isHubError(err, 'FH_REGISTRY_NOT_FOUND')) throw err;
  }
  try {
    await core.registry.createDevice({ deviceId, parentId: gatewayDeviceId });
  } catch (err) {
    // Created meanwhile by someone else: fine.
    if (!isHubError(err, 'FH_REGISTRY_EXISTS')) throw err;
  }
}

/** Implements {@link LeafDevice} over an in-process connection. */
export class LeafDeviceHandle implements LeafDevice {
  private closed = false;

  constructor(private readonly conn: InProcessConnection, private readonly onClose: () => void) {}

  /** Registers and connects `deviceId`; `onLost` hears when the core ends the session. */
  static async open(
    core: HubCoreApi, deviceId: string, gatewayDeviceId: string, logger: Logger, onLost: (reason: HubError) => void, onClose: () => void,
  ): Promise<LeafDeviceHandle> {
    await ensureLeafIdentity(core, deviceId, gatewayDeviceId);
    const conn = await InProcessConnection.open(core, { deviceId }, logger, onLost);
    return new LeafDeviceHandle(conn, onClose);
  }

  get deviceId(): string {
    return this.conn.ref.deviceId;
  }

  get active(): boolean {
    return !this.closed && this.conn.active;
  }

  sendTelemetry(message: Parameters<LeafDevice['sendTelemetry']>[0]): Promise<void> {
    return this.conn.send(message);
  }

  updateReported(patch: Parameters<LeafDevice['updateReported']>[0]): Promise<number> {
    return this.conn.updateReported(patch);
  }

  getTwin(): ReturnType<LeafDevice['getTwin']> {
    return this.conn.getTwin();
  }

  onDesired(listener: Parameters<LeafDevice['onDesired']>[0]): void {
    this.conn.onDesired(listener);
  }

  onMethod(name: string, handler: Parameters<LeafDevice['onMethod']>[1]): void {
    this.conn.onMethod(name, handler);
  }

  onC2d(handler: Parameters<LeafDevice['onC2d']>[0]): void {
    this.conn.enableC2d(() => ({ handler }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.conn.disconnect();
    this.onClose();
  }
}
