/**
 * A plain rhea client for tests that need more than the SDKs do: many identities on one
 * connection, raw put-tokens, links the SDK would never open, credit the SDK would always give.
 */
import rhea, { type AmqpError, type Connection, type ConnectionOptions, type Delivery, type EventContext, type Message, type Receiver, type Sender } from 'rhea';
import type { AmqpTestHub } from './harness.js';

export interface RheaPeer {
  connection: Connection;
  /** Sends a put-token; resolves with the reply's status-code. */
  putToken(token: string, name?: string): Promise<number>;
  /** Like putToken, but writes the request in this tick (after one putToken opened the $cbs links). */
  putTokenNow(token: string, name?: string): Promise<number>;
  /** Attaches a sender and waits for the hub's attach (rejects with the detach error, if any). */
  sender(address: string, options?: Record<string, unknown>): Promise<Sender>;
  /** Attaches a receiver (credit_window 0 unless given) and waits for the attach. */
  receiver(address: string, options?: Record<string, unknown>): Promise<Receiver>;
  /** Attaches a link the hub should refuse; resolves with the detach error that follows the attach. */
  refused(address: string, role: 'sender' | 'receiver'): Promise<AmqpError | undefined>;
  /** Sends and resolves with the outcome: 'accepted', or the rejection's AMQP error. */
  send(sender: Sender, message: Message): Promise<'accepted' | AmqpError | 'released'>;
  close(): Promise<void>;
}

/** rhea decodes an AMQP error as a composite with getters; tests compare plain objects. */
function plainError(e: AmqpError | undefined): AmqpError {
  return e === undefined ? {} : { condition: e.condition, description: e.description };
}

/** The detach error of a link the hub refuses (attach, then detach with an error). */
export function detachError(link: Sender | Receiver): Promise<AmqpError | undefined> {
  return new Promise((resolve) => {
    const done = (c: EventContext): void => {
      const error = (c.sender ?? c.receiver)?.error as AmqpError | undefined;
      resolve(error === undefined ? undefined : plainError(error));
    };
    link.once(link.is_sender() ? 'sender_close' : 'receiver_close', done);
  });
}

/** Opens one TLS connection to the head without SASL (like the Node device SDK). */
export async function connectPeer(hub: AmqpTestHub, extra: Partial<ConnectionOptions> & Record<string, unknown> = {}): Promise<RheaPeer> {
  const container = rhea.create_container();
  // A refused link detaches with an error; tests read it from the link, not from here.
  container.on('error', () => undefined);
  const connection = container.connect({
    host: hub.host, port: hub.port, transport: 'tls', ca: hub.ca, servername: 'localhost', hostname: hub.hostName,
    reconnect: false, ...extra,
  } as ConnectionOptions);
  await new Promise<void>((resolve, reject) => {
    connection.once('connection_open', () => resolve());
    // A SASL failure arrives as the context's error (the AMQP connection never opened).
    connection.once('connection_error', (c: EventContext) => reject(c.error ?? c.connection.error ?? new Error('connection error')));
    connection.once('disconnected', (c: EventContext) => reject(c.error ?? new Error('disconnected')));
  });
  const pending = new Map<string, (status: number) => void>();
  let cbsSender: Sender | undefined;
  let cbsReady: Promise<void> | undefined;
  const outcomes = new WeakMap<Sender, Map<Delivery, (o: 'accepted' | AmqpError | 'released') => void>>();
  const opened = <T extends Sender | Receiver>(link: T): Promise<T> => new Promise((resolve, reject) => {
    link.once(link.is_sender() ? 'sender_open' : 'receiver_open', () => resolve(link));
    link.once(link.is_sender() ? 'sender_close' : 'receiver_close', () => reject(Object.assign(new Error('detached'), { amqp: link.error })));
  });
  const peer: RheaPeer = {
    connection,
    async putToken(token, name = 'x') {
      cbsReady ??= (async () => {
        const replies = connection.open_receiver({ source: { address: '$cbs' }, credit_window: 1000, autoaccept: true });
        replies.on('message', (c: EventContext) => {
          const id = String(c.message?.correlation_id);
          pending.get(id)?.(Number(c.message?.application_properties?.['status-code']));
          pending.delete(id);
        });
        cbsSender = connection.open_sender({ target: { address: '$cbs' } });
        await Promise.all([opened(replies), opened(cbsSender)]);
      })();
      await cbsReady;
      return peer.putTokenNow(token, name);
    },
    putTokenNow(token, name = 'x') {
      if (cbsSender === undefined) throw new Error('no $cbs link yet: call putToken first');
      const id = rhea.generate_uuid();
      const sender = cbsSender;
      return new Promise<number>((resolve) => {
        pending.set(id, resolve);
        sender.send({
          message_id: id, to: '$cbs', reply_to: 'cbs', body: token,
          application_properties: { operation: 'put-token', type: 'servicebus.windows.net:sastoken', name },
        });
      });
    },
    sender(address, options = {}) {
      return opened(connection.open_sender({ target: { address }, ...options }));
    },
    receiver(address, options = {}) {
      return opened(connection.open_receiver({ source: { address }, credit_window: 0, autoaccept: false, ...options }));
    },
    refused(address, role) {
      const link = role === 'sender'
        ? connection.open_sender({ target: { address } })
        : connection.open_receiver({ source: { address }, credit_window: 0 });
      return detachError(link);
    },
    send(sender, message) {
      let waiting = outcomes.get(sender);
      if (waiting === undefined) {
        const map = new Map<Delivery, (o: 'accepted' | AmqpError | 'released') => void>();
        const settle = (value: (c: EventContext) => 'accepted' | AmqpError | 'released') => (c: EventContext): void => {
          if (c.delivery === undefined) return;
          map.get(c.delivery)?.(value(c));
          map.delete(c.delivery);
        };
        sender.on('accepted', settle(() => 'accepted'));
        sender.on('rejected', settle((c) => plainError((c.delivery?.remote_state as { error?: AmqpError } | undefined)?.error)));
        sender.on('released', settle(() => 'released'));
        outcomes.set(sender, map);
        waiting = map;
      }
      const map = waiting;
      return new Promise((resolve) => map.set(sender.send(message), resolve));
    },
    close() {
      return new Promise<void>((resolve) => {
        if (connection.is_closed()) return resolve();
        connection.once('connection_close', () => resolve());
        connection.once('disconnected', () => resolve());
        connection.close();
      });
    },
  };
  return peer;
}
