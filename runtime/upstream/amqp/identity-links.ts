/**
 * The links of one mirrored identity on one connection (wire contract C "Links"), attached the
 * way the device SDK attaches them: telemetry sender, C2D receiver (devices only), method
 * receiver + sender and twin sender + receiver (each pair with its `channel-correlation-id` and
 * the api-version), then the desired-properties subscription (twin PUT). The identity is up once
 * all of that answered; any of its links detached by the upstream afterwards takes it down.
 *
 * The method pair exists only while methods are wanted (the local device accepts them): attached
 * with the others when wanted from the start, later attached or retired on its own, the other
 * links untouched. Without it the upstream answers callers with 404 DeviceNotOnline itself.
 */
import { randomUUID } from 'node:crypto';
import type { Receiver, Sender, Session } from 'rhea';
import type { IdentityRef, JsonObject, Message, MethodResult } from '../../../hub-core/core/types.js';
import type { Logger } from '../../../hub-core/log.js';
import type { RuntimeError } from '../../errors.js';
import type { UpstreamC2d, UpstreamMethodCall } from '../link.js';
import { C2dLink } from './c2d-link.js';
import { TWIN_DESIRED_NOTIFICATIONS } from './codec.js';
import { detachError } from './error-map.js';
import { attachLink } from './link-attach.js';
import { MethodLink } from './method-link.js';
import type { ResolvedAmqpOptions } from './options.js';
import { TelemetryLink, type SendBudget } from './telemetry-link.js';
import { TwinLink } from './twin-link.js';

/** What an identity's links call back into (the link owner guards the gateway's handlers). */
export interface IdentityLinksEnv {
  ref: IdentityRef;
  /** `d` or `d/m`, for logs. */
  key: string;
  session: Session;
  /** Aborted when the connection is gone. */
  signal: AbortSignal;
  options: ResolvedAmqpOptions;
  budget: SendBudget;
  log: Logger;
  /** Attach the method links from the start (see {@link IdentityLinks.setMethods}). */
  methods: boolean;
  onMethod(call: UpstreamMethodCall): Promise<MethodResult>;
  onC2d(c2d: UpstreamC2d): void;
  onDesired(patch: JsonObject): void;
  /** A link was detached by the upstream after the identity was up. Called once. */
  onDown(err: RuntimeError): void;
}

/** The IoT Hub api-version every device link carries (wire contract 0). */
export const API_VERSION = '2021-04-12';

/** `/devices/{d}` or `/devices/{d}/modules/{m}`, ids raw. */
export function identityPath(ref: IdentityRef): string {
  return ref.moduleId === undefined ? `/devices/${ref.deviceId}` : `/devices/${ref.deviceId}/modules/${ref.moduleId}`;
}

export class IdentityLinks {
  readonly telemetry: TelemetryLink;
  readonly twin: TwinLink;
  private readonly c2d: C2dLink | undefined;
  /** Links whose detach by the upstream takes the identity down (a retired method pair is not). */
  private readonly links = new Map<Sender | Receiver, string>();
  private state: 'opening' | 'up' | 'closed' = 'opening';
  private openError: RuntimeError | undefined;
  /** The current method pair (attaching or attached), when methods are wanted. */
  private methods: MethodLink | undefined;
  private methodsAttached = false;
  private wantMethods: boolean;
  /** Retired pairs still answering calls in flight. */
  private readonly retired = new Set<MethodLink>();

  constructor(private readonly env: IdentityLinksEnv) {
    const { session, options: o } = env;
    const base = identityPath(env.ref);
    const clientVersion = { 'com.microsoft:client-version': o.userAgent };
    const channel = (kind: string): Record<string, string> => ({
      ...clientVersion, 'com.microsoft:api-version': API_VERSION, 'com.microsoft:channel-correlation-id': `${kind}:${randomUUID()}`,
    });
    const name = (kind: string): string => `fh-${kind}-${randomUUID()}`;
    const events = `${base}/messages/events`;
    this.telemetry = new TelemetryLink(
      this.track(session.open_sender({ name: name('events'), target: { address: events }, properties: clientVersion }) as Sender, events),
      events, env.budget, o.sendTimeoutMs,
      // Unsettled on the wire past its time: the links go down and come back, so a retry cannot
      // overtake or trail what was sent after it on this link.
      (err) => {
        if (this.state !== 'up') return;
        this.close(err);
        this.env.onDown(err);
      },
    );
    if (env.ref.moduleId === undefined) {
      const receiver = this.track(session.open_receiver({
        name: name('c2d'), source: { address: `${base}/messages/devicebound` }, credit_window: 0, autoaccept: false, rcv_settle_mode: 0, properties: clientVersion,
      }) as Receiver, `${base}/messages/devicebound`);
      this.c2d = new C2dLink(receiver, o.c2dCredit, { identity: env.key, log: env.log, onC2d: env.onC2d });
    }
    this.wantMethods = env.methods;
    if (env.methods) this.methods = this.createMethods();
    const twinAddress = `${base}/twin`;
    const twinProps = channel('twin');
    const twinRequests = this.track(session.open_sender({
      name: name('twin-tx'), target: { address: twinAddress }, snd_settle_mode: 1, rcv_settle_mode: 0, properties: twinProps,
    }) as Sender, twinAddress);
    const twinAnswers = this.track(session.open_receiver({
      name: name('twin-rx'), source: { address: twinAddress }, snd_settle_mode: 1, rcv_settle_mode: 0, credit_window: o.rpcCredit, autoaccept: true, properties: twinProps,
    }) as Receiver, twinAddress);
    this.twin = new TwinLink(twinRequests, twinAnswers, o.twinTimeoutMs, env.onDesired);
  }

  /** Attaches everything and subscribes to desired properties; rejects (and closes) on any refusal. */
  async open(): Promise<void> {
    const { options: o, signal, key } = this.env;
    try {
      await Promise.all([...this.links].map(([l, address]) => attachLink(l, o.attachTimeoutMs, `${key} ${l.is_sender() ? 'sender' : 'receiver'} ${address}`, signal)));
      if (this.openError !== undefined) throw this.openError;
      this.c2d?.start();
      // Only with the subscription in place can the gateway pull the twin without missing a patch.
      await this.twin.request('PUT', TWIN_DESIRED_NOTIFICATIONS);
      if (this.openError !== undefined) throw this.openError;
      if (this.state !== 'opening') throw detachError(undefined, `${key} links`);
      this.state = 'up';
      this.methodsAttached = this.methods !== undefined;
      // Wanted or not wanted any more while opening.
      this.syncMethods();
    } catch (err) {
      this.close(err as RuntimeError);
      throw err;
    }
  }

  get isUp(): boolean {
    return this.state === 'up';
  }

  /** The method links are attached now: the upstream can invoke methods on the identity. */
  get methodsUp(): boolean {
    return this.state === 'up' && this.methodsAttached;
  }

  /**
   * Attaches the method pair (`on`) or retires it; the other links stay as they are. Applied once
   * the links are up when called while opening. A refused method attach takes the identity down
   * like any refused link (it comes back, with methods, on its own retry).
   */
  setMethods(on: boolean): void {
    this.wantMethods = on;
    if (this.state === 'up') this.syncMethods();
  }

  sendTelemetry(message: Message): Promise<void> {
    return this.telemetry.send(message);
  }

  /** Detaches every link (graceful) and fails what is pending with `err`. */
  close(err: RuntimeError): void {
    if (this.state === 'closed') return;
    const retired = [...this.retired];
    this.fail(err);
    for (const l of this.links.keys()) if (!l.is_closed()) l.close();
    for (const m of retired) m.close();
  }

  /** The connection is gone: fail what is pending; nothing goes on the wire. */
  abort(err: RuntimeError): void {
    if (this.state === 'closed') return;
    this.fail(err);
  }

  private fail(err: RuntimeError): void {
    this.state = 'closed';
    this.telemetry.fail(err);
    this.twin.fail(err);
    this.methods?.fail();
    for (const m of this.retired) m.fail();
    this.retired.clear();
    this.methodsAttached = false;
    this.c2d?.fail();
  }

  /** The method receiver and sender (one channel), tracked; attached by open() or attachMethods(). */
  private createMethods(): MethodLink {
    const { session, options: o, key } = this.env;
    const address = `${identityPath(this.env.ref)}/methods/devicebound`;
    const properties = {
      'com.microsoft:client-version': o.userAgent, 'com.microsoft:api-version': API_VERSION,
      'com.microsoft:channel-correlation-id': `methods:${randomUUID()}`,
    };
    const requests = this.track(session.open_receiver({
      name: `fh-methods-rx-${randomUUID()}`, source: { address }, credit_window: o.rpcCredit, autoaccept: true, rcv_settle_mode: 0, properties,
    }) as Receiver, address);
    const answers = this.track(session.open_sender({
      name: `fh-methods-tx-${randomUUID()}`, target: { address }, rcv_settle_mode: 0, properties,
    }) as Sender, address);
    return new MethodLink(requests, answers, { identity: key, log: this.env.log, responseTimeoutS: o.methodResponseTimeoutS, onMethod: this.env.onMethod });
  }

  private syncMethods(): void {
    if (this.wantMethods && this.methods === undefined) {
      const pair = this.createMethods();
      this.methods = pair;
      void this.attachMethods(pair);
    } else if (!this.wantMethods && this.methods !== undefined) {
      const pair = this.methods;
      this.methods = undefined;
      this.methodsAttached = false;
      // Its detach (ours, or the upstream's) no longer concerns the identity.
      this.links.delete(pair.receiver);
      this.links.delete(pair.sender);
      this.retired.add(pair);
      pair.retire(() => this.retired.delete(pair));
    }
  }

  private async attachMethods(pair: MethodLink): Promise<void> {
    const { options: o, signal, key } = this.env;
    try {
      await Promise.all([pair.receiver, pair.sender].map((l) =>
        attachLink(l, o.attachTimeoutMs, `${key} ${l.is_sender() ? 'sender' : 'receiver'} ${this.links.get(l) ?? 'methods'}`, signal)));
      if (this.methods === pair && this.state === 'up') this.methodsAttached = true;
    } catch (err) {
      // A refusal usually arrived as a detach already (peerClosed took the identity down).
      if (this.methods !== pair || this.state !== 'up') return;
      this.close(err as RuntimeError);
      this.env.onDown(err as RuntimeError);
    }
  }

  private track<T extends Sender | Receiver>(link: T, address: string): T {
    this.links.set(link, address);
    link.on(link.is_sender() ? 'sender_close' : 'receiver_close', () => this.peerClosed(link));
    return link;
  }

  /** The upstream detached one of the links. */
  private peerClosed(link: Sender | Receiver): void {
    if (this.state === 'closed' || !this.links.has(link)) return;
    const err = detachError(link.error, `${this.env.key} ${this.links.get(link) ?? '?'}`);
    if (this.state === 'opening') {
      this.openError ??= err;
      return;
    }
    this.close(err);
    this.env.onDown(err);
  }
}
