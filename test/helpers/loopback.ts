/**
 * A random loopback address (127.x.y.z) for a hub that must listen on port 443: azure-iothub only
 * dials https://{HostName}:443, so parallel test files each take their own address and use it as
 * the hub's HostName (the hub's certificate carries it as an IP SAN). Binding 443 needs root or
 * CAP_NET_BIND_SERVICE; {@link assertCanBind443} fails with the fix when neither is there.
 */
import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

export function randomLoopback(): string {
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/** Rejects with an explanation when this process cannot bind port 443 on `host`. */
export async function assertCanBind443(host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => {
      reject(new Error(err.code === 'EACCES'
        ? 'azure-iothub tests need port 443 (the SDK dials https://HostName:443): run them as root, or grant ' +
          'node CAP_NET_BIND_SERVICE (setcap cap_net_bind_service=+ep $(command -v node)), or lower ' +
          'net.ipv4.ip_unprivileged_port_start to 443'
        : `cannot bind ${host}:443: ${err.message}`));
    });
    srv.listen(443, host, () => srv.close(() => resolve()));
  });
}
