/**
 * Twin requests and method responses on `$iothub/…` (wire contract B). Twin responses go out
 * whether or not the client subscribed to `$iothub/twin/res/#` (Azure does the same; the SDK
 * subscribes first anyway). Every response body is JSON or empty: the Node SDK JSON.parses it
 * unguarded, so a non-JSON body would crash the device process.
 */
import type { JsonValue } from '../../core/types.js';
import { HubError } from '../../errors.js';
import type { Connection } from './connection.js';
import { codeOf, twinErrorFor } from './error-map.js';
import { MqttEvents } from './log-events.js';
import { twinResponseTopic } from './topics.js';

/** `$iothub/twin/GET/?$rid=…` → `res/200` with `{desired, reported}`. */
export async function handleTwinGet(conn: Connection, rid: string): Promise<void> {
  const session = conn.attached!.session;
  try {
    const twin = await session.getTwin();
    conn.publish(twinResponseTopic(200, rid), JSON.stringify(twin));
  } catch (err) {
    respondError(conn, rid, err);
  }
}

/** `$iothub/twin/PATCH/properties/reported/?$rid=…` → `res/204/?$rid=…&$version=v`, empty body. */
export async function handleReportedPatch(conn: Connection, rid: string, payload: Buffer): Promise<void> {
  const session = conn.attached!.session;
  try {
    let patch: unknown;
    try {
      patch = JSON.parse(payload.toString('utf8'));
    } catch (cause) {
      throw new HubError('FH_TWIN_INVALID', 'reported patch is not valid JSON', { cause });
    }
    const version = await session.updateReported(patch);
    conn.publish(twinResponseTopic(204, rid, version), '');
  } catch (err) {
    respondError(conn, rid, err);
  }
}

/**
 * `$iothub/methods/res/{status}/?$rid=…`: an empty body is null; a body that is not JSON is
 * passed on as a string rather than dropped (the service caller still gets an answer).
 */
export function handleMethodResponse(conn: Connection, rid: string, status: number, payload: Buffer): void {
  const text = payload.toString('utf8');
  let value: JsonValue = null;
  if (text.trim().length > 0) {
    try {
      value = JSON.parse(text) as JsonValue;
    } catch {
      value = text;
    }
  }
  conn.attached!.session.respondToMethod(rid, status, value);
}

function respondError(conn: Connection, rid: string, err: unknown): void {
  const { status, body } = twinErrorFor(err);
  MqttEvents.twinError(conn.ctx.log, conn.fields, codeOf(err), status);
  conn.publish(twinResponseTopic(status, rid), body);
}
