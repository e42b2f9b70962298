/**
 * Watching another process from outside. waitFor's deadlines are failure guards (a test that
 * would otherwise hang fails with a message), never assertions about speed.
 *
 * The TCP relay sits byte for byte in front of the hub's MQTT port. TLS passes through untouched,
 * so the device SDK still verifies the hub's certificate; the relay only counts connections and
 * notes which side closed each one. That makes an SDK reconnect (token renewal) or a hub-side
 * disconnect (disabled device) visible without reading SDK internals.
 */
import net from 'node:net';

/** Polls `condition` every 20 ms; rejects with `describe()` after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000, describe: () => string = () => 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting after ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface TcpProxy {
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections the hub (upstream) closed first. */
  readonly closedByHub: number;
  close(): Promise<void>;
}

export async function startTcpProxy(host: string, targetPort: number): Promise<TcpProxy> {
  let connections = 0;
  let closedByHub = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((down) => {
    connections++;
    const up = net.connect({ host, port: targetPort });
    sockets.add(down);
    sockets.add(up);
    // The client side finished first (FIN or close): whatever the hub does next is not its doing.
    let clientDone = false;
    down.on('end', () => { clientDone = true; });
    up.on('close', () => {
      if (!clientDone) closedByHub++;
      down.destroy();
      sockets.delete(up);
    });
    down.on('close', () => { clientDone = true; up.destroy(); sockets.delete(down); });
    up.on('error', () => down.destroy());
    down.on('error', () => up.destroy());
    down.pipe(up);
    up.pipe(down);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
  return {
    port: address.port,
    get connections() { return connections; },
    get closedByHub() { return closedByHub; },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
