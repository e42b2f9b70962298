/**
 * Memory bounds of the bridge with a head that stops reading: the stream it was handed holds at
 * most its buffer plus one message, the rest waits in the client (TCP flow control through the
 * paused socket), and once the head reads again every byte arrives, in order.
 */
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProtocolHead } from '../../../hub-core/heads/head.js';
import { createHttpsHead } from '../../../hub-core/heads/https/index.js';
import { createWebSocketBridge, type WebSocketBridge } from '../../../hub-core/heads/ws/index.js';
import { HubCore } from '../../../hub-core/core/hub.js';
import { silentLogger } from '../../../hub-core/log.js';
import { MemoryStore } from '../../../hub-core/store/memory.js';
import { issueServerCert } from '../../helpers/server-cert.js';
import { waitFor } from './harness.js';

const MESSAGE = 64 * 1024;
/** Far more than loopback socket buffers hold, so the client must end up holding data back. */
const TOTAL = 64 * 1024 * 1024;

describe('WebSocket bridge backpressure', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('stops reading from a client whose head is not reading, and loses nothing', async () => {
    const tls = issueServerCert();
    const store = new MemoryStore();
    await store.open();
    const core = await HubCore.create({ store, hostName: 'bp.local' });
    cleanup.push(async () => { await core.close(); await store.close(); });
    const streams: Duplex[] = [];
    // A head that takes the stream and reads nothing until told to.
    const bridge: WebSocketBridge = createWebSocketBridge({ logger: silentLogger(), mqtt: { handle: (s) => streams.push(s) } });
    const https: ProtocolHead = createHttpsHead({
      core, tls, host: '127.0.0.1', port: 0, logger: silentLogger(), store: store.sublevel('https'),
      onUpgrade: (req, socket, head) => bridge.handleUpgrade(req, socket, head),
    });
    await https.start();
    cleanup.push(async () => { await bridge.close(); await https.close(); });

    const ws = new WebSocket(`wss://127.0.0.1:${https.address().port}/$iothub/websocket`, ['mqtt'], { ca: tls.ca });
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
    const stream = await waitFor(() => streams[0], 'stream handed to the head');

    const pattern = (i: number): Buffer => Buffer.alloc(MESSAGE, i % 251);
    for (let i = 0; i < TOTAL / MESSAGE; i++) ws.send(pattern(i));
    // The server stopped reading: the client still holds most of what it was asked to send.
    await waitFor(() => ws.bufferedAmount > TOTAL / 2, 'client-side buffering', 20_000);
    expect(stream.readableLength).toBeLessThanOrEqual(stream.readableHighWaterMark + MESSAGE);

    // The head reads again: everything arrives, in order.
    let received = 0;
    let mismatch = -1;
    stream.on('data', (chunk: Buffer) => {
      for (let k = 0; k < chunk.length; k += 4096) {
        const at = received + k;
        if (mismatch === -1 && chunk[k] !== Math.floor(at / MESSAGE) % 251) mismatch = at;
      }
      received += chunk.length;
    });
    await waitFor(() => received === TOTAL, 'all bytes at the head', 30_000);
    expect(mismatch).toBe(-1);
    ws.terminate();
  });
});
