/**
 * A TCP proxy in front of a real peer, for outage tests: cut() drops every connection and refuses
 * new ones until restore().
 */
import net from 'node:net';

/** A TCP proxy on a fixed port: cut() drops every connection and refuses new ones until restore(). */
export interface CutProxy {
  port: number;
  /** Connections accepted (not refused) so far. */
  readonly accepted: number;
  /** Connections open now. */
  readonly open: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startCutProxy(host: string, targetPort: number): Promise<CutProxy> {
  let accepted = 0;
  let isCut = false;
  const pairs = new Set<net.Socket>();
  const server = net.createServer((down) => {
    if (isCut) {
      down.destroy();
      return;
    }
    accepted++;
    const up = net.connect({ host, port: targetPort });
    pairs.add(down);
    const end = (): void => {
      up.destroy();
      down.destroy();
      pairs.delete(down);
    };
    up.on('error', end).on('close', end);
    down.on('error', end).on('close', end);
    down.pipe(up);
    up.pipe(down);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    get accepted() { return accepted; },
    get open() { return pairs.size; },
    cut() {
      isCut = true;
      for (const s of [...pairs]) s.destroy();
    },
    restore() {
      isCut = false;
    },
    close() {
      isCut = true;
      for (const s of [...pairs]) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
