/**
 * Mirrors the local hub's identities upstream: the gateway's own device, its modules, and every
 * leaf device and module. Identities are created upstream (once; remembered in the store) when
 * the configuration asks for it and the upstream policy has registry rights, with the same SAS
 * keys as the local ones so per-device-key authentication works; then handed to the link, which
 * attaches them at its own rate. Creation failures are retried with backoff; a 401/403 (no
 * registry rights) stops creation for good and is logged once, the link still tries the identity.
 */
import { identityKey } from '../../hub-core/core/ids.js';
import { Agent } from 'node:https';
import type { HubCoreApi } from '../../hub-core/core/api.js';
import type { IdentityRef } from '../../hub-core/core/types.js';
import type { Logger } from '../../hub-core/log.js';
import type { Store } from '../../hub-core/store/store.js';
import { enc, errorForResponse, ServiceClient } from '../cli/service-client.js';
import type { HubTarget } from '../cli/hub-target.js';
import type { UpstreamLink } from '../upstream/link.js';

export interface MirrorOptions {
  core: HubCoreApi;
  link: UpstreamLink;
  /** Remembers which identities exist upstream. */
  store: Store;
  logger: Logger;
  /** The upstream's service API, when the gateway may create identities there. */
  registryTarget?: HubTarget;
  /** Concurrent creation requests. Default 8. */
  concurrency?: number;
  /** The gateway's device id: devices created upstream get it as their parent (parent scope). */
  gatewayDeviceId?: string;
}

const MAX_RETRY_MS = 60_000;

/** The upstream refused identity creation (401/403): the policy lacks registry rights. */
class RegistryDenied extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
  }
}

export class IdentityMirror {
  private readonly pending = new Map<string, { ref: IdentityRef; attempts: number }>();
  private readonly client: ServiceClient | undefined;
  private readonly agent: Agent;
  private running = 0;
  private closed = false;
  private creationDisabled = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly listeners: [string, (...a: never[]) => void][] = [];
  stats = { mirrored: 0, createdUpstream: 0, creationFailures: 0 };

  constructor(private readonly options: MirrorOptions) {
    // One TLS connection per concurrent request, kept: a new handshake per identity dominated mirroring.
    this.agent = new Agent({ keepAlive: true, maxSockets: options.concurrency ?? 8 });
    this.client = options.registryTarget === undefined ? undefined : new ServiceClient(options.registryTarget, this.agent);
  }

  /** Mirrors every identity the local hub has now, then follows creations and deletions. */
  async start(): Promise<void> {
    const { core } = this.options;
    const created = (ref: IdentityRef): void => this.add(ref);
    const deleted = (ref: IdentityRef): void => {
      this.pending.delete(identityKey(ref));
      this.options.link.removeIdentity(ref);
      void this.options.store.del(identityKey(ref)).catch(() => undefined);
    };
    core.on('identityCreated', created);
    core.on('identityDeleted', deleted);
    this.listeners.push(['identityCreated', created], ['identityDeleted', deleted]);
    for (const device of await core.registry.listDevices()) {
      this.add({ deviceId: device.deviceId });
      for (const m of await core.registry.listModules(device.deviceId)) this.add({ deviceId: device.deviceId, moduleId: m.moduleId });
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.agent.destroy();
    for (const [event, fn] of this.listeners) this.options.core.off(event as 'identityCreated', fn as (ref: IdentityRef) => void);
  }

  private add(ref: IdentityRef): void {
    if (this.closed) return;
    this.stats.mirrored += 1;
    if (this.client === undefined || this.creationDisabled) {
      this.options.link.addIdentity(ref);
      return;
    }
    this.pending.set(identityKey(ref), { ref, attempts: 0 });
    this.pump();
  }

  private pump(): void {
    const limit = this.options.concurrency ?? 8;
    for (const [k, item] of this.pending) {
      if (this.running >= limit || this.closed) return;
      this.pending.delete(k);
      this.running += 1;
      void this.ensureUpstream(item.ref).then(
        () => this.options.link.addIdentity(item.ref),
        (err: unknown) => this.failed(item, err),
      ).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private failed(item: { ref: IdentityRef; attempts: number }, err: unknown): void {
    this.stats.creationFailures += 1;
    if (err instanceof RegistryDenied) {
      if (!this.creationDisabled) {
        this.options.logger.warn({ event: 'upstreamRegistryDenied', err: err.cause }, 'the upstream policy may not create identities: mirroring without creating them');
      }
      this.creationDisabled = true;
      this.options.link.addIdentity(item.ref);
      return;
    }
    item.attempts += 1;
    const delay = Math.min(MAX_RETRY_MS, 1000 * 2 ** Math.min(item.attempts, 6)) * (0.5 + Math.random() / 2);
    this.options.logger.warn({ event: 'upstreamCreateFailed', deviceId: item.ref.deviceId, moduleId: item.ref.moduleId, retryInMs: Math.round(delay), err },
      'could not create the identity upstream; retrying');
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.pending.set(identityKey(item.ref), item);
      this.pump();
    }, delay);
    t.unref();
    this.timers.add(t);
  }

  /** Creates the identity upstream with the local keys, unless it is known to exist. */
  private async ensureUpstream(ref: IdentityRef): Promise<void> {
    const { core, store } = this.options;
    if ((await store.get(identityKey(ref))) !== undefined) return;
    const local = ref.moduleId === undefined
      ? await core.registry.getDevice(ref.deviceId)
      : await core.registry.getModule(ref.deviceId, ref.moduleId);
    const keys = local.authentication.symmetricKey;
    const body = {
      deviceId: ref.deviceId,
      ...(ref.moduleId !== undefined ? { moduleId: ref.moduleId } : {}),
      // Leaf devices sit behind this gateway: upstream, it is their parent (parent scope).
      ...(ref.moduleId === undefined && this.options.gatewayDeviceId !== undefined && ref.deviceId !== this.options.gatewayDeviceId
        ? { parentId: this.options.gatewayDeviceId } : {}),
      authentication: keys !== undefined && local.authentication.type === 'sas'
        ? { type: 'sas', symmetricKey: { primaryKey: keys.primaryKey, secondaryKey: keys.secondaryKey } }
        : { type: 'sas' },
    };
    const path = ref.moduleId === undefined ? `/devices/${enc(ref.deviceId)}` : `/devices/${enc(ref.deviceId)}/modules/${enc(ref.moduleId)}`;
    const what = `create ${identityKey(ref)} upstream`;
    const res = await this.client!.open(path, { method: 'PUT', body, timeoutMs: 30_000 }, what);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const status = res.statusCode ?? 0;
    // 409: it exists already (created by someone else, or before we remembered it).
    if (status === 401 || status === 403) throw new RegistryDenied(errorForResponse(status, Buffer.concat(chunks).toString('utf8'), what));
    if (status !== 409 && (status < 200 || status > 299)) throw errorForResponse(status, Buffer.concat(chunks).toString('utf8'), what);
    if (status !== 409) this.stats.createdUpstream += 1;
    await store.put(identityKey(ref), new Uint8Array([1]));
  }
}
