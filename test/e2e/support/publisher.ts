/**
 * A lean QoS 1 telemetry publisher for one device: sequential numbers as message bodies, a fixed
 * window of PUBLISHes in flight, and a record of every number the hub acknowledged. The body is
 * the number so a test can check, after the fact, exactly which acknowledged messages are stored.
 */
import type { IPubackPacket } from 'mqtt-packet';
import { deviceToken, RawMqtt, sdkUsername } from './raw-mqtt.js';

export interface PublisherTarget {
  host: string;
  port: number;
  ca: string;
  hostName: string;
}

export class SeqPublisher {
  /** Sequence numbers the hub acknowledged, in acknowledgement order. */
  readonly acked: number[] = [];
  /** The highest sequence number sent. */
  lastSent = 0;
  /** Wire-level surprises (a PUBACK for nothing in flight); a test expects none. */
  readonly protocolErrors: string[] = [];
  private readonly inflight = new Map<number, number>();
  private running = false;
  private listeners: ((seq: number) => void)[] = [];

  private constructor(readonly deviceId: string, readonly client: RawMqtt, private readonly window: number) {
    client.on('puback', (p: IPubackPacket) => this.onPuback(p.messageId ?? -1));
  }

  /** Connects as `deviceId` with a SAS token from `key`; throws when refused. */
  static async connect(target: PublisherTarget, deviceId: string, key: string, window = 16): Promise<SeqPublisher> {
    const { client, connack } = await RawMqtt.connect({
      host: target.host, port: target.port, ca: target.ca, clientId: deviceId,
      username: sdkUsername(target.hostName, deviceId), password: deviceToken(target.hostName, deviceId, key),
    });
    if (connack?.returnCode !== 0) {
      client.destroy();
      throw new Error(`${deviceId}: CONNECT refused (${connack ? `CONNACK ${connack.returnCode}` : 'closed'})`);
    }
    return new SeqPublisher(deviceId, client, window);
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  /** Called with each acknowledged sequence number. */
  onAck(listener: (seq: number) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    this.running = true;
    while (this.inflight.size < this.window) this.sendNext();
  }

  /** Sends nothing more; acknowledgements still in flight are still recorded. */
  stop(): void {
    this.running = false;
  }

  private sendNext(): void {
    const seq = ++this.lastSent;
    const id = this.client.publish(`devices/${this.deviceId}/messages/events/`, String(seq));
    this.inflight.set(id, seq);
  }

  private onPuback(id: number): void {
    const seq = this.inflight.get(id);
    if (seq === undefined) {
      this.protocolErrors.push(`PUBACK for packet id ${id}, which is not in flight`);
      return;
    }
    this.inflight.delete(id);
    this.acked.push(seq);
    for (const l of this.listeners) l(seq);
    if (this.running && !this.client.isClosed) this.sendNext();
  }
}

/**
 * Checks what the hub stored for one device against what it acknowledged: every acknowledged
 * number present, first occurrences in sending order, nothing that was never sent.
 * Returns the problems (empty when all holds) and the duplicate count.
 */
export function checkStored(stored: number[], acked: number[], lastSent: number): { problems: string[]; duplicates: number } {
  const problems: string[] = [];
  const seen = new Set<number>();
  let previous = 0;
  let duplicates = 0;
  for (const n of stored) {
    if (!Number.isInteger(n) || n < 1 || n > lastSent) problems.push(`stored ${n}, which was never sent`);
    if (seen.has(n)) {
      duplicates++;
      continue;
    }
    if (n < previous) problems.push(`stored ${n} after ${previous}: out of order`);
    previous = Math.max(previous, n);
    seen.add(n);
  }
  const missing = acked.filter((n) => !seen.has(n));
  if (missing.length > 0) problems.push(`${missing.length} acknowledged messages lost, e.g. ${missing.slice(0, 5).join(', ')}`);
  return { problems, duplicates };
}
