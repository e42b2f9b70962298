/**
 * Device and module twins (wire contract F): one record per identity in the `twins` sublevel,
 * created with the identity and deleted with it. Every read-modify-write of one twin runs under a
 * per-identity lock, so versions never fork and desired notifications leave in version order.
 */
import { HubError } from '../errors.js';
import { decodeJson, encodeJson, type BatchOp, type Store } from '../store/store.js';
import type { Clock, TwinPatch, TwinService } from './api.js';
import { describe, identityKey, parseIdentityKey } from './ids.js';
import { KeyedLock } from './keyed-lock.js';
import type { Presence } from './presence.js';
import { etagMatches, recordEtag } from './registry-records.js';
import type { Registry } from './registry.js';
import {
  applyPatch, checkSectionSize, deviceView, etagFor, fullMetadata, isJsonObject, updateMetadata, validatePatch,
} from './twin-doc.js';
import type { IdentityRef, JsonObject, Twin } from './types.js';
import type { WriteFn } from './write.js';

/** A twin as stored (key: identity key). Sections hold properties only; versions and metadata beside them. */
export interface TwinRecord {
  /** Top-level version: +1 on any change; the etag derives from it. */
  version: number;
  tags: JsonObject;
  desired: JsonObject;
  desiredVersion: number;
  desiredMeta: JsonObject;
  reported: JsonObject;
  reportedVersion: number;
  reportedMeta: JsonObject;
}

export interface TwinsDeps {
  twins: Store;
  write: WriteFn;
  clock: Clock;
  registry: Registry;
  presence: Presence;
  c2dCount(deviceId: string): number;
  /** Sends a desired patch (with `$version`) to the identity's session if it subscribed. */
  notifyDesired(ref: IdentityRef, patch: JsonObject): void;
  /** Told after a reported patch is durable (the gateway pushes it upstream). */
  reportedChanged?(ref: IdentityRef, patch: JsonObject, version: number): void;
}

/** Implements {@link TwinService} and the device side of twins. */
export class Twins implements TwinService {
  private readonly lock = new KeyedLock();

  constructor(private readonly deps: TwinsDeps) {}

  /** The new twin written with an identity: versions 1, empty sections, metadata stamped now. */
  createOps(ref: IdentityRef): BatchOp[] {
    const now = this.nowIso();
    const record: TwinRecord = {
      version: 1, tags: {},
      desired: {}, desiredVersion: 1, desiredMeta: fullMetadata({}, now, 1),
      reported: {}, reportedVersion: 1, reportedMeta: fullMetadata({}, now),
    };
    return [this.putOp(ref, record)];
  }

  deleteOps(ref: IdentityRef): BatchOp[] {
    return [{ type: 'del', key: identityKey(ref), sublevel: this.deps.twins }];
  }

  async get(ref: IdentityRef): Promise<Twin> {
    this.deps.registry.require(ref);
    return this.document(ref, await this.read(ref));
  }

  async patch(ref: IdentityRef, patch: TwinPatch, ifMatch?: string): Promise<Twin> {
    const { tags, desired } = servicePatch(patch, false);
    return this.lock.run(identityKey(ref), async () => {
      this.deps.registry.require(ref);
      const current = await this.read(ref);
      checkEtag(ifMatch, current);
      const tagsChanged = tags !== undefined && Object.keys(tags).length > 0;
      const desiredChanged = desired !== undefined && Object.keys(desired).length > 0;
      if (!tagsChanged && !desiredChanged) return this.document(ref, current);
      const now = this.nowIso();
      const next: TwinRecord = { ...current, version: current.version + 1 };
      if (tagsChanged) next.tags = checked(applyPatch(current.tags, tags), 'tags');
      if (desiredChanged) {
        next.desiredVersion = current.desiredVersion + 1;
        next.desired = checked(applyPatch(current.desired, desired), 'desired');
        next.desiredMeta = updateMetadata(current.desiredMeta, desired, now, next.desiredVersion);
      }
      await this.deps.write([this.putOp(ref, next)]);
      // [TWIN-F] the device is told the applied patch plus the new $version.
      if (desiredChanged) this.deps.notifyDesired(ref, { ...desired, $version: next.desiredVersion });
      return this.document(ref, next);
    });
  }

  /**
   * Replaces tags and desired properties. A section absent from `twin` is replaced by `{}`
   * (replace semantics); desired `$version` is bumped even when the content is unchanged.
   */
  async replace(ref: IdentityRef, twin: TwinPatch, ifMatch?: string): Promise<Twin> {
    const { tags, desired } = servicePatch(twin, true);
    return this.lock.run(identityKey(ref), async () => {
      this.deps.registry.require(ref);
      const current = await this.read(ref);
      checkEtag(ifMatch, current);
      const now = this.nowIso();
      const desiredVersion = current.desiredVersion + 1;
      const newDesired = checked(applyPatch({}, desired ?? {}), 'desired');
      const next: TwinRecord = {
        ...current,
        version: current.version + 1,
        tags: checked(applyPatch({}, tags ?? {}), 'tags'),
        desired: newDesired,
        desiredVersion,
        desiredMeta: fullMetadata(newDesired, now, desiredVersion),
      };
      await this.deps.write([this.putOp(ref, next)]);
      this.deps.notifyDesired(ref, { ...newDesired, $version: desiredVersion });
      return this.document(ref, next);
    });
  }

  /** The device's view `{desired, reported}` with `$version`s (MQTT/AMQP twin GET). */
  async deviceView(ref: IdentityRef): Promise<{ desired: JsonObject; reported: JsonObject }> {
    const record = await this.read(ref);
    this.deps.presence.touch(ref, this.deps.clock.now());
    return deviceView({ ...record.desired, $version: record.desiredVersion }, { ...record.reported, $version: record.reportedVersion });
  }

  /** A device's reported patch; resolves to the new reported `$version`. FH_TWIN_INVALID. */
  async updateReported(ref: IdentityRef, patch: unknown): Promise<number> {
    const body = validatePatch(patch, 'reported');
    return this.lock.run(identityKey(ref), async () => {
      this.deps.registry.require(ref);
      const current = await this.read(ref);
      const reported = checked(applyPatch(current.reported, body), 'reported');
      const next: TwinRecord = {
        ...current,
        version: current.version + 1,
        reported,
        reportedVersion: current.reportedVersion + 1,
        reportedMeta: updateMetadata(current.reportedMeta, body, this.nowIso()),
      };
      await this.deps.write([this.putOp(ref, next)]);
      this.deps.presence.touch(ref, this.deps.clock.now());
      this.deps.reportedChanged?.(ref, body, next.reportedVersion);
      return next.reportedVersion;
    });
  }

  /**
   * Full twin documents of every registered device (`devices`) or module (`modules`), in key
   * order, read from the store (for queries). Twins of identities deleted meanwhile are skipped.
   */
  async *documents(kind: 'devices' | 'modules'): AsyncIterableIterator<JsonObject> {
    for await (const [key, value] of this.deps.twins.iterate()) {
      const ref = parseIdentityKey(key);
      if ((ref.moduleId === undefined) !== (kind === 'devices')) continue;
      if (this.deps.registry.identity(ref) === undefined) continue;
      yield this.document(ref, decodeJson<TwinRecord>(value)) as unknown as JsonObject;
    }
  }

  private async read(ref: IdentityRef): Promise<TwinRecord> {
    const bytes = await this.deps.twins.get(identityKey(ref));
    if (bytes === undefined) throw new HubError('FH_REGISTRY_NOT_FOUND', `no twin for ${describe(ref)}`);
    return decodeJson<TwinRecord>(bytes);
  }

  private putOp(ref: IdentityRef, record: TwinRecord): BatchOp {
    return { type: 'put', key: identityKey(ref), value: encodeJson(record), sublevel: this.deps.twins };
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  /** The service view of a twin (contract F); registry fields come from the identity's record. */
  private document(ref: IdentityRef, record: TwinRecord): Twin {
    const { registry, presence } = this.deps;
    const device = registry.deviceRecord(ref.deviceId);
    const module = ref.moduleId === undefined ? undefined : registry.moduleRecord(ref.deviceId, ref.moduleId);
    if (device === undefined || (ref.moduleId !== undefined && module === undefined)) {
      throw new HubError('FH_REGISTRY_NOT_FOUND', `${describe(ref)} is not registered`);
    }
    const auth = module?.authentication ?? device.authentication;
    const view = presence.view(ref);
    const twin: Twin = {
      deviceId: ref.deviceId,
      ...(ref.moduleId === undefined ? {} : { moduleId: ref.moduleId }),
      etag: etagFor(record.version),
      deviceEtag: recordEtag(module?.etagSeq ?? device.etagSeq),
      version: record.version,
      status: device.status,
      statusUpdateTime: device.statusUpdatedTime,
      connectionState: view.connectionState,
      lastActivityTime: view.lastActivityTime,
      cloudToDeviceMessageCount: ref.moduleId === undefined ? this.deps.c2dCount(ref.deviceId) : 0,
      authenticationType: auth.type,
      x509Thumbprint: { ...(auth.x509Thumbprint ?? { primaryThumbprint: null, secondaryThumbprint: null }) },
      modelId: '',
      tags: structuredClone(record.tags),
      properties: {
        desired: { ...structuredClone(record.desired), $metadata: structuredClone(record.desiredMeta), $version: record.desiredVersion },
        reported: { ...structuredClone(record.reported), $metadata: structuredClone(record.reportedMeta), $version: record.reportedVersion },
      },
    };
    if (ref.moduleId === undefined) twin.capabilities = { ...device.capabilities };
    return twin;
  }
}

/**
 * Splits a service patch into validated tags and desired patches. Services may not write reported
 * (FH_TWIN_FORBIDDEN); other top-level members (deviceId, etag… echoed by clients) are ignored.
 */
function servicePatch(patch: TwinPatch, replace: boolean): { tags?: JsonObject; desired?: JsonObject } {
  if (!isJsonObject(patch as unknown)) throw new HubError('FH_TWIN_INVALID', 'the twin patch must be a JSON object');
  const properties = patch.properties as unknown;
  if (properties !== undefined && properties !== null && !isJsonObject(properties)) {
    throw new HubError('FH_TWIN_INVALID', 'properties must be a JSON object');
  }
  if (isJsonObject(properties) && properties.reported !== undefined) {
    throw new HubError('FH_TWIN_FORBIDDEN', 'services cannot write reported properties');
  }
  const out: { tags?: JsonObject; desired?: JsonObject } = {};
  // In a replace, null means "empty", as a missing section does.
  if (patch.tags !== undefined && !(replace && patch.tags === null)) out.tags = validatePatch(patch.tags, 'tags');
  const desired = isJsonObject(properties) ? properties.desired : undefined;
  if (desired !== undefined && !(replace && desired === null)) out.desired = validatePatch(desired, 'desired');
  return out;
}

function checkEtag(ifMatch: string | undefined, record: TwinRecord): void {
  if (!etagMatches(ifMatch, etagFor(record.version))) throw new HubError('FH_TWIN_ETAG_MISMATCH', 'the twin etag does not match');
}

function checked(section: JsonObject, kind: 'tags' | 'desired' | 'reported'): JsonObject {
  checkSectionSize(section, kind);
  return section;
}
