// The upstream end of the gateway scenario, in its own process: a consumer of the upstream that
// sees every message the gateway (or the mosquitto bridge) delivered there, with the wall-clock
// time it arrived. fieldhub: `GET /fieldhub/v1/telemetry?follow=1` on the upstream hub (NDJSON,
// owner SAS), resumed with afterSeq after an overflow line or a closed stream; mosquitto: an MQTT
// subscriber (QoS 1) on the upstream broker. It decodes the body written by
// gateway-loadgen-child.mjs (phase, per-device sequence number, send time) and keeps, per phase,
// unique and duplicate counts, order per device, first and last arrival, and for the live phase
// every (send time, arrival time) pair so the parent can take percentiles over its own window.
// IPC: start -> ready; query -> stats; close.
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { newHistogram, percentile, record } from './measure.mjs';

const wallMs = () => performance.timeOrigin + performance.now();

/** Growable Float64 columns of the live phase: send time, arrival time, upstream store time (or NaN). */
const live = { n: 0, sent: new Float64Array(1 << 16), arrived: new Float64Array(1 << 16), stored: new Float64Array(1 << 16) };
const phases = {};
const devices = new Map();
const errors = [];
let malformed = 0;
let closing = false;

function phaseStats(p) {
  return (phases[p] ??= { unique: 0, duplicates: 0, outOfOrder: 0, firstArrival: null, lastArrival: null, firstStored: null, lastStored: null });
}

function grow(col, n) {
  const next = new Float64Array(n * 2);
  next.set(col);
  return next;
}

/** One delivered message: device id, the body's first bytes (latin1), arrival and upstream store time (ms). */
function onMessage(deviceId, head, arrived, stored) {
  if (head.length < 36 || head[0] !== 'p' || head[1] !== '=') { malformed++; return; }
  const phase = head[2];
  const seq = Number(head.slice(6, 16));
  const sent = Number(head.slice(19, 36));
  let dev = devices.get(deviceId);
  if (!dev) devices.set(deviceId, dev = { seen: new Uint8Array(1024), maxSeq: 0 });
  if (seq >= dev.seen.length) {
    const bigger = new Uint8Array(Math.max(seq + 1, dev.seen.length * 2));
    bigger.set(dev.seen);
    dev.seen = bigger;
  }
  const ps = phaseStats(phase);
  if (dev.seen[seq]) { ps.duplicates++; return; }
  dev.seen[seq] = 1;
  if (seq < dev.maxSeq) ps.outOfOrder++;
  else dev.maxSeq = seq;
  ps.unique++;
  ps.firstArrival ??= arrived;
  ps.lastArrival = arrived;
  if (Number.isFinite(stored)) {
    ps.firstStored = ps.firstStored === null ? stored : Math.min(ps.firstStored, stored);
    ps.lastStored = ps.lastStored === null ? stored : Math.max(ps.lastStored, stored);
  }
  if (phase === 'L') {
    if (live.n === live.sent.length) {
      live.sent = grow(live.sent, live.n);
      live.arrived = grow(live.arrived, live.n);
      live.stored = grow(live.stored, live.n);
    }
    live.sent[live.n] = sent;
    live.arrived[live.n] = arrived;
    live.stored[live.n] = stored;
    live.n++;
  }
}

// --- fieldhub: the NDJSON telemetry stream ------------------------------------------------------

function followNdjson(src, onReady) {
  let afterSeq = 0;
  let ready = false;
  const open = () => {
    if (closing) return;
    const req = https.request({
      host: src.host, port: src.port, method: 'GET', ca: src.ca, path: `/fieldhub/v1/telemetry?follow=1&afterSeq=${afterSeq}`,
      headers: { authorization: src.authorization }, ...(src.servername ? { servername: src.servername } : {}),
    }, (res) => {
      if (res.statusCode !== 200) {
        errors.push(`telemetry stream: HTTP ${res.statusCode}`);
        res.resume();
        setTimeout(open, 500);
        return;
      }
      if (!ready) { ready = true; onReady(); }
      let rest = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        const arrived = wallMs();
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines) {
          if (line === '') continue;
          const rec = JSON.parse(line);
          if (rec.error) { afterSeq = rec.lastSeq ?? afterSeq; continue; } // overflow: resume after the stream ends
          afterSeq = rec.seq;
          const body = rec.bodyEncoding === 'base64' ? Buffer.from(rec.body, 'base64').toString('latin1') : rec.body;
          onMessage(rec.deviceId, body.slice(0, 40), arrived, rec.enqueuedTime ? Date.parse(rec.enqueuedTime) : NaN);
        }
      });
      res.on('end', () => setTimeout(open, 10));
      res.on('error', () => setTimeout(open, 100));
    });
    req.on('error', (err) => { errors.push(`telemetry stream: ${err.message}`); setTimeout(open, 200); });
    req.end();
  };
  open();
}

// --- mosquitto: a subscriber on the upstream broker --------------------------------------------

function subscribeMqtt(src, onReady) {
  const client = mqtt.connect(src.url, {
    ca: src.ca, clientId: `bench-reader-${process.pid}`, clean: true, protocolVersion: 4, reconnectPeriod: 100, keepalive: 60,
  });
  client.on('connect', () => {
    client.subscribe(src.topic, { qos: 1 }, (err) => {
      if (err) errors.push(`subscribe: ${err.message}`);
      else onReady();
    });
  });
  client.on('message', (topic, payload) => {
    onMessage(topic.split('/')[1], payload.toString('latin1', 0, 40), wallMs(), NaN);
  });
  client.on('error', (err) => errors.push(`mqtt: ${err.message}`));
}

/** Latency percentiles of the live messages sent in [t0, t1] (all that arrived so far), and arrivals in that window. */
function liveWindow(t0, t1) {
  const e2e = newHistogram();
  const store = newHistogram();
  let latencyCount = 0;
  let arrivedInWindow = 0;
  let storedCount = 0;
  for (let i = 0; i < live.n; i++) {
    const a = live.arrived[i];
    if (a >= t0 && a <= t1) arrivedInWindow++;
    const s = live.sent[i];
    if (s < t0 || s > t1) continue;
    latencyCount++;
    record(e2e, Math.max(0, a - s));
    if (Number.isFinite(live.stored[i])) { storedCount++; record(store, Math.max(0, live.stored[i] - s)); }
  }
  return {
    arrivedInWindow, latencyCount,
    p50Ms: percentile(e2e, 50), p99Ms: percentile(e2e, 99), maxMs: percentile(e2e, 100),
    ...(storedCount > 0 ? { storedP50Ms: percentile(store, 50), storedP99Ms: percentile(store, 99) } : {}),
  };
}

/**
 * Messages that arrived with a sequence number their device never sent (above its `lastSeq`), or
 * from a device the generator does not know: a message attributed to the wrong device.
 */
function neverSent(lastSeq) {
  let n = 0;
  const examples = [];
  for (const [id, dev] of devices) {
    const last = lastSeq[id] ?? 0;
    for (let seq = last + 1; seq < dev.seen.length; seq++) {
      if (!dev.seen[seq]) continue;
      n++;
      if (examples.length < 5) examples.push(`${id}#${seq} (sent up to ${last})`);
    }
  }
  return { count: n, examples };
}

process.on('message', (msg) => {
  try {
    switch (msg.cmd) {
      case 'start': {
        const ready = () => process.send({ ev: 'ready' });
        if (msg.source.kind === 'ndjson') followNdjson(msg.source, ready);
        else subscribeMqtt(msg.source, ready);
        break;
      }
      case 'query':
        process.send({
          ev: 'stats', phases, malformed, errors: errors.slice(-10),
          ...(msg.window ? { live: liveWindow(msg.window[0], msg.window[1]) } : {}),
          ...(msg.lastSeq ? { neverSent: neverSent(msg.lastSeq) } : {}),
        });
        break;
      case 'close':
        closing = true;
        setTimeout(() => process.exit(0), 50);
        break;
      default:
        throw new Error(`unknown command ${msg.cmd}`);
    }
  } catch (err) {
    process.send({ ev: 'error', message: err.stack ?? String(err) });
  }
});
