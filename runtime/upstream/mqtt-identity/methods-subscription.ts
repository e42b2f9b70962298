/**
 * The `$iothub/methods/POST/#` subscription of one identity connection, kept in line with what
 * the gateway wants: subscribed only while the local device accepts methods (IoT Edge does the
 * same), so that otherwise the upstream answers a caller with 404 DeviceNotOnline itself.
 *
 * The upstream keeps subscriptions in its session (CleanSession 0), across connections and
 * token renewals, so what it holds is tracked per identity (`state`), and unknown (undefined)
 * while a SUBSCRIBE or UNSUBSCRIBE is unanswered or when a session of an earlier process may
 * have it. One request at a time; when it is answered the wanted state is checked again.
 */
import type { MqttClient } from 'mqtt';
import type { RuntimeError } from '../../errors.js';
import { METHODS_FILTER } from './codec.js';
import { offlineError } from './error-map.js';

export interface MethodsSubscriptionEnv {
  client: MqttClient;
  /** `d` or `d/m`, for errors. */
  key: string;
  /** How long the upstream may take to answer; then `failed`. */
  timeoutMs: number;
  /** What the upstream session holds as far as known at the start (undefined = unknown). */
  initial: boolean | undefined;
  /** Whether the gateway wants methods now. */
  wanted(): boolean;
  /** The connection is up and not ending (requests are sent only then). */
  live(): boolean;
  /** What the upstream session holds changed (undefined: unknown from now on). */
  changed(state: boolean | undefined): void;
  /** The upstream refused or did not answer: the connection should end (the identity retries). */
  failed(err: RuntimeError): void;
}

export class MethodsSubscription {
  private current: boolean | undefined;
  private busy = false;

  constructor(private readonly env: MethodsSubscriptionEnv) {
    this.current = env.initial;
  }

  /** True when the upstream session holds the subscription (as far as known). */
  get subscribed(): boolean {
    return this.current === true;
  }

  /** The upstream started a new session: it holds no subscription. */
  sessionStarted(): void {
    this.set(false);
  }

  /** A SUBSCRIBE that included the methods filter was granted. */
  includedInSubscribe(): void {
    this.set(true);
  }

  /** Sends a SUBSCRIBE or UNSUBSCRIBE when the upstream session differs from what is wanted. */
  sync(): void {
    if (this.busy || !this.env.live()) return;
    const wanted = this.env.wanted();
    if (this.current === wanted) return;
    this.busy = true;
    // Until the answer, the upstream may or may not have it.
    this.set(undefined);
    const { client, key, timeoutMs } = this.env;
    const what = wanted ? 'subscribe to' : 'unsubscribe from';
    let answered = false;
    const timer = setTimeout(() => answer(offlineError(`${key}: the upstream did not answer the request to ${what} direct methods within ${timeoutMs} ms`)), timeoutMs);
    const answer = (failure?: RuntimeError): void => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      this.busy = false;
      if (!this.env.live()) return;
      if (failure !== undefined) {
        this.env.failed(failure);
        return;
      }
      this.set(wanted);
      this.sync();
    };
    if (wanted) {
      client.subscribe({ [METHODS_FILTER]: { qos: 0 } }, (err, granted) => {
        const refused = granted?.some((g) => g.qos === 128) === true;
        answer(err || refused ? offlineError(`${key}: the upstream refused the subscription to ${METHODS_FILTER}${err ? `: ${err.message}` : ''}`, err ?? undefined) : undefined);
      });
    } else {
      client.unsubscribe(METHODS_FILTER, (err) => {
        answer(err ? offlineError(`${key}: the upstream refused to unsubscribe from ${METHODS_FILTER}: ${err.message}`, err) : undefined);
      });
    }
  }

  private set(state: boolean | undefined): void {
    if (this.current === state) return;
    this.current = state;
    this.env.changed(state);
  }
}
