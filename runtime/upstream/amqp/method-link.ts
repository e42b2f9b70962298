/**
 * One identity's direct methods (`/devices/{d}[/modules/{m}]/methods/devicebound`, wire contract
 * C): requests arrive on the receiver (accepted at once, as the SDK does), the gateway's handler
 * answers, and the answer goes back on the sender with the request's correlation id and an
 * `IoThub-status`. No answer within the response timeout: 504; a handler that throws: 500.
 *
 * The pair is attached only while the gateway wants methods for the identity (the local device
 * accepts them); retiring it detaches the receiver at once, so the upstream answers new callers
 * with 404 DeviceNotOnline itself, and the sender once the calls in flight have answered.
 */
import type { EventContext, Receiver, Sender } from 'rhea';
import type { JsonValue, MethodResult } from '../../../hub-core/core/types.js';
import type { Logger } from '../../../hub-core/log.js';
import type { UpstreamMethodCall } from '../link.js';
import { decodeMethodRequest, encodeMethodResponse } from './codec.js';
import { CreditSender } from './credit-sender.js';
import { AmqpLinkEvents } from './log-events.js';

/** Answers one identity may have waiting for credit. */
const MAX_QUEUED = 256;

export class MethodLink {
  private readonly out: CreditSender;
  private closed = false;
  /** Requests taken and not answered yet. */
  private inFlight = 0;
  /** Set by retire(): called once the sender is detached too. */
  private retired: (() => void) | undefined;

  constructor(
    readonly receiver: Receiver,
    readonly sender: Sender,
    private readonly env: {
      identity: string;
      log: Logger;
      responseTimeoutS: number;
      onMethod(call: UpstreamMethodCall): Promise<MethodResult>;
    },
  ) {
    this.out = new CreditSender(sender, MAX_QUEUED);
    receiver.on('message', (c: EventContext) => {
      if (c.message !== undefined) void this.call(c.message);
    });
  }

  /** The links are gone: answers still being computed are dropped (the upstream times out). */
  fail(): void {
    this.closed = true;
    this.out.close();
  }

  /** Fails (as {@link fail}) and detaches both links now. */
  close(): void {
    this.fail();
    for (const l of [this.receiver, this.sender]) if (!l.is_closed()) l.close();
  }

  /**
   * No more requests: detaches the receiver now and the sender once every call in flight has
   * answered (each ends within the response timeout); then calls `done`. Idempotent.
   */
  retire(done: () => void): void {
    if (this.closed || this.retired !== undefined) return;
    this.retired = done;
    if (!this.receiver.is_closed()) this.receiver.close();
    this.finishRetiring();
  }

  private finishRetiring(): void {
    const done = this.retired;
    if (done === undefined || this.inFlight > 0 || this.closed) return;
    this.close();
    done();
  }

  private async call(message: Parameters<typeof decodeMethodRequest>[0]): Promise<void> {
    const request = decodeMethodRequest(message);
    if (request === undefined) {
      AmqpLinkEvents.badMethodRequest(this.env.log, this.env.identity);
      return;
    }
    this.inFlight++;
    try {
      await this.run(request);
    } finally {
      this.inFlight--;
      this.finishRetiring();
    }
  }

  private async run(request: NonNullable<ReturnType<typeof decodeMethodRequest>>): Promise<void> {
    const timeoutS = this.env.responseTimeoutS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<MethodResult>((resolve) => {
      timer = setTimeout(() => resolve({ status: 504, payload: { message: `no answer within ${timeoutS} s` } }), timeoutS * 1000);
    });
    let result: MethodResult;
    try {
      result = await Promise.race([
        this.env.onMethod({ methodName: request.methodName, payload: request.payload, responseTimeoutS: timeoutS }),
        timeout,
      ]);
    } catch (err) {
      AmqpLinkEvents.methodHandlerFailed(this.env.log, this.env.identity, request.methodName, err);
      result = { status: 500, payload: { message: 'the gateway could not run the method' } };
    } finally {
      clearTimeout(timer);
    }
    this.answer(request.correlationId, result.status, result.payload);
  }

  private answer(correlationId: unknown, status: number, payload: JsonValue): void {
    if (this.closed) return;
    const code = Number.isFinite(status) ? status : 500;
    if (!this.out.send({ message: encodeMethodResponse(correlationId, code, payload === undefined ? null : payload), onSent: () => undefined })) {
      AmqpLinkEvents.methodAnswerDropped(this.env.log, this.env.identity);
    }
  }
}
