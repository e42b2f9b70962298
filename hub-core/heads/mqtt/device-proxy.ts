/**
 * The core's way to reach one MQTT client (the edgeHub `IDeviceProxy`): C2D and module input
 * messages as QoS 1 PUBLISHes, method requests and desired patches as QoS 0 PUBLISHes, and close.
 * Topics and encodings follow wire contract B, "Hub → device PUBLISH".
 */
import type { DeviceProxy } from '../../core/api.js';
import type { C2dDelivery, JsonObject, MethodRequest } from '../../core/types.js';
import type { HubError } from '../../errors.js';
import type { Connection } from './connection.js';
import { MqttEvents } from './log-events.js';
import { encodeC2dBag } from './property-bag.js';
import { desiredPatchTopic, methodRequestTopic, type TopicTable } from './topics.js';

/** The {@link DeviceProxy} of one MQTT connection; it holds the C2D packet-id → lock-token map. */
export class MqttDeviceProxy implements DeviceProxy {
  readonly protocol = 'mqtt' as const;
  /** Calls made before the CONNACK went out; a PUBLISH must never precede it. */
  private held: Array<() => void> | undefined = [];
  /** Outgoing QoS 1 packet id → the core's lock token, until the device PUBACKs. */
  private readonly inflight = new Map<number, string>();
  private nextId = 1;

  constructor(
    private readonly conn: Connection,
    private readonly topics: TopicTable,
  ) {}

  /** The CONNACK is written: from now on calls go straight to the socket. */
  release(): void {
    const held = this.held;
    this.held = undefined;
    for (const call of held ?? []) call();
  }

  sendC2d(delivery: C2dDelivery): void {
    this.run(() => {
      const { message } = delivery;
      const bag = encodeC2dBag(message, this.topics.c2dTo());
      const topic = this.topics.c2dTopic(bag, message.system.inputName);
      const id = this.allocateId();
      this.inflight.set(id, delivery.lockToken);
      // The core counts previous deliveries (0 on the first): a redelivery on a resumed
      // session is marked DUP [MQTT-3.3.1-1].
      this.conn.publish(topic, message.body, 1, id, delivery.deliveryCount > 0);
    });
  }

  sendMethodRequest(request: MethodRequest): void {
    // The SDK JSON.parses the body: an empty body makes it auto-reply 400, so null is `null`.
    this.run(() => this.conn.publish(methodRequestTopic(request.name, request.rid), JSON.stringify(request.payload ?? null)));
  }

  sendDesiredPatch(patch: JsonObject): void {
    this.run(() => this.conn.publish(desiredPatchTopic(patch['$version']), JSON.stringify(patch)));
  }

  close(reason: HubError): void {
    MqttEvents.closedByCore(this.conn.ctx.log, this.conn.fields, reason.code);
    this.conn.destroy(`closed by core: ${reason.code}`);
  }

  /** The device PUBACKed packet `id`: returns the lock token it settles, if it was ours. */
  acknowledge(id: number): string | undefined {
    const lockToken = this.inflight.get(id);
    if (lockToken !== undefined) this.inflight.delete(id);
    return lockToken;
  }

  private run(call: () => void): void {
    if (this.held !== undefined) this.held.push(call);
    else call();
  }

  /** Next free packet id in 1..65535 [MQTT-2.3.1-1]; ids still awaiting a PUBACK are skipped. */
  private allocateId(): number {
    for (let tries = 0; tries < 65535; tries++) {
      const id = this.nextId;
      this.nextId = id === 65535 ? 1 : id + 1;
      if (!this.inflight.has(id)) return id;
    }
    throw new RangeError('no free MQTT packet id');
  }
}

