/**
 * One direct-method request from the upstream, run through the gateway's handler: a payload that
 * is not JSON is answered 400 (as the SDK does), a handler that throws 500, no answer within the
 * response time 504. The caller publishes the result on `$iothub/methods/res/{status}`.
 */
import type { MethodResult } from '../../../hub-core/core/types.js';
import type { Logger } from '../../../hub-core/log.js';
import type { UpstreamMethodCall } from '../link.js';
import type { MethodRequest } from './codec.js';
import { MqttIdentityEvents } from './log-events.js';

export async function runMethod(
  request: MethodRequest,
  env: { identity: string; log: Logger; responseTimeoutS: number; handler(call: UpstreamMethodCall): Promise<MethodResult> },
): Promise<MethodResult> {
  if (!request.valid) return { status: 400, payload: { message: 'Invalid request format: the payload is not JSON' } };
  const timeoutS = env.responseTimeoutS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<MethodResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: 504, payload: { message: `no answer within ${timeoutS} s` } }), timeoutS * 1000);
  });
  try {
    const result = await Promise.race([env.handler({ methodName: request.methodName, payload: request.payload, responseTimeoutS: timeoutS }), timeout]);
    return Number.isFinite(result.status) ? result : { status: 500, payload: result.payload ?? null };
  } catch (err) {
    MqttIdentityEvents.methodHandlerFailed(env.log, env.identity, request.methodName, err);
    return { status: 500, payload: { message: 'the gateway could not run the method' } };
  } finally {
    clearTimeout(timer);
  }
}
