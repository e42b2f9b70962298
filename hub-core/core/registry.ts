/**
 * The identity registry: devices and modules, persisted in the `devices` and `modules` sublevels,
 * written through to the {@link IdentityCache} it extends. Writes for one device and its modules
 * are serialised by a per-device lock; the store is written first, then the cache.
 */
import { HubError } from '../errors.js';
import { encodeJson, type BatchOp, type Store } from '../store/store.js';
import type { Clock, RegistryService } from './api.js';
import { normalizeAuthentication } from './identity-auth.js';
import { IdentityCache } from './identity-cache.js';
import { validateId } from './ids.js';
import { KeyedLock } from './keyed-lock.js';
import type { Presence } from './presence.js';
import {
  deviceJson, etagMatches, moduleJson, newGenerationId, recordEtag, type DeviceRecord, type ModuleRecord,
} from './registry-records.js';
import type { Device, DeviceInput, IdentityRef, Module, ModuleInput } from './types.js';
import type { WriteFn } from './write.js';

/** Other services that own per-identity state join the registry's create and delete batches. */
export interface IdentityLifecycle {
  /** Ops written atomically with a new identity (its empty twin). */
  createOps?(ref: IdentityRef): BatchOp[];
  /** Ops that delete what the identity owns, written atomically with its removal. */
  deleteOps?(ref: IdentityRef): Promise<BatchOp[]> | BatchOp[];
  /** Runs once the deletion is durable: drop in-memory state. */
  afterDelete?(ref: IdentityRef): void;
  /** Runs once a new identity is durable. */
  afterCreate?(ref: IdentityRef): void;
}

export interface RegistryDeps {
  devices: Store;
  modules: Store;
  write: WriteFn;
  clock: Clock;
  presence: Presence;
  /** Messages queued for a device (cloudToDeviceMessageCount). */
  c2dCount(deviceId: string): number;
  /** Closes the live sessions of `ref` (and of its modules when `alsoModules`). */
  closeSessions(ref: IdentityRef, alsoModules: boolean, reason: HubError): void;
}

/** Implements {@link RegistryService}; also the synchronous identity lookups the core needs. */
export class Registry extends IdentityCache implements RegistryService {
  private readonly lock = new KeyedLock();
  private readonly lifecycles: IdentityLifecycle[] = [];

  private constructor(private readonly deps: RegistryDeps) {
    super();
  }

  /** Loads every device and module into the cache. */
  static async load(deps: RegistryDeps): Promise<Registry> {
    const registry = new Registry(deps);
    await registry.loadFrom(deps.devices, deps.modules);
    return registry;
  }

  parentOf(deviceId: string): string | undefined {
    return this.deviceRecord(deviceId)?.parentId;
  }

  /** Registers a service that owns per-identity state (twins, C2D). */
  addLifecycle(lifecycle: IdentityLifecycle): void {
    this.lifecycles.push(lifecycle);
  }

  // ---- devices ----

  async createDevice(input: DeviceInput): Promise<Device> {
    const deviceId = validateId(input?.deviceId, 'deviceId');
    return this.lock.run(deviceId, async () => {
      if (this.devices.has(deviceId)) throw new HubError('FH_REGISTRY_EXISTS', `device ${deviceId} already exists`);
      const now = new Date(this.deps.clock.now()).toISOString();
      const record: DeviceRecord = {
        deviceId,
        generationId: newGenerationId(),
        etagSeq: 0,
        status: checkStatus(input.status) ?? 'enabled',
        statusReason: input.statusReason ?? null,
        statusUpdatedTime: now,
        authentication: normalizeAuthentication(input.authentication),
        capabilities: { iotEdge: input.capabilities?.iotEdge === true },
      };
      if (input.parentId !== undefined) record.parentId = validateId(input.parentId, 'deviceId');
      const ref = { deviceId };
      await this.deps.write([this.devicePut(record), ...this.createOps(ref)]);
      this.devices.set(deviceId, record);
      this.afterCreate(ref);
      return this.deviceView(record);
    });
  }

  async getDevice(deviceId: string): Promise<Device> {
    return this.deviceView(this.requireDevice(deviceId));
  }

  async updateDevice(input: DeviceInput, ifMatch?: string): Promise<Device> {
    const deviceId = validateId(input?.deviceId, 'deviceId');
    return this.lock.run(deviceId, async () => {
      const current = this.requireDevice(deviceId);
      this.checkEtag(ifMatch, current.etagSeq, `device ${deviceId}`);
      const status = checkStatus(input.status) ?? current.status;
      const record: DeviceRecord = {
        ...current,
        etagSeq: current.etagSeq + 1,
        status,
        statusReason: input.statusReason === undefined ? current.statusReason : input.statusReason,
        statusUpdatedTime: status === current.status ? current.statusUpdatedTime : new Date(this.deps.clock.now()).toISOString(),
        authentication: normalizeAuthentication(input.authentication, current.authentication),
        capabilities: { iotEdge: input.capabilities?.iotEdge ?? current.capabilities.iotEdge },
      };
      if (input.parentId !== undefined) record.parentId = validateId(input.parentId, 'deviceId');
      await this.deps.write([this.devicePut(record)]);
      this.devices.set(deviceId, record);
      // Disabling is effective at once: the device and its modules lose their connections.
      if (current.status === 'enabled' && status === 'disabled') {
        this.deps.closeSessions({ deviceId }, true, new HubError('FH_AUTH_DISABLED', `device ${deviceId} was disabled`));
      }
      return this.deviceView(record);
    });
  }

  async deleteDevice(deviceId: string, ifMatch?: string): Promise<void> {
    await this.lock.run(deviceId, async () => {
      const current = this.requireDevice(deviceId);
      this.checkEtag(ifMatch, current.etagSeq, `device ${deviceId}`);
      const refs: IdentityRef[] = [...(this.modules.get(deviceId)?.keys() ?? [])].map((moduleId) => ({ deviceId, moduleId }));
      refs.push({ deviceId });
      const ops: BatchOp[] = [];
      for (const ref of refs) {
        ops.push(ref.moduleId === undefined
          ? { type: 'del', key: deviceId, sublevel: this.deps.devices }
          : { type: 'del', key: `${deviceId}/${ref.moduleId}`, sublevel: this.deps.modules });
        ops.push(...(await this.deleteOps(ref)));
      }
      await this.deps.write(ops);
      this.devices.delete(deviceId);
      this.modules.delete(deviceId);
      this.afterDelete(refs, { deviceId }, true, `device ${deviceId} was deleted`);
    });
  }

  async listDevices(options: { top?: number } = {}): Promise<Device[]> {
    const ids = [...this.devices.keys()].sort();
    const top = options.top !== undefined && options.top >= 0 ? options.top : ids.length;
    return ids.slice(0, top).map((id) => this.deviceView(this.devices.get(id)!));
  }

  // ---- modules ----

  async createModule(input: ModuleInput): Promise<Module> {
    const deviceId = validateId(input?.deviceId, 'deviceId');
    const moduleId = validateId(input.moduleId, 'moduleId');
    return this.lock.run(deviceId, async () => {
      this.requireDevice(deviceId);
      if (this.moduleRecord(deviceId, moduleId) !== undefined) {
        throw new HubError('FH_REGISTRY_EXISTS', `module ${deviceId}/${moduleId} already exists`);
      }
      const record: ModuleRecord = {
        deviceId,
        moduleId,
        managedBy: input.managedBy ?? null,
        generationId: newGenerationId(),
        etagSeq: 0,
        authentication: normalizeAuthentication(input.authentication),
      };
      await this.deps.write([this.modulePut(record), ...this.createOps({ deviceId, moduleId })]);
      this.moduleMap(deviceId).set(moduleId, record);
      this.afterCreate({ deviceId, moduleId });
      return moduleJson(record, this.deps.presence);
    });
  }

  async getModule(deviceId: string, moduleId: string): Promise<Module> {
    return moduleJson(this.requireModule(deviceId, moduleId), this.deps.presence);
  }

  async updateModule(input: ModuleInput, ifMatch?: string): Promise<Module> {
    const deviceId = validateId(input?.deviceId, 'deviceId');
    const moduleId = validateId(input.moduleId, 'moduleId');
    return this.lock.run(deviceId, async () => {
      const current = this.requireModule(deviceId, moduleId);
      this.checkEtag(ifMatch, current.etagSeq, `module ${deviceId}/${moduleId}`);
      const record: ModuleRecord = {
        ...current,
        etagSeq: current.etagSeq + 1,
        managedBy: input.managedBy === undefined ? current.managedBy : input.managedBy,
        authentication: normalizeAuthentication(input.authentication, current.authentication),
      };
      await this.deps.write([this.modulePut(record)]);
      this.moduleMap(deviceId).set(moduleId, record);
      return moduleJson(record, this.deps.presence);
    });
  }

  async deleteModule(deviceId: string, moduleId: string, ifMatch?: string): Promise<void> {
    await this.lock.run(deviceId, async () => {
      const current = this.requireModule(deviceId, moduleId);
      this.checkEtag(ifMatch, current.etagSeq, `module ${deviceId}/${moduleId}`);
      const ref = { deviceId, moduleId };
      await this.deps.write([
        { type: 'del', key: `${deviceId}/${moduleId}`, sublevel: this.deps.modules },
        ...(await this.deleteOps(ref)),
      ]);
      this.modules.get(deviceId)?.delete(moduleId);
      if (this.modules.get(deviceId)?.size === 0) this.modules.delete(deviceId);
      this.afterDelete([ref], ref, false, `module ${deviceId}/${moduleId} was deleted`);
    });
  }

  async listModules(deviceId: string): Promise<Module[]> {
    this.requireDevice(deviceId);
    const modules = [...(this.modules.get(deviceId)?.values() ?? [])].sort((a, b) => (a.moduleId < b.moduleId ? -1 : 1));
    return modules.map((m) => moduleJson(m, this.deps.presence));
  }

  async statistics(): Promise<{ totalDeviceCount: number; enabledDeviceCount: number; disabledDeviceCount: number }> {
    let enabled = 0;
    for (const device of this.devices.values()) if (device.status === 'enabled') enabled++;
    return { totalDeviceCount: this.devices.size, enabledDeviceCount: enabled, disabledDeviceCount: this.devices.size - enabled };
  }

  connectedCount(): number {
    return this.deps.presence.connectedCount();
  }

  // ---- helpers ----

  private deviceView(record: DeviceRecord): Device {
    return deviceJson(record, this.deps.presence, this.deps.c2dCount(record.deviceId));
  }

  private requireDevice(deviceId: string): DeviceRecord {
    const record = typeof deviceId === 'string' ? this.devices.get(deviceId) : undefined;
    if (record === undefined) throw new HubError('FH_REGISTRY_NOT_FOUND', `device ${String(deviceId)} is not registered`);
    return record;
  }

  private requireModule(deviceId: string, moduleId: string): ModuleRecord {
    const record = this.moduleRecord(deviceId, moduleId);
    if (record === undefined) throw new HubError('FH_REGISTRY_NOT_FOUND', `module ${deviceId}/${moduleId} is not registered`);
    return record;
  }

  private checkEtag(ifMatch: string | undefined, etagSeq: number, what: string): void {
    if (!etagMatches(ifMatch, recordEtag(etagSeq))) throw new HubError('FH_REGISTRY_ETAG_MISMATCH', `${what}: etag mismatch`);
  }

  private devicePut(record: DeviceRecord): BatchOp {
    return { type: 'put', key: record.deviceId, value: encodeJson(record), sublevel: this.deps.devices };
  }

  private modulePut(record: ModuleRecord): BatchOp {
    return { type: 'put', key: `${record.deviceId}/${record.moduleId}`, value: encodeJson(record), sublevel: this.deps.modules };
  }

  private afterCreate(ref: IdentityRef): void {
    for (const l of this.lifecycles) l.afterCreate?.(ref);
  }

  private createOps(ref: IdentityRef): BatchOp[] {
    return this.lifecycles.flatMap((l) => l.createOps?.(ref) ?? []);
  }

  private async deleteOps(ref: IdentityRef): Promise<BatchOp[]> {
    const ops: BatchOp[] = [];
    for (const l of this.lifecycles) ops.push(...((await l.deleteOps?.(ref)) ?? []));
    return ops;
  }

  /**
   * Order matters: services drop their state first (so closing sessions does not, for example,
   * re-queue C2D messages of a deleted device), then sessions close, then presence is forgotten
   * (closing marks it disconnected).
   */
  private afterDelete(refs: IdentityRef[], closeRef: IdentityRef, alsoModules: boolean, why: string): void {
    for (const ref of refs) for (const l of this.lifecycles) l.afterDelete?.(ref);
    this.deps.closeSessions(closeRef, alsoModules, new HubError('FH_AUTH_DISABLED', why));
    for (const ref of refs) this.deps.presence.forget(ref);
  }
}

function checkStatus(status: unknown): 'enabled' | 'disabled' | undefined {
  if (status === undefined) return undefined;
  if (status !== 'enabled' && status !== 'disabled') throw new HubError('FH_REGISTRY_INVALID', 'status must be enabled or disabled');
  return status;
}
