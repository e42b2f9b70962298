/**
 * The links of one mirrored identity on one connection (wire contract C "Links"), attached the
 * way the device SDK attaches them: telemetry sender, C2D receiver (devices only), method
 * receiver + sender and twin sender + receiver (each pair with its `channel-correlation-id` and
 * the api-version), then the desired-properties subscription (twin PUT). The identity is up once
 * all of that answered; any of its links detached by the upstream afterwards takes it down.
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
  private readonly methods: MethodLink;
  private readonly c2d: C2dLink | undefined;
  private readonly links = new Map<Sender | Receiver, string>();
  private state: 'opening' | 'up' | 'closed' = 'opening';
  private openError: RuntimeError | undefined;

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
    );
    if (env.ref.moduleId === undefined) {
      const receiver = this.track(session.open_receiver({
        name: name('c2d'), source: { address: `${base}/messages/devicebound` }, credit_window: 0, autoaccept: false, rcv_settle_mode: 0, properties: clientVersion,
      }) as Receiver, `${base}/messages/devicebound`);
      this.c2d = new C2dLink(receiver, o.c2dCredit, { identity: env.key, log: env.log, onC2d: env.onC2d });
    }
    const methodsAddress = `${base}/methods/devicebound`;
    const methodProps = channel('methods');
    const methodRequests = this.track(session.open_receiver({
      name: name('methods-rx'), source: { address: methodsAddress }, credit_window: o.rpcCredit, autoaccept: true, rcv_settle_mode: 0, properties: methodProps,
    }) as Receiver, methodsAddress);
    const methodAnswers = this.track(session.open_sender({
      name: name('methods-tx'), target: { address: methodsAddress }, rcv_settle_mode: 0, properties: methodProps,
    }) as Sender, methodsAddress);
    this.methods = new MethodLink(methodRequests, methodAnswers, {
      identity: env.key, log: env.log, responseTimeoutS: o.methodResponseTimeoutS, onMethod: env.onMethod,
    });
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
    } catch (err) {
      this.close(err as RuntimeError);
      throw err;
    }
  }

  get isUp(): boolean {
    return this.state === 'up';
  }

  sendTelemetry(message: Message): Promise<void> {
    return this.telemetry.send(message);
  }

  /** Detaches every link (graceful) and fails what is pending with `err`. */
  close(err: RuntimeError): void {
    if (this.state === 'closed') return;
    this.fail(err);
    for (const l of this.links.keys()) if (!l.is_closed()) l.close();
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
    this.methods.fail();
    this.c2d?.fail();
  }

  private track<T extends Sender | Receiver>(link: T, address: string): T {
    this.links.set(link, address);
    link.on(link.is_sender() ? 'sender_close' : 'receiver_close', () => this.peerClosed(link));
    return link;
  }

  /** The upstream detached one of the links. */
  private peerClosed(link: Sender | Receiver): void {
    if (this.state === 'closed') return;
    const err = detachError(link.error, `${this.env.key} ${this.links.get(link) ?? '?'}`);
    if (this.state === 'opening') {
      this.openError ??= err;
      return;
    }
    this.close(err);
    this.env.onDown(err);
  }
}
