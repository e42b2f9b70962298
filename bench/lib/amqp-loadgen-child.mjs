// One AMQP load-generator process: rhea over TLS with no SASL layer (as the Node device SDK), each
// identity authorised by its own CBS put-token, one sender link per identity to
// /devices/{d}/messages/events, unsettled; a message counts once the hub settles it `accepted`
// (after it is stored). Same IPC commands as loadgen-child.mjs: connect -> publish -> mark ->
// stop -> close. Lean: each device's message is encoded once and sent as raw bytes, nothing is
// logged per message, and each connection's frames of one turn go out in one socket write.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import rhea from 'rhea';
import { newHistogram, record } from './measure.mjs';

/** Every AMQP connection of this process: { connection, open }. */
const conns = [];
/** Every device's telemetry link: { id, address, sender, conn, encoded, inflight, owed }. */
const links = [];
let hist = newHistogram();
let acked = 0;
/** Accepted deliveries since the first send, warm-up included (never reset). */
let ackedTotal = 0;
let publishing = false;
let windowSize = 16;
let errors = [];

const container = rhea.create_container({ id: `bench-amqp-${process.pid}` });
// Without a listener of last resort rhea throws unhandled errors; they are counted instead.
container.on('error', (err) => errors.push(`amqp: ${err?.message ?? err}`));

function send(msg) {
  process.send(msg);
}

function noop() {}

/** Resolves on `ok`, rejects on any of `fail` or after `ms`. */
function waitFor(emitter, ok, fail, ms, what) {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      emitter.removeListener(ok, onOk);
      for (const f of fail) emitter.removeListener(f, onFail);
    };
    const onOk = (c) => { cleanup(); resolve(c); };
    const onFail = (c) => {
      cleanup();
      const e = c?.error ?? c?.sender?.error ?? c?.receiver?.error ?? c?.connection?.error;
      reject(new Error(`${what}: ${e?.condition ?? ''} ${e?.description ?? e?.message ?? 'closed'}`.trim()));
    };
    const timer = setTimeout(() => { cleanup(); reject(new Error(`${what}: no answer in ${ms / 1000} s`)); }, ms);
    emitter.on(ok, onOk);
    for (const f of fail) emitter.on(f, onFail);
  });
}

/**
 * rhea writes every frame with its own socket.write (one TLS record each); corking around its
 * processing turn sends the turn's frames in one write, as the MQTT generator does.
 */
function batchWrites(connection) {
  const processTurn = connection._process;
  connection._process = function batched() {
    const socket = this.socket;
    if (socket?.cork === undefined) return processTurn.call(this);
    socket.cork();
    try {
      return processTurn.call(this);
    } finally {
      socket.uncork();
    }
  };
}

/** One TLS connection (no SASL) with its $cbs pair; resolves once both links are attached. */
async function openConnection(target) {
  const connection = container.connect({
    host: target.host, port: target.port, transport: 'tls', ca: target.ca,
    servername: target.servername ?? 'localhost', hostname: target.hostName, reconnect: false,
    // rhea's default (2048 unsettled deliveries per session) unless a diagnosis asks otherwise.
    ...(target.sessionBufferSize ? { session_buffer_size: target.sessionBufferSize } : {}),
  });
  batchWrites(connection);
  const conn = { connection, open: false, pending: new Map(), cbs: undefined };
  await waitFor(connection, 'connection_open', ['connection_error', 'disconnected', 'connection_close'], 30_000, 'AMQP open');
  conn.open = true;
  connection.on('disconnected', () => {
    if (conn.open && publishing) errors.push('an AMQP connection was closed by the hub');
    conn.open = false;
  });
  connection.on('connection_close', () => {
    const e = connection.error;
    if (conn.open && publishing) errors.push(`connection closed by the hub: ${e?.condition ?? ''} ${e?.description ?? ''}`);
    conn.open = false;
  });
  connection.on('connection_error', noop);
  const replies = connection.open_receiver({ source: { address: '$cbs' }, credit_window: 1000, autoaccept: true });
  replies.on('message', (c) => {
    const id = String(c.message?.correlation_id);
    const waiter = conn.pending.get(id);
    conn.pending.delete(id);
    waiter?.(c.message?.application_properties ?? {});
  });
  conn.cbs = connection.open_sender({ target: { address: '$cbs' } });
  await Promise.all([
    waitFor(replies, 'receiver_open', ['receiver_close'], 30_000, '$cbs receiver'),
    waitFor(conn.cbs, 'sender_open', ['sender_close'], 30_000, '$cbs sender'),
  ]);
  conns.push(conn);
  return conn;
}

/** put-token for one device identity on `conn`; rejects unless the hub answers 200. */
function putToken(conn, device) {
  const id = rhea.generate_uuid();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { conn.pending.delete(id); reject(new Error(`${device.clientId}: no put-token reply in 30 s`)); }, 30_000);
    conn.pending.set(id, (props) => {
      clearTimeout(timer);
      const status = Number(props['status-code']);
      if (status === 200) resolve();
      else reject(new Error(`${device.clientId}: put-token ${status} ${props['status-description'] ?? ''}`));
    });
    conn.cbs.send({
      message_id: id, to: '$cbs', reply_to: 'cbs', body: device.amqp.token,
      application_properties: { operation: 'put-token', type: 'servicebus.windows.net:sastoken', name: device.amqp.name },
    });
  });
}

/** The device's telemetry sender; resolves once the hub has attached it and granted credit. */
async function openLink(conn, device) {
  const address = device.amqp.address;
  const sender = conn.connection.open_sender({ target: { address }, autosettle: true });
  const link = { id: device.clientId, address, sender, conn, encoded: undefined, inflight: 0, owed: 0 };
  // The hub grants credit once the identity's core session exists: that is the link being ready.
  const credited = waitFor(sender, 'sendable', ['sender_close'], 30_000, `${device.clientId} telemetry link`);
  await credited;
  sender.on('accepted', (c) => onOutcome(link, c.delivery, null));
  sender.on('rejected', (c) => {
    const e = c.delivery?.remote_state?.error;
    onOutcome(link, c.delivery, `rejected ${e?.condition ?? ''} ${e?.description ?? ''}`.trim());
  });
  sender.on('released', (c) => onOutcome(link, c.delivery, 'released'));
  sender.on('sendable', () => refill(link));
  sender.on('sender_close', () => {
    if (publishing) errors.push(`${link.id}: link detached by the hub: ${sender.error?.condition ?? ''} ${sender.error?.description ?? ''}`);
  });
  // Handled here so rhea does not walk each per-message event up to the container.
  sender.on('settled', noop);
  sender.on('sender_flow', noop);
  links.push(link);
  return link;
}

function sendOne(link) {
  const delivery = link.sender.send(link.encoded, undefined, 0);
  delivery.sentAt = performance.now();
  link.inflight++;
}

/** Sends what the link owes while rhea can take it (credit and session room). */
function refill(link) {
  while (publishing && link.owed > 0 && link.conn.open && link.sender.sendable()) {
    link.owed--;
    sendOne(link);
  }
}

function onOutcome(link, delivery, error) {
  const t = delivery?.sentAt;
  if (t === undefined) return;
  delivery.sentAt = undefined;
  link.inflight--;
  if (error !== null) {
    errors.push(`${link.id}: ${error}`);
    return;
  }
  acked++;
  ackedTotal++;
  record(hist, performance.now() - t);
  if (publishing) {
    link.owed++;
    refill(link);
  }
}

/**
 * Groups `devices` into connections of `perConnection` identities, opens them (`concurrency` at
 * a time): per connection the $cbs pair, every identity's put-token, then every sender link.
 */
async function connectAll(target, devices, concurrency) {
  const perConnection = Math.max(1, target.identitiesPerConnection ?? 1);
  const groups = [];
  for (let i = 0; i < devices.length; i += perConnection) groups.push(devices.slice(i, i + perConnection));
  const failed = [];
  let next = 0;
  async function lane() {
    while (next < groups.length) {
      const group = groups[next++];
      try {
        const conn = await openConnection(target);
        await Promise.all(group.map((d) => putToken(conn, d)));
        await Promise.all(group.map((d) => openLink(conn, d)));
      } catch (err) {
        failed.push(err.message);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, lane));
  return failed;
}

function startPublishing(window, payloadBytes) {
  windowSize = window;
  publishing = true;
  for (const link of links) {
    link.encoded = rhea.message.encode({ to: link.address, body: rhea.message.data_section(randomBytes(payloadBytes)) });
    link.owed = windowSize;
    refill(link);
  }
}

async function stopPublishing() {
  publishing = false;
  // Let in-flight deliveries drain so the hub is quiet before the next scenario.
  const deadline = Date.now() + 5000;
  while (links.some((l) => l.conn.open && l.inflight > 0) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

process.on('message', async (msg) => {
  try {
    switch (msg.cmd) {
      case 'connect': {
        const failed = await connectAll(msg.target, msg.devices, msg.concurrency ?? 20);
        send({ ev: 'connected', count: conns.length, identities: links.length, failed });
        break;
      }
      case 'publish':
        startPublishing(msg.window, msg.payloadBytes);
        send({ ev: 'publishing' });
        break;
      case 'mark':
        hist = newHistogram();
        acked = 0;
        errors = [];
        send({ ev: 'marked' });
        break;
      case 'stop': {
        // Snapshot first: the window ends now, not after the drain.
        const snapshot = { acked, ackedTotal, hist: Array.from(hist), errors: errors.slice(0, 20), errorCount: errors.length };
        await stopPublishing();
        send({ ev: 'stats', ...snapshot, openConnections: conns.filter((c) => c.open).length });
        break;
      }
      case 'close':
        for (const c of conns) {
          c.open = false;
          if (!c.connection.is_closed()) c.connection.close();
        }
        setTimeout(() => process.exit(0), 300);
        break;
      default:
        throw new Error(`unknown command ${msg.cmd}`);
    }
  } catch (err) {
    send({ ev: 'error', message: err.stack ?? String(err) });
  }
});
