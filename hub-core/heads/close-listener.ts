/**
 * How a head that owns a listening server stops (the MQTT and AMQP heads share it): stop
 * accepting, ask every connection to end gracefully, and after a grace period cut whatever raw
 * sockets are left — those still in the TLS handshake have no connection object yet, and a silent
 * peer must not hold close() open.
 */
import type { Server } from 'node:net';

/** Grace period for graceful ends before remaining sockets are destroyed, ms. */
export const CLOSE_GRACE_MS = 2000;

export async function closeListener(
  server: Server | undefined,
  endConnections: () => void,
  sockets: Iterable<{ destroy(): void }>,
  graceMs = CLOSE_GRACE_MS,
): Promise<void> {
  // Streams given to handle() may exist without a listening server (a head never started).
  const closed = server === undefined ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()));
  endConnections();
  const grace = setTimeout(() => {
    for (const socket of sockets) socket.destroy();
  }, graceMs);
  await closed;
  clearTimeout(grace);
}
