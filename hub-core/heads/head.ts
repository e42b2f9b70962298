/**
 * A protocol head: turns one wire protocol into hub-core calls. The server starts heads in order
 * and closes them in reverse (like edgeHub's OrderedProtocolHead); a head that cannot listen
 * rejects start() with FH_LISTEN_FAILED naming the port.
 */
import type { HubCoreApi } from '../core/api.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../log.js';

/** PEM-encoded TLS material for a listening head. */
export interface TlsMaterial {
  /** Server private key (PEM). */
  key: string;
  /** Server certificate chain (PEM): server certificate, then the CA. */
  cert: string;
  /** The hub CA (PEM), also used to verify CA-signed client certificates. */
  ca: string;
}

export interface HeadOptions {
  core: HubCoreApi;
  tls: TlsMaterial;
  /** Address to bind, e.g. 0.0.0.0 or 127.0.0.1. */
  host: string;
  /** Port to bind; 0 picks a free one (see address()). */
  port: number;
  logger: Logger;
  /** A sublevel the head may use for its own state (e.g. MQTT sessions). */
  store: Store;
}

export interface ProtocolHead {
  readonly name: 'mqtt' | 'amqp' | 'https';
  /** Listens; resolves once accepting connections. Rejects with FH_LISTEN_FAILED. */
  start(): Promise<void>;
  /** Stops accepting, closes every connection, resolves when all are closed. Idempotent. */
  close(): Promise<void>;
  /** Where it listens (valid after start). */
  address(): { host: string; port: number };
}
