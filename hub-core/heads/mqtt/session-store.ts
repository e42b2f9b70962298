/**
 * Persistent MQTT sessions (CleanSession=0), per clientId. The Node SDK never re-SUBSCRIBEs after
 * a reconnect (token renewal is DISCONNECT + CONNECT), so the hub must remember what each clientId
 * subscribed to and restore it itself (wire contract B, "Sessions must persist").
 *
 * Only subscriptions live here. Queued and in-flight C2D messages belong to the core, which keeps
 * them locked across sessions when the head connects with `persistentSession: true`.
 */
import { decodeJson, encodeJson, type Store } from '../../store/store.js';

/** Subscription filter → granted QoS. */
export type Subscriptions = Map<string, number>;

interface StoredSession {
  v: 1;
  subs: Record<string, number>;
}

/** What {@link SessionStore.begin} found. */
export interface SessionStart {
  /** CONNACK session-present: a stored session existed and CleanSession was 0 [MQTT-3.2.2-2]. */
  present: boolean;
  /** The restored subscriptions (empty for a new or clean session). */
  subscriptions: Subscriptions;
}

/**
 * Sessions in a store sublevel, cached in memory. Writes for one clientId are serialised so a
 * SUBSCRIBE racing a reconnect cannot resurrect an older subscription set.
 */
export class SessionStore {
  private readonly cache = new Map<string, Subscriptions>();
  private readonly tails = new Map<string, Promise<unknown>>();

  /** @param store The head's own sublevel for sessions (keys are clientIds). */
  constructor(private readonly store: Store) {}

  /**
   * Starts a session for `clientId`. With `clean`, any stored session is discarded
   * [MQTT-3.1.2-6]; without, the stored one is resumed or an empty one is created and persisted,
   * so the next CONNECT reports session-present.
   */
  begin(clientId: string, clean: boolean): Promise<SessionStart> {
    return this.serial(clientId, async () => {
      if (clean) {
        this.cache.delete(clientId);
        await this.store.del(clientId);
        return { present: false, subscriptions: new Map() };
      }
      const existing = await this.load(clientId);
      if (existing !== undefined) return { present: true, subscriptions: new Map(existing) };
      const fresh: Subscriptions = new Map();
      await this.store.put(clientId, encode(fresh));
      this.cache.set(clientId, fresh);
      return { present: false, subscriptions: new Map() };
    });
  }

  /** Persists the subscription set of a CleanSession=0 session; resolves once written. */
  save(clientId: string, subscriptions: Subscriptions): Promise<void> {
    const snapshot = new Map(subscriptions);
    return this.serial(clientId, async () => {
      await this.store.put(clientId, encode(snapshot));
      this.cache.set(clientId, snapshot);
    });
  }

  /** The cached or stored subscriptions of `clientId`, if a session exists. */
  private async load(clientId: string): Promise<Subscriptions | undefined> {
    const cached = this.cache.get(clientId);
    if (cached !== undefined) return cached;
    const bytes = await this.store.get(clientId);
    if (bytes === undefined) return undefined;
    const stored = decodeJson<StoredSession>(bytes);
    const subs: Subscriptions = new Map(Object.entries(stored.subs ?? {}));
    this.cache.set(clientId, subs);
    return subs;
  }

  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}

function encode(subs: Subscriptions): Uint8Array {
  const stored: StoredSession = { v: 1, subs: Object.fromEntries(subs) };
  return encodeJson(stored);
}
