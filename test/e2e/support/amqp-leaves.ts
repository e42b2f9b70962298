/**
 * Many leaf identities over ONE AMQP connection to a hub's (or gateway's) AMQP head, spoken the
 * way the Node device SDK speaks it (TLS without SASL, a `$cbs` put-token per identity with the
 * device's own SAS token, one telemetry sender per identity), for tests that need each message's
 * AMQP outcome: `accepted`, or the rejection's condition (e.g. amqp:resource-limit-exceeded).
 */
import rhea, { type AmqpError, type Connection, type ConnectionOptions, type Delivery, type EventContext, type Sender } from 'rhea';
import { signSas } from '../../../hub-core/core/sas.js';

export interface AmqpLeafTarget {
  /** Address to dial (the hub's bind address). */
  host: string;
  port: number;
  ca: string;
  /** The hub's HostName: the SAS resource of every token and the AMQP open hostname. */
  hostName: string;
}

/** A message's outcome: accepted, released, or the rejection's error. */
export type AmqpOutcome = 'accepted' | 'released' | { condition?: string; description?: string };

interface Leaf {
  sender: Sender;
  waiting: Map<Delivery, (o: AmqpOutcome) => void>;
}

function describe(e: Error | AmqpError | undefined): string {
  if (e === undefined) return 'no error';
  if (e instanceof Error) return e.message;
  return `${e.condition ?? ''} ${e.description ?? ''}`;
}

function opened<T extends Sender | ReturnType<Connection['open_receiver']>>(link: T, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no attach in ${ms} ms`)), ms);
    link.once(link.is_sender() ? 'sender_open' : 'receiver_open', () => { clearTimeout(timer); resolve(link); });
    link.once(link.is_sender() ? 'sender_close' : 'receiver_close', () => {
      clearTimeout(timer);
      reject(new Error(`${what}: detached: ${describe(link.error)}`));
    });
  });
}

export class AmqpLeaves {
  private readonly leaves = new Map<string, Leaf>();
  private readonly pendingTokens = new Map<string, (status: number, description: string) => void>();

  private constructor(
    readonly connection: Connection,
    private readonly target: AmqpLeafTarget,
    private readonly cbs: Sender,
  ) {}

  /** Opens the connection and its `$cbs` links. */
  static async connect(target: AmqpLeafTarget): Promise<AmqpLeaves> {
    const container = rhea.create_container();
    container.on('error', () => undefined); // outcomes and detaches are read where they happen
    const connection = container.connect({
      host: target.host, port: target.port, transport: 'tls', ca: target.ca, servername: 'localhost',
      hostname: target.hostName, reconnect: false,
    } as ConnectionOptions);
    await new Promise<void>((resolve, reject) => {
      connection.once('connection_open', () => resolve());
      connection.once('connection_error', (c: EventContext) => reject(c.connection.error ?? new Error('AMQP connection error')));
      connection.once('disconnected', (c: EventContext) => reject(c.error ?? new Error('AMQP disconnected')));
    });
    const replies = connection.open_receiver({ source: { address: '$cbs' }, credit_window: 1000, autoaccept: true });
    const cbs = connection.open_sender({ target: { address: '$cbs' } });
    await Promise.all([opened(replies, 10_000, '$cbs receiver'), opened(cbs, 10_000, '$cbs sender')]);
    const leaves = new AmqpLeaves(connection, target, cbs);
    replies.on('message', (c: EventContext) => {
      const id = String(c.message?.correlation_id);
      const props = (c.message?.application_properties ?? {}) as Record<string, unknown>;
      leaves.pendingTokens.get(id)?.(Number(props['status-code']), String(props['status-description'] ?? ''));
      leaves.pendingTokens.delete(id);
    });
    return leaves;
  }

  /** Authorises `deviceId` with a token signed by its key and attaches its telemetry sender (waits for credit). */
  async attach(deviceId: string, key: string): Promise<void> {
    const resource = `${this.target.hostName}/devices/${deviceId}`;
    const token = signSas(resource, key, Math.floor(Date.now() / 1000) + 3600);
    const id = rhea.generate_uuid();
    const status = await new Promise<{ status: number; description: string }>((resolve, reject) => {
      const timer = setTimeout(() => { this.pendingTokens.delete(id); reject(new Error(`${deviceId}: no put-token reply`)); }, 15_000);
      this.pendingTokens.set(id, (s, description) => { clearTimeout(timer); resolve({ status: s, description }); });
      this.cbs.send({
        message_id: id, to: '$cbs', reply_to: 'cbs', body: token,
        application_properties: { operation: 'put-token', type: 'servicebus.windows.net:sastoken', name: resource },
      });
    });
    if (status.status !== 200) throw new Error(`${deviceId}: put-token ${status.status} ${status.description}`);
    const sender = this.connection.open_sender({ target: { address: `/devices/${deviceId}/messages/events` }, autosettle: true });
    const credited = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${deviceId}: telemetry link got no credit`)), 15_000);
      sender.once('sendable', () => { clearTimeout(timer); resolve(); });
      sender.once('sender_close', () => { clearTimeout(timer); reject(new Error(`${deviceId}: telemetry link detached: ${describe(sender.error)}`)); });
    });
    await credited;
    const waiting = new Map<Delivery, (o: AmqpOutcome) => void>();
    const settle = (value: (c: EventContext) => AmqpOutcome) => (c: EventContext): void => {
      if (c.delivery === undefined) return;
      waiting.get(c.delivery)?.(value(c));
      waiting.delete(c.delivery);
    };
    sender.on('accepted', settle(() => 'accepted'));
    sender.on('released', settle(() => 'released'));
    sender.on('rejected', settle((c) => {
      const e = (c.delivery?.remote_state as { error?: AmqpError } | undefined)?.error;
      return { condition: e?.condition, description: e?.description };
    }));
    this.leaves.set(deviceId, { sender, waiting });
  }

  /** Sends one telemetry message as `deviceId` (attached first) and resolves with its outcome. */
  send(deviceId: string, body: string, properties: Record<string, string> = {}): Promise<AmqpOutcome> {
    const leaf = this.leaves.get(deviceId);
    if (leaf === undefined) throw new Error(`${deviceId} is not attached`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${deviceId}: no outcome for a message in 20 s`)), 20_000);
      const delivery = leaf.sender.send({ body: rhea.message.data_section(Buffer.from(body)), application_properties: properties });
      leaf.waiting.set(delivery, (o) => { clearTimeout(timer); resolve(o); });
    });
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.connection.is_closed()) return resolve();
      const timer = setTimeout(resolve, 5000);
      const done = (): void => { clearTimeout(timer); resolve(); };
      this.connection.once('connection_close', done);
      this.connection.once('disconnected', done);
      this.connection.close();
    });
  }
}
