/**
 * Keeps each mirrored identity's twin in step with the upstream. The local twin keeps working
 * offline; this reconciles on every reconnect and forwards changes while online.
 *
 * Conflict rules (also in the README):
 * - **Reported properties belong to the device.** The local twin is the truth. The gateway keeps,
 *   per identity, the reported state the upstream last acknowledged; on reconnect it sends the
 *   difference (changed keys, and null for keys deleted locally) as one patch. While online each
 *   local reported patch is forwarded as it happens, in order.
 * - **Desired properties belong to the upstream.** On reconnect the gateway reads the upstream
 *   twin; if its desired `$version` differs from the one last applied, the upstream's desired
 *   document replaces the local one (keys the upstream no longer has are deleted locally, so
 *   desired edits made locally while offline are overwritten). If the upstream did not change,
 *   local edits stay. Desired patches from the upstream while online are applied at once.
 */
import { identityKey } from '../../hub-core/core/ids.js';
import type { HubCoreApi } from '../../hub-core/core/api.js';
import type { IdentityRef, JsonObject, JsonValue } from '../../hub-core/core/types.js';
import type { Logger } from '../../hub-core/log.js';
import type { Store } from '../../hub-core/store/store.js';
import type { UpstreamLink } from '../upstream/link.js';

interface SyncRecord {
  /** Reported document (no $version/$metadata) the upstream last acknowledged. */
  reported: JsonObject;
  /** Upstream desired `$version` last applied locally; -1 = never. */
  desiredVersion: number;
}


/** A copy without the `$` keys (`$version`, `$metadata`). */
export function stripMeta(doc: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith('$')) out[k] = v;
  return out;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The patch that turns `from` into `to`: changed values, null for removed keys, nested objects diffed. */
export function diffPatch(from: JsonObject, to: JsonObject): JsonObject {
  const patch: JsonObject = {};
  for (const [k, v] of Object.entries(to)) {
    const old = from[k];
    if (isObject(v) && isObject(old)) {
      const inner = diffPatch(old, v);
      if (Object.keys(inner).length > 0) patch[k] = inner;
    } else if (JSON.stringify(old) !== JSON.stringify(v)) {
      patch[k] = v;
    }
  }
  for (const k of Object.keys(from)) if (!(k in to)) patch[k] = null;
  return patch;
}

export class TwinSync {
  /** Per identity, one operation at a time (reconcile, forward, desired apply) keeps the order. */
  private readonly chains = new Map<string, Promise<void>>();
  private closed = false;
  stats = { reportedPushed: 0, desiredApplied: 0, failures: 0 };

  constructor(private readonly deps: { core: HubCoreApi; link: UpstreamLink; store: Store; logger: Logger }) {}

  /** Reconcile on (re)connect: push the reported difference, pull desired. */
  identityOnline(ref: IdentityRef): void {
    this.enqueue(ref, () => this.reconcile(ref));
  }

  /** A local reported patch (core event): forward it when online; otherwise reconcile catches up. */
  reportedChanged(ref: IdentityRef): void {
    if (!this.deps.link.isOnline(ref)) return;
    this.enqueue(ref, () => this.pushReported(ref));
  }

  /** A desired patch from the upstream. */
  desiredFromUpstream(ref: IdentityRef, patch: JsonObject): void {
    this.enqueue(ref, async () => {
      const version = typeof patch.$version === 'number' ? patch.$version : undefined;
      await this.deps.core.twins.patch(ref, { properties: { desired: stripMeta(patch) } });
      const record = await this.read(ref);
      if (version !== undefined) record.desiredVersion = version;
      await this.write(ref, record);
      this.stats.desiredApplied += 1;
    });
  }

  /** Waits for queued work (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  close(): void {
    this.closed = true;
  }

  private enqueue(ref: IdentityRef, step: () => Promise<void>): void {
    if (this.closed) return;
    const k = identityKey(ref);
    const next = (this.chains.get(k) ?? Promise.resolve()).then(step).catch((err: unknown) => {
      this.stats.failures += 1;
      this.deps.logger.warn({ event: 'twinSyncFailed', deviceId: ref.deviceId, moduleId: ref.moduleId, err }, 'twin sync failed; retried on the next reconnect');
    });
    this.chains.set(k, next);
    void next.then(() => { if (this.chains.get(k) === next) this.chains.delete(k); });
  }

  private async reconcile(ref: IdentityRef): Promise<void> {
    if (!this.deps.link.capabilities.twins) return;
    await this.pushReported(ref);
    const upstream = await this.deps.link.getTwin(ref);
    const record = await this.read(ref);
    const version = typeof upstream.desired.$version === 'number' ? upstream.desired.$version : -1;
    if (version === record.desiredVersion) return;
    const local = await this.deps.core.twins.get(ref);
    const patch = diffPatch(stripMeta(local.properties.desired), stripMeta(upstream.desired));
    if (Object.keys(patch).length > 0) await this.deps.core.twins.patch(ref, { properties: { desired: patch } });
    record.desiredVersion = version;
    await this.write(ref, record);
    this.stats.desiredApplied += 1;
  }

  /** Sends the difference between the local reported and what the upstream last acknowledged. */
  private async pushReported(ref: IdentityRef): Promise<void> {
    if (!this.deps.link.capabilities.twins || !this.deps.link.isOnline(ref)) return;
    const local = stripMeta((await this.deps.core.twins.get(ref)).properties.reported);
    const record = await this.read(ref);
    const patch = diffPatch(record.reported, local);
    if (Object.keys(patch).length === 0) return;
    await this.deps.link.updateReported(ref, patch);
    record.reported = local;
    await this.write(ref, record);
    this.stats.reportedPushed += 1;
  }

  private async read(ref: IdentityRef): Promise<SyncRecord> {
    const bytes = await this.deps.store.get(identityKey(ref));
    if (bytes === undefined) return { reported: {}, desiredVersion: -1 };
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as SyncRecord;
  }

  private async write(ref: IdentityRef, record: SyncRecord): Promise<void> {
    await this.deps.store.put(identityKey(ref), Buffer.from(JSON.stringify(record), 'utf8'));
  }
}
