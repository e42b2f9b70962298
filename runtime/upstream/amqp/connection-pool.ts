/**
 * The AMQP upstream link as the gateway sees it: identities spread over as many connections as
 * `identitiesPerConnection` asks (IoT Hub multiplexes at most 1,000 device identities on one AMQP
 * connection; the Java SDK's MAX_MULTIPLEX_DEVICE_COUNT_AMQPS). Each connection is an
 * {@link AmqpConnectionLink} with its own identities, reconnect backoff and send budget; the
 * attach rate gate (identitiesPerSecond) is shared, so it holds for the link as a whole. A lost
 * connection takes down only its own identities.
 *
 * An identity stays on the connection it was given until it is removed. A new identity goes to
 * the first connection with room, else to a new one. A connection other than the first whose
 * identities were all removed is closed.
 */
import type { IdentityRef, JsonObject, Message } from '../../../hub-core/core/types.js';
import { identityKey } from '../../../hub-core/core/ids.js';
import type { UpstreamCapabilities, UpstreamHandlers, UpstreamLinkStatus } from '../link.js';
import { AmqpConnectionLink, type AmqpUpstreamLink } from './amqp-link.js';
import { offlineError } from './error-map.js';
import { attachGate } from './identity-manager.js';
import type { IdentityStatus } from './mirrored-identity.js';
import type { RateGate } from './pacing.js';
import { resolveAmqpOptions, type AmqpUpstreamOptions, type ResolvedAmqpOptions } from './options.js';

/** Creates the link; nothing happens until `start(handlers)`. */
export function createAmqpUpstreamLink(options: AmqpUpstreamOptions): AmqpUpstreamLink {
  return new AmqpLinkPool(resolveAmqpOptions(options));
}

interface Shard {
  /** 1, 2, ...: in the logs as `upstreamConnection`. */
  readonly n: number;
  readonly link: AmqpConnectionLink;
  readonly keys: Set<string>;
}

/** Worst first: the state the pool reports is the worst of its connections that carry identities. */
const STATE_ORDER: UpstreamLinkStatus['state'][] = ['backoff', 'connecting', 'connected'];

export class AmqpLinkPool implements AmqpUpstreamLink {
  readonly kind = 'amqp' as const;
  readonly capabilities: UpstreamCapabilities = { twins: true, methods: true, c2d: true };
  readonly #o: ResolvedAmqpOptions;
  /** identitiesPerSecond for the link as a whole: every connection's attaches go through it. */
  readonly #gate: RateGate<string>;
  readonly #shards: Shard[] = [];
  readonly #byKey = new Map<string, Shard>();
  readonly #methodsWanted = new Set<string>();
  /** Emptied connections still closing: close() waits for them too. */
  readonly #retiring = new Set<Promise<void>>();
  #handlers: UpstreamHandlers | undefined;
  #next = 1;
  #closing: Promise<void> | undefined;

  constructor(options: ResolvedAmqpOptions) {
    this.#o = options;
    this.#gate = attachGate(options.identitiesPerSecond);
  }

  start(handlers: UpstreamHandlers): void {
    if (this.#handlers !== undefined || this.#closing !== undefined) return;
    this.#handlers = handlers;
    for (const shard of this.#shards) shard.link.start(handlers);
  }

  addIdentity(ref: IdentityRef): void {
    if (this.#closing !== undefined) return;
    const key = identityKey(ref);
    if (this.#byKey.has(key)) return;
    const shard = this.#shards.find((s) => s.keys.size < this.#o.identitiesPerConnection) ?? this.#open();
    shard.keys.add(key);
    this.#byKey.set(key, shard);
    if (this.#methodsWanted.has(key)) shard.link.setMethodsWanted(ref, true);
    shard.link.addIdentity(ref);
  }

  removeIdentity(ref: IdentityRef): void {
    const key = identityKey(ref);
    const shard = this.#byKey.get(key);
    if (shard === undefined) return;
    this.#byKey.delete(key);
    shard.keys.delete(key);
    shard.link.removeIdentity(ref);
    if (shard.keys.size === 0 && shard !== this.#shards[0]) {
      this.#shards.splice(this.#shards.indexOf(shard), 1);
      const closing = shard.link.close();
      this.#retiring.add(closing);
      void closing.finally(() => this.#retiring.delete(closing));
    }
  }

  isOnline(ref: IdentityRef): boolean {
    return this.#shardOf(ref)?.link.isOnline(ref) === true;
  }

  setMethodsWanted(ref: IdentityRef, wanted: boolean): void {
    if (this.#closing !== undefined) return;
    const key = identityKey(ref);
    if (wanted) this.#methodsWanted.add(key);
    else this.#methodsWanted.delete(key);
    this.#byKey.get(key)?.link.setMethodsWanted(ref, wanted);
  }

  identityStatus(ref: IdentityRef): IdentityStatus | undefined {
    return this.#shardOf(ref)?.link.identityStatus(ref);
  }

  sendTelemetry(ref: IdentityRef, message: Message): Promise<void> {
    const shard = this.#shardOf(ref);
    return shard === undefined ? notMirrored(ref) : shard.link.sendTelemetry(ref, message);
  }

  getTwin(ref: IdentityRef): Promise<{ desired: JsonObject; reported: JsonObject }> {
    const shard = this.#shardOf(ref);
    return shard === undefined ? notMirrored(ref) : shard.link.getTwin(ref);
  }

  updateReported(ref: IdentityRef, patch: JsonObject): Promise<number> {
    const shard = this.#shardOf(ref);
    return shard === undefined ? notMirrored(ref) : shard.link.updateReported(ref, patch);
  }

  status(): UpstreamLinkStatus {
    const parts = this.#shards.map((s) => s.link.status());
    const carrying = parts.filter((p) => p.identitiesTotal > 0);
    const out: UpstreamLinkStatus = {
      state: carrying.length === 0 ? (parts[0]?.state ?? 'stopped') : worst(carrying.map((p) => p.state)),
      identitiesOnline: sum(parts.map((p) => p.identitiesOnline)),
      identitiesTotal: sum(parts.map((p) => p.identitiesTotal)),
      connections: sum(parts.map((p) => p.connections)),
    };
    const retry = parts.filter((p) => p.state === 'backoff' && p.retryInMs !== undefined).map((p) => p.retryInMs as number);
    if (out.state === 'backoff' && retry.length > 0) out.retryInMs = Math.min(...retry);
    const errors = parts.flatMap((p) => (p.lastError === undefined ? [] : [p.lastError]));
    const latest = errors.sort((a, b) => a.at.localeCompare(b.at)).at(-1);
    if (latest !== undefined) out.lastError = latest;
    return out;
  }

  close(): Promise<void> {
    this.#closing ??= Promise.all([...this.#shards.map((s) => s.link.close()), ...this.#retiring]).then(() => this.#gate.close());
    return this.#closing;
  }

  #open(): Shard {
    const n = this.#next++;
    const link = new AmqpConnectionLink({ ...this.#o, logger: this.#o.logger.child({ upstreamConnection: n }) }, this.#gate);
    const shard: Shard = { n, link, keys: new Set() };
    this.#shards.push(shard);
    if (this.#handlers !== undefined) link.start(this.#handlers);
    return shard;
  }

  #shardOf(ref: IdentityRef): Shard | undefined {
    return this.#byKey.get(identityKey(ref));
  }
}

function notMirrored(ref: IdentityRef): Promise<never> {
  return Promise.reject(offlineError(`${ref.deviceId}${ref.moduleId ? `/${ref.moduleId}` : ''} is not mirrored upstream`));
}

function worst(states: UpstreamLinkStatus['state'][]): UpstreamLinkStatus['state'] {
  return STATE_ORDER.find((s) => states.includes(s)) ?? 'stopped';
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
