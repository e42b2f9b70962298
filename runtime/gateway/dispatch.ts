/**
 * Direct methods and cloud-to-device messages that arrive from the upstream for a mirrored
 * identity, handed to the local hub core: the leaf device (or module) answers exactly as if the
 * upstream had called it directly.
 *
 * - A method is invoked on the local identity with the upstream's timeout; the device's status and
 *   payload go back. Method links upstream exist only while the local identity accepts methods
 *   (method-links.ts), so a leaf that is not connected gets 404 DeviceNotOnline from the upstream
 *   itself; should it drop between the attach and the call, the answer here is 404 with IoT Hub's
 *   404103 body. No answer: 504101.
 * - A C2D message is queued in the local hub (durably) with `ack: full`, keeping the upstream's
 *   messageId. The upstream delivery stays unsettled until the local outcome: the device completes
 *   it (upstream complete: feedback Success), rejects it or it dead-letters (upstream reject), the
 *   local queue is full (upstream abandon: the upstream retries later). If the link drops first,
 *   the upstream redelivers; a message still pending locally is not queued twice.
 */
import type { HubCoreApi } from '../../hub-core/core/api.js';
import type { FeedbackRecord, IdentityRef, MethodResult } from '../../hub-core/core/types.js';
import { isHubError } from '../../hub-core/errors.js';
import type { Logger } from '../../hub-core/log.js';
import type { UpstreamC2d, UpstreamMethodCall } from '../upstream/link.js';

export class UpstreamDispatch {
  /** `deviceId\0messageId` → the upstream delivery waiting for the local outcome. */
  private readonly pending = new Map<string, UpstreamC2d>();
  private readonly unsubscribe: () => void;
  private seq = 0;
  stats = { methods: 0, c2dReceived: 0, c2dCompleted: 0, c2dRejected: 0, c2dAbandoned: 0, c2dDuplicates: 0 };

  constructor(private readonly deps: { core: HubCoreApi; logger: Logger }) {
    this.unsubscribe = deps.core.c2d.onFeedback((record) => this.feedback(record));
  }

  async method(ref: IdentityRef, call: UpstreamMethodCall): Promise<MethodResult> {
    this.stats.methods += 1;
    try {
      return await this.deps.core.methods.invoke(ref, {
        methodName: call.methodName,
        payload: call.payload,
        // Leave the link a little time to carry the answer back before the upstream gives up.
        responseTimeoutInSeconds: Math.max(1, call.responseTimeoutS - 1),
        connectTimeoutInSeconds: 0,
      });
    } catch (err) {
      if (isHubError(err, 'FH_METHOD_NOT_CONNECTED')) {
        return { status: 404, payload: { errorCode: 404103, message: `${describe(ref)} is not connected to the gateway` } };
      }
      if (isHubError(err, 'FH_METHOD_TIMEOUT')) {
        return { status: 504, payload: { errorCode: 504101, message: `${describe(ref)} did not answer in time` } };
      }
      this.deps.logger.warn({ event: 'upstreamMethodFailed', deviceId: ref.deviceId, moduleId: ref.moduleId, err }, 'a method from the upstream failed locally');
      return { status: 500, payload: { errorCode: 500001, message: (err as Error).message } };
    }
  }

  c2d(ref: IdentityRef, delivery: UpstreamC2d): void {
    this.stats.c2dReceived += 1;
    if (ref.moduleId !== undefined) {
      // IoT Hub has no C2D for modules; a well-behaved upstream never sends one.
      delivery.reject();
      this.stats.c2dRejected += 1;
      return;
    }
    const messageId = delivery.message.system.messageId ?? `fieldhub-upstream-${Date.now()}-${++this.seq}`;
    const k = `${ref.deviceId}\0${messageId}`;
    if (this.pending.has(k)) {
      // A redelivery (the link dropped before we settled): the local copy is still queued.
      this.pending.set(k, delivery);
      this.stats.c2dDuplicates += 1;
      return;
    }
    this.pending.set(k, delivery);
    const message = { ...delivery.message, system: { ...delivery.message.system, messageId, ack: 'full' } };
    this.deps.core.c2d.send(ref.deviceId, message).catch((err: unknown) => {
      this.pending.delete(k);
      this.stats.c2dAbandoned += 1;
      this.deps.logger.warn({ event: 'upstreamC2dNotQueued', deviceId: ref.deviceId, messageId, code: (err as { code?: string }).code },
        'a cloud-to-device message from the upstream could not be queued locally; the upstream will retry');
      delivery.abandon();
    });
  }

  close(): void {
    this.unsubscribe();
    this.pending.clear();
  }

  private feedback(record: FeedbackRecord): void {
    const k = `${record.deviceId}\0${record.originalMessageId}`;
    const delivery = this.pending.get(k);
    if (delivery === undefined) return;
    this.pending.delete(k);
    if (record.statusCode === 'Success') {
      delivery.complete();
      this.stats.c2dCompleted += 1;
    } else {
      delivery.reject();
      this.stats.c2dRejected += 1;
    }
  }
}

function describe(ref: IdentityRef): string {
  return ref.moduleId === undefined ? `device ${ref.deviceId}` : `module ${ref.deviceId}/${ref.moduleId}`;
}
