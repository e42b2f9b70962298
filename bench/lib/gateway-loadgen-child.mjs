// Leaf-device generator of the gateway scenario: loadgen-child.mjs's raw mqtt-packet-over-TLS
// publisher and IPC protocol (connect -> publish -> mark -> stop -> close, driven by loadgen.mjs's
// LoadGenerator), but every message body carries its phase, a per-device sequence number and its
// send time, so the reader at the upstream end can measure end-to-end latency and count what
// arrived, twice or not at all. Adds `burst`: each device sends exactly N messages (the backlog
// while the upstream is away) and the answer comes once every one of them is acknowledged.
//
// Body (ASCII, `payloadBytes` long, at least 48): `p=L;s=0000000001;t=0001712345678901.123;####…`
//   p: phase letter, s: the device's sequence number (from 1, across phases), t: send time in ms
//   of the wall clock (performance.timeOrigin + performance.now(), comparable across processes).
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt-packet';
import { newHistogram, record } from './measure.mjs';

const PHASE_AT = 2;
const SEQ_AT = 6;
const SEQ_DIGITS = 10;
const TIME_AT = SEQ_AT + SEQ_DIGITS + 3;
const TIME_DIGITS = 17;
const MIN_BODY = TIME_AT + TIME_DIGITS + 1;

const conns = [];
let hist = newHistogram();
let acked = 0;
let ackedTotal = 0;
let publishing = false;
let errors = [];
/** The pending `burst` answer: resolved when every connection reached its limit and has nothing in flight. */
let burstWaiter = null;
/** The open-loop timer of `publish` with a rate, and the messages it could not send (window full). */
let pacer = null;
let skipped = 0;

const wallMs = () => performance.timeOrigin + performance.now();

function openConnection(target, device) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: target.host, port: target.port, ca: target.ca, ...(target.servername ? { servername: target.servername } : {}) });
    socket.setNoDelay(true);
    const parser = mqtt.parser({ protocolVersion: 4 });
    const conn = {
      socket, parser, device, template: null, payloadAt: 0, idOffset: 0, nextId: 1, sentAt: new Float64Array(65536),
      inflight: 0, owed: 0, open: false, seq: 0, limit: Infinity, phase: 'L', window: 16,
    };
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`${device.clientId}: no CONNACK in 30 s`)); }, 30_000);
    socket.once('secureConnect', () => {
      socket.write(mqtt.generate({
        cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: device.clientId, clean: target.clean, keepalive: target.keepalive,
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
    socket.on('data', (chunk) => parser.parse(chunk));
    socket.on('error', (err) => { clearTimeout(timer); if (!conn.open) reject(err); else errors.push(`${device.clientId}: ${err.message}`); });
    socket.on('close', () => {
      if (conn.open && (publishing || burstWaiter)) errors.push(`${device.clientId}: connection closed by the broker`);
      conn.open = false;
      checkBurst();
    });
  });
}

/** Builds the PUBLISH once per phase; each send copies it and patches packet id, sequence and time. */
function prepare(conn, payloadBytes, phase) {
  const topic = conn.device.topic;
  const body = Buffer.alloc(Math.max(MIN_BODY, payloadBytes), '#');
  body.write(`p=${phase};s=${'0'.repeat(SEQ_DIGITS)};t=${'0'.repeat(TIME_DIGITS)};`, 0, 'latin1');
  conn.template = mqtt.generate({ cmd: 'publish', topic, payload: body, qos: 1, messageId: 1, retain: false, dup: false });
  let remLenBytes = 1;
  while (conn.template[remLenBytes] & 0x80) remLenBytes++;
  conn.idOffset = 1 + remLenBytes + 2 + Buffer.byteLength(topic);
  conn.payloadAt = conn.idOffset + 2;
  conn.phase = phase;
}

/** Up to `n` PUBLISHes (never past the connection's limit) in one buffer; null when none is due. */
function publishes(conn, n) {
  n = Math.min(n, conn.limit - conn.seq);
  if (n <= 0) return null;
  const len = conn.template.length;
  const buf = Buffer.allocUnsafe(len * n);
  const now = performance.now();
  const stamp = (performance.timeOrigin + now).toFixed(3).padStart(TIME_DIGITS, '0');
  for (let k = 0; k < n; k++) {
    const id = conn.nextId;
    conn.nextId = id === 65535 ? 1 : id + 1;
    const at = k * len;
    conn.template.copy(buf, at);
    buf.writeUInt16BE(id, at + conn.idOffset);
    conn.seq++;
    buf.write(String(conn.seq).padStart(SEQ_DIGITS, '0'), at + conn.payloadAt + SEQ_AT, 'latin1');
    buf.write(stamp, at + conn.payloadAt + TIME_AT, 'latin1');
    conn.sentAt[id] = now;
  }
  conn.inflight += n;
  return buf;
}

const dirty = new Set();
let flushScheduled = false;
function flush() {
  flushScheduled = false;
  const sending = publishing || burstWaiter;
  for (const conn of dirty) {
    const buf = sending && conn.open && conn.owed > 0 ? publishes(conn, conn.owed) : null;
    if (buf) conn.socket.write(buf);
    conn.owed = 0;
  }
  dirty.clear();
  checkBurst();
}

function onPuback(conn, id) {
  const t = conn.sentAt[id];
  if (t === 0) return;
  conn.sentAt[id] = 0;
  conn.inflight--;
  acked++;
  ackedTotal++;
  record(hist, performance.now() - t);
  if ((publishing || burstWaiter) && conn.open && !pacer) {
    conn.owed++;
    dirty.add(conn);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  }
}

/**
 * Open loop: `rate` messages per second for this process, spread round-robin over the
 * connections every 5 ms, a connection skipped while it has `window` messages in flight (those
 * are counted as `skipped`: the offered rate was not reached).
 */
function startPacer(rate, window) {
  let budget = 0;
  let last = performance.now();
  let next = 0;
  pacer = setInterval(() => {
    const now = performance.now();
    budget = Math.min(budget + ((now - last) * rate) / 1000, rate / 10);
    last = now;
    const batch = new Map();
    let tries = 0;
    while (budget >= 1 && tries < conns.length) {
      const conn = conns[next];
      next = (next + 1) % conns.length;
      if (!conn.open || conn.inflight + (batch.get(conn) ?? 0) >= window) { tries++; continue; }
      tries = 0;
      batch.set(conn, (batch.get(conn) ?? 0) + 1);
      budget -= 1;
    }
    if (budget >= 1) { skipped += Math.floor(budget); budget -= Math.floor(budget); }
    for (const [conn, n] of batch) {
      const buf = publishes(conn, n);
      if (buf) conn.socket.write(buf);
    }
  }, 5);
}

function start(window, payloadBytes, phase, limitFor) {
  for (const conn of conns) {
    prepare(conn, payloadBytes, phase);
    conn.limit = limitFor(conn);
    const buf = publishes(conn, window);
    if (buf) conn.socket.write(buf);
  }
}

function checkBurst() {
  if (!burstWaiter) return;
  const done = conns.every((c) => !c.open || (c.seq >= c.limit && c.inflight === 0));
  if (!done) return;
  const w = burstWaiter;
  burstWaiter = null;
  w({
    ev: 'burstDone', acked, ms: performance.now() - w.t0, sent: conns.reduce((n, c) => n + (c.seq - c.from), 0),
    hist: Array.from(hist), errors: errors.slice(0, 20), errorCount: errors.length,
    lastSeq: Object.fromEntries(conns.map((c) => [c.device.clientId, c.seq])),
  });
}

async function connectAll(target, devices, concurrency) {
  const failed = [];
  let i = 0;
  const lane = async () => {
    while (i < devices.length) {
      const device = devices[i++];
      try { conns.push(await openConnection(target, device)); } catch (err) { failed.push(err.message); }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return failed;
}

process.on('message', async (msg) => {
  try {
    switch (msg.cmd) {
      case 'connect': {
        const failed = await connectAll(msg.target, msg.devices, msg.concurrency ?? 20);
        process.send({ ev: 'connected', count: conns.length, failed });
        break;
      }
      case 'publish':
        publishing = true;
        if (msg.rate > 0) {
          for (const conn of conns) { prepare(conn, msg.payloadBytes, msg.phase ?? 'L'); conn.limit = Infinity; }
          startPacer(msg.rate, msg.window);
        } else start(msg.window, msg.payloadBytes, msg.phase ?? 'L', () => Infinity);
        process.send({ ev: 'publishing' });
        break;
      case 'mark':
        hist = newHistogram();
        acked = 0;
        skipped = 0;
        errors = [];
        process.send({ ev: 'marked', wallMs: wallMs() });
        break;
      case 'stop': {
        const snapshot = { acked, ackedTotal, skipped, hist: Array.from(hist), errors: errors.slice(0, 20), errorCount: errors.length, wallMs: wallMs() };
        publishing = false;
        if (pacer) clearInterval(pacer);
        pacer = null;
        const deadline = Date.now() + (msg.drainMs ?? 30_000);
        while (conns.some((c) => c.open && c.inflight > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        process.send({
          ev: 'stats', ...snapshot, openConnections: conns.filter((c) => c.open).length,
          inflightLeft: conns.reduce((n, c) => n + c.inflight, 0), lastSeq: Object.fromEntries(conns.map((c) => [c.device.clientId, c.seq])),
        });
        break;
      }
      case 'burst': {
        // `perDevice[clientId]`: how many messages that device sends in this burst.
        hist = newHistogram();
        acked = 0;
        errors = [];
        const t0 = performance.now();
        for (const c of conns) c.from = c.seq;
        burstWaiter = (answer) => process.send(answer);
        burstWaiter.t0 = t0;
        start(msg.window, msg.payloadBytes, msg.phase ?? 'B', (c) => c.seq + (msg.perDevice[c.device.clientId] ?? 0));
        checkBurst();
        break;
      }
      case 'close':
        for (const c of conns) if (c.open) c.socket.end(mqtt.generate({ cmd: 'disconnect' }));
        setTimeout(() => process.exit(0), 200);
        break;
      default:
        throw new Error(`unknown command ${msg.cmd}`);
    }
  } catch (err) {
    process.send({ ev: 'error', message: err.stack ?? String(err) });
  }
});
