/**
 * An identity connected to the hub core from inside the process (protocol `module`): the
 * {@link DeviceProxy} the core pushes to, and the handlers a module registers for what arrives.
 * Used for each module identity (input messages) and each leaf device a module registers (C2D,
 * methods, desired properties). C2D and input messages are handled one at a time, in order;
 * resolve completes, a throw abandons (the core redelivers up to its delivery limit).
 */
import type { HubError } from '../../hub-core/errors.js';
import type { DeviceProxy, DeviceSession, HubCoreApi } from '../../hub-core/core/api.js';
import type { C2dDelivery, IdentityRef, JsonObject, JsonValue, Message, MethodRequest } from '../../hub-core/core/types.js';
import type { Logger } from '../../hub-core/log.js';
import type { MethodAnswer, OutgoingMessage } from './api.js';

/** What a C2D (or input) handler decides: `reject` dead-letters without a retry. */
type C2dRouter = (message: Message) => { handler: (message: Message) => Promise<void> } | 'reject';

export class InProcessConnection implements DeviceProxy {
  readonly protocol = 'module' as const;
  private session: DeviceSession | undefined;
  private c2dRouter: C2dRouter | undefined;
  private c2dChain: Promise<void> = Promise.resolve();
  private readonly methods = new Map<string, (payload: JsonValue, methodName: string) => Promise<MethodAnswer>>();
  private readonly desiredListeners: ((patch: JsonObject) => void | Promise<void>)[] = [];
  private closedByUs = false;

  private constructor(
    readonly ref: IdentityRef,
    private readonly logger: Logger,
    /** Called when the core ends the session (identity deleted or disabled, replaced, hub closing). */
    private readonly onLost: (reason: HubError) => void,
  ) {}

  /** Connects `ref` (which must exist) with its own device principal. */
  static async open(core: HubCoreApi, ref: IdentityRef, logger: Logger, onLost: (reason: HubError) => void): Promise<InProcessConnection> {
    const conn = new InProcessConnection(ref, logger, onLost);
    const principal = ref.moduleId === undefined
      ? { kind: 'device' as const, deviceId: ref.deviceId, authType: 'sas' as const }
      : { kind: 'device' as const, deviceId: ref.deviceId, moduleId: ref.moduleId, authType: 'sas' as const };
    conn.session = await core.connect(ref, principal, conn);
    return conn;
  }

  get active(): boolean {
    return this.session?.active === true;
  }

  /** Stores a message as this identity's telemetry (with `outputName` for a module output). */
  async send(message: OutgoingMessage, outputName?: string): Promise<void> {
    await this.live().sendTelemetry(toMessage(message, outputName));
  }

  updateReported(patch: JsonObject): Promise<number> {
    return this.live().updateReported(patch);
  }

  getTwin(): Promise<{ desired: JsonObject; reported: JsonObject }> {
    return this.live().getTwin();
  }

  /** Routes C2D deliveries (module inputs or device C2D) and turns delivery on. */
  enableC2d(router: C2dRouter): void {
    this.c2dRouter = router;
    this.session?.setC2dEnabled(true);
  }

  onMethod(name: string, handler: (payload: JsonValue, methodName: string) => Promise<MethodAnswer>): void {
    this.methods.set(name, handler);
    this.session?.setMethodsEnabled(true);
  }

  onDesired(listener: (patch: JsonObject) => void | Promise<void>): void {
    this.desiredListeners.push(listener);
    this.session?.setDesiredEnabled(true);
  }

  /** Disconnects; the core releases unsettled messages for the next session. Idempotent. */
  disconnect(): void {
    this.closedByUs = true;
    this.session?.disconnect();
  }

  /** Resolves once the messages handed to handlers so far are handled and settled. */
  settled(): Promise<void> {
    return this.c2dChain;
  }

  // ---- DeviceProxy (called by the core) ----

  sendC2d(delivery: C2dDelivery): void {
    const session = this.session;
    if (session === undefined) return;
    this.c2dChain = this.c2dChain.then(() => this.handleC2d(session, delivery));
  }

  sendMethodRequest(request: MethodRequest): void {
    const session = this.session;
    if (session === undefined) return;
    const handler = this.methods.get(request.name) ?? this.methods.get('*');
    if (handler === undefined) {
      session.respondToMethod(request.rid, 501, { message: `method ${request.name} is not implemented` });
      return;
    }
    void (async () => {
      let answer: MethodAnswer;
      try {
        answer = await handler(request.payload, request.name);
      } catch (err) {
        this.logger.warn({ event: 'method-handler-failed', method: request.name, err: errorText(err) }, 'a method handler threw');
        answer = { status: 500, payload: { message: errorText(err) } };
      }
      session.respondToMethod(request.rid, answer.status, answer.payload ?? null);
    })();
  }

  sendDesiredPatch(patch: JsonObject): void {
    for (const listener of this.desiredListeners) {
      void (async () => {
        try {
          await listener(patch);
        } catch (err) {
          this.logger.warn({ event: 'desired-listener-failed', err: errorText(err) }, 'a desired-properties listener threw');
        }
      })();
    }
  }

  close(reason: HubError): void {
    if (this.closedByUs) return;
    this.onLost(reason);
  }

  // ---- internals ----

  private live(): DeviceSession {
    if (this.session === undefined) throw new TypeError('InProcessConnection: not open');
    return this.session;
  }

  private async handleC2d(session: DeviceSession, delivery: C2dDelivery): Promise<void> {
    const route = this.c2dRouter?.(delivery.message) ?? 'reject';
    let outcome: 'complete' | 'abandon' | 'reject' = 'reject';
    if (route === 'reject') {
      this.logger.warn({ event: 'message-unhandled', input: delivery.message.system.inputName }, 'no handler for the message; rejected');
    } else {
      try {
        await route.handler(delivery.message);
        outcome = 'complete';
      } catch (err) {
        outcome = 'abandon';
        this.logger.warn({ event: 'message-handler-failed', input: delivery.message.system.inputName, deliveryCount: delivery.deliveryCount, err: errorText(err) },
          'a message handler threw; the message is abandoned');
      }
    }
    try {
      if (outcome === 'complete') await session.completeC2d(delivery.lockToken);
      else if (outcome === 'abandon') await session.abandonC2d(delivery.lockToken);
      else await session.rejectC2d(delivery.lockToken);
    } catch {
      // The session ended meanwhile (FH_SESSION_CLOSED) or the lock expired: the core has
      // released the message already and redelivers it to the next session.
    }
  }
}

/** A module's or leaf's outgoing message as a core Message (fresh objects: the core stamps them). */
export function toMessage(message: OutgoingMessage, outputName?: string): Message {
  const system: Message['system'] = {};
  let body: Uint8Array;
  if (message.body instanceof Uint8Array) body = message.body;
  else if (typeof message.body === 'string') {
    body = new TextEncoder().encode(message.body);
    system.contentEncoding = 'utf-8';
  } else {
    body = new TextEncoder().encode(JSON.stringify(message.body));
    system.contentType = 'application/json';
    system.contentEncoding = 'utf-8';
  }
  if (message.contentType !== undefined) system.contentType = message.contentType;
  if (message.messageId !== undefined) system.messageId = message.messageId;
  if (outputName !== undefined) system.outputName = outputName;
  return { body, system, properties: { ...message.properties } };
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return 'code' in err && typeof err.code === 'string' ? `${err.code}: ${err.message}` : err.message;
  return String(err);
}
