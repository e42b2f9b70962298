// One load-generator process: raw mqtt-packet over tls.connect, no client library, so the
// generator's own cost per message stays small and is measured apart from the broker's.
// Driven by its parent over IPC: connect -> publish -> mark -> stop -> close.
import tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt-packet';
import { newHistogram, record } from './measure.mjs';

const conns = [];
let hist = newHistogram();
let acked = 0;
/** Acknowledgements since the first publish, warm-up included (never reset). */
let ackedTotal = 0;
let publishing = false;
let windowSize = 16;
let errors = [];

function send(msg) {
  process.send(msg);
}

/** Opens one MQTT 3.1.1 connection and resolves on CONNACK 0; rejects on refusal or error. */
function openConnection(target, device) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      ca: target.ca,
      ...(target.servername ? { servername: target.servername } : {}),
    });
    socket.setNoDelay(true);
    const parser = mqtt.parser({ protocolVersion: 4 });
    const conn = { socket, parser, device, publish: null, idOffset: 0, nextId: 1, sentAt: new Float64Array(65536), inflight: 0, owed: 0, open: false };
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`${device.clientId}: no CONNACK in 30 s`)); }, 30_000);
    socket.once('secureConnect', () => {
      socket.write(mqtt.generate({
        cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: device.clientId,
        clean: target.clean, keepalive: target.keepalive,
        ...(device.username ? { username: device.username } : {}),
        ...(device.password ? { password: Buffer.from(device.password) } : {}),
      }));
    });
    parser.on('packet', (p) => {
      if (p.cmd === 'puback') onPuback(conn, p.messageId);
      else if (p.cmd === 'connack') {
        clearTimeout(timer);
        if (p.returnCode === 0) { conn.open = true; resolve(conn); } else { socket.destroy(); reject(new Error(`${device.clientId}: CONNACK ${p.returnCode}`)); }
      }
    });
    parser.on('error', (err) => { errors.push(`${device.clientId}: parse ${err.message}`); socket.destroy(); });
    socket.on('data', (chunk) => onData(conn, chunk));
    socket.on('error', (err) => { clearTimeout(timer); if (!conn.open) reject(err); else errors.push(`${device.clientId}: ${err.message}`); });
    socket.on('close', () => {
      if (conn.open && publishing) errors.push(`${device.clientId}: connection closed by the broker`);
      conn.open = false;
    });
  });
}

/** Builds the PUBLISH once; each send copies it and patches the 2-byte packet id. */
function preparePublish(conn, payloadBytes) {
  const topic = conn.device.topic;
  const payload = randomBytes(payloadBytes);
  conn.publish = mqtt.generate({ cmd: 'publish', topic, payload, qos: 1, messageId: 1, retain: false, dup: false });
  let remLenBytes = 1;
  while (conn.publish[remLenBytes] & 0x80) remLenBytes++;
  conn.idOffset = 1 + remLenBytes + 2 + Buffer.byteLength(topic);
}

/** `n` PUBLISHes in one buffer (one TLS record, one syscall), each with its own packet id. */
function publishes(conn, n) {
  const len = conn.publish.length;
  const buf = Buffer.allocUnsafe(len * n);
  const now = performance.now();
  for (let k = 0; k < n; k++) {
    const id = conn.nextId;
    conn.nextId = id === 65535 ? 1 : id + 1;
    conn.publish.copy(buf, k * len);
    buf.writeUInt16BE(id, k * len + conn.idOffset);
    conn.sentAt[id] = now;
  }
  conn.inflight += n;
  return buf;
}

/**
 * Fast path: a chunk made only of whole PUBACKs (0x40 0x02 id id) is decoded here; anything
 * else, or a packet split across chunks, goes through mqtt-packet's parser.
 */
function onData(conn, chunk) {
  if (conn.parserBusy || chunk.length % 4 !== 0) {
    slowParse(conn, chunk);
    return;
  }
  for (let i = 0; i < chunk.length; i += 4) {
    if (chunk[i] !== 0x40 || chunk[i + 1] !== 0x02) {
      slowParse(conn, chunk.subarray(i));
      return;
    }
    onPuback(conn, chunk.readUInt16BE(i + 2));
  }
}

function slowParse(conn, bytes) {
  conn.parser.parse(bytes);
  // Back to the fast path once the parser holds no partial packet (_list: its pending bytes).
  conn.parserBusy = conn.parser._list.length > 0;
}

// Replacements for acknowledged messages are sent once per event-loop turn, per connection, so
// the generator writes few large TLS records instead of one per acknowledgement.
const dirty = new Set();
let flushScheduled = false;
function flush() {
  flushScheduled = false;
  for (const conn of dirty) {
    if (conn.open && conn.owed > 0) conn.socket.write(publishes(conn, conn.owed));
    conn.owed = 0;
  }
  dirty.clear();
}

function onPuback(conn, id) {
  const t = conn.sentAt[id];
  if (t === 0) return; // an id we did not send (or acked twice): ignore
  conn.sentAt[id] = 0;
  conn.inflight--;
  acked++;
  ackedTotal++;
  record(hist, performance.now() - t);
  if (publishing && conn.open) {
    conn.owed++;
    dirty.add(conn);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  }
}

async function connectAll(target, devices, concurrency) {
  const failed = [];
  let i = 0;
  async function lane() {
    while (i < devices.length) {
      const device = devices[i++];
      try {
        conns.push(await openConnection(target, device));
      } catch (err) {
        failed.push(err.message);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  return failed;
}

function startPublishing(window, payloadBytes) {
  windowSize = window;
  publishing = true;
  for (const conn of conns) {
    preparePublish(conn, payloadBytes);
    conn.socket.write(publishes(conn, windowSize));
  }
}

async function stopPublishing() {
  publishing = false;
  // Let in-flight messages drain so the broker is quiet before the next target or scenario.
  const deadline = Date.now() + 5000;
  while (conns.some((c) => c.open && c.inflight > 0) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

process.on('message', async (msg) => {
  try {
    switch (msg.cmd) {
      case 'connect': {
        const failed = await connectAll(msg.target, msg.devices, msg.concurrency ?? 20);
        send({ ev: 'connected', count: conns.length, failed });
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
          if (c.open) c.socket.end(mqtt.generate({ cmd: 'disconnect' }));
        }
        setTimeout(() => process.exit(0), 200);
        break;
      default:
        throw new Error(`unknown command ${msg.cmd}`);
    }
  } catch (err) {
    send({ ev: 'error', message: err.stack ?? String(err) });
  }
});
