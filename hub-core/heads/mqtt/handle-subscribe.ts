/**
 * SUBSCRIBE and UNSUBSCRIBE. IoT Hub is not a broker: the only filters are the identity's own
 * fixed families (wire contract B, "Subscriptions"), and each turns a core feature on or off
 * (C2D, methods, desired notifications). Granted QoS is min(requested, 1); anything else gets
 * 0x80 [MQTT-3.9.3-2]. For CleanSession=0 the set is persisted before the SUBACK, so a reconnect
 * restores exactly what was acknowledged.
 */
import type { ISubscribePacket, IUnsubscribePacket } from 'mqtt-packet';
import type { DeviceSession } from '../../core/api.js';
import { encodeSuback, encodeUnsuback } from './codec.js';
import type { Connection } from './connection.js';
import { MqttEvents } from './log-events.js';
import type { Subscriptions } from './session-store.js';
import type { Feature, TopicTable } from './topics.js';

const REFUSED = 0x80;

/** Handles SUBSCRIBE; the SUBACK follows once the session is persisted. */
export function handleSubscribe(conn: Connection, packet: ISubscribePacket): Promise<void> {
  return serialise(conn, async () => {
    const att = conn.attached!;
    const before = new Map(att.subscriptions);
    const granted = packet.subscriptions.map(({ topic, qos }) => {
      if (att.topics.featureOf(topic) === undefined) {
        MqttEvents.subscribeRefused(conn.ctx.log, conn.fields, topic);
        return REFUSED;
      }
      const q = Math.min(qos, 1);
      att.subscriptions.set(topic, q);
      return q;
    });
    await persist(conn);
    conn.write(encodeSuback(packet.messageId ?? 0, granted));
    applyFeatures(att.session, before, att.subscriptions, att.topics);
  });
}

/** Handles UNSUBSCRIBE; features no longer covered are turned off. */
export function handleUnsubscribe(conn: Connection, packet: IUnsubscribePacket): Promise<void> {
  return serialise(conn, async () => {
    const att = conn.attached!;
    const before = new Map(att.subscriptions);
    for (const topic of packet.unsubscriptions) att.subscriptions.delete(topic);
    await persist(conn);
    conn.write(encodeUnsuback(packet.messageId ?? 0));
    applyFeatures(att.session, before, att.subscriptions, att.topics);
  });
}

/**
 * Turns features on or off on the core session for the change `before` → `after`.
 * Only changes are sent, so a repeated SUBSCRIBE does not re-enable (and re-push) anything.
 */
export function applyFeatures(session: DeviceSession, before: Subscriptions, after: Subscriptions, topics: TopicTable): void {
  const was = featuresOf(before, topics);
  const now = featuresOf(after, topics);
  const toggle = (feature: Feature, set: (on: boolean) => void): void => {
    if (was.has(feature) !== now.has(feature)) set(now.has(feature));
  };
  toggle('c2d', (on) => session.setC2dEnabled(on));
  toggle('methods', (on) => session.setMethodsEnabled(on));
  toggle('desired', (on) => session.setDesiredEnabled(on));
}

function featuresOf(subs: Subscriptions, topics: TopicTable): Set<Feature> {
  const out = new Set<Feature>();
  for (const filter of subs.keys()) {
    const feature = topics.featureOf(filter);
    if (feature !== undefined) out.add(feature);
  }
  return out;
}

async function persist(conn: Connection): Promise<void> {
  const att = conn.attached!;
  if (!att.clean) await conn.ctx.sessions.save(att.clientId, att.subscriptions);
}

/** Runs subscription changes one after another, in arrival order. */
function serialise(conn: Connection, work: () => Promise<void>): Promise<void> {
  const run = conn.subscriptionChain.then(work);
  conn.subscriptionChain = run.catch(() => undefined);
  return run;
}
