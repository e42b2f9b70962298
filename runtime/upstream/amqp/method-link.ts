/**
 * One identity's direct methods (`/devices/{d}[/modules/{m}]/methods/devicebound`, wire contract
 * C): requests arrive on the receiver (accepted at once, as the SDK does), the gateway's handler
 * answers, and the answer goes back on the sender with the request's correlation id and an
 * `IoThub-status`. No answer within the response timeout: 504; a handler that throws: 500.
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

  private async call(message: Parameters<typeof decodeMethodRequest>[0]): Promise<void> {
    const request = decodeMethodRequest(message);
    if (request === undefined) {
      AmqpLinkEvents.badMethodRequest(this.env.log, this.env.identity);
      return;
    }
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
