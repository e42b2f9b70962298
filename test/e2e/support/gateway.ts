/**
 * A gateway (`fieldhub start`) in its own process, synced with an upstream `fieldhub hub` that the
 * test also runs. Each has its own random loopback address with HTTPS on 443, so azure-iothub works
 * against both; leaf devices reach the gateway's MQTT port through GatewayHostName. The gateway
 * dials the upstream through a proxy the test can cut and restore, to take the upstream away
 * without stopping it.
 */
import { serviceRequest } from './service-http.js';
import { startE2eHub, type E2eHub } from './hub.js';
import { waitFor } from './observe.js';

import { startCutProxy, type CutProxy } from '../../helpers/cut-proxy.js';

export { startCutProxy, type CutProxy };

export interface E2eGateway extends E2eHub {
  deviceId: string;
  /** The proxy between the gateway and the upstream's AMQP port. */
  proxy: CutProxy;
  /** `GET /fieldhub/v1/gateway`. */
  health(): Promise<GatewayHealthDoc>;
}

/** The parts of the gateway health document tests read. */
export interface GatewayHealthDoc {
  gatewayDeviceId: string;
  upstream: null | {
    link: { state: string; identitiesOnline: number; identitiesTotal: number; connections: number };
    drain: { sent: number; acked: number; released: number; inFlight: number; lastReconnectToFirstAckMs?: number };
    twinSync: { reportedPushed: number; desiredApplied: number };
    dispatch: Record<string, number>;
    mirror: { mirrored: number; createdUpstream: number };
  };
  outbox: { messages: number; bytes: number; full: boolean; dropped: number; rejected: number; duplicatesResent: number; leased: number; recovered: number; refusedAtDoor: number };
  modules: Record<string, { state: string }>;
}

/**
 * Starts a gateway synced with `upstream` (which must listen for AMQP on a fixed port, e.g.
 * startE2eHub({ amqpPort: 5671 }), so it comes back on the same port after a restart).
 * `upstreamConfig` and `config` are merged over the defaults.
 */
export async function startE2eGateway(upstream: E2eHub, options: {
  deviceId?: string; upstreamConfig?: Record<string, unknown>; config?: Record<string, unknown>;
  /** e.g. `{ FIELDHUB_LOG_LEVEL: 'debug' }` to see the link's work in `gw.hub.stderr()`. */
  env?: Record<string, string>;
  /** The gateway's own AMQP port (default any free one); fixed (e.g. 5671, each gateway has its own address) when it is the upstream of another gateway. */
  amqpPort?: number;
} = {}): Promise<E2eGateway> {
  const deviceId = options.deviceId ?? 'gw-e2e';
  const proxy = await startCutProxy(upstream.ip, upstream.hub.ports.amqp);
  const gw = await startE2eHub({
    command: 'start',
    config: {
      gateway: { deviceId },
      upstream: {
        connectionString: upstream.hub.ownerConnectionString,
        port: proxy.port,
        httpsPort: 443,
        reconnect: { minDelayMs: 100, maxDelayMs: 1000 },
        ...options.upstreamConfig,
      },
      ...options.config,
    },
    ...(options.env ? { env: options.env } : {}),
    ...(options.amqpPort !== undefined ? { amqpPort: options.amqpPort } : {}),
  });
  const stop = gw.stop.bind(gw);
  return Object.assign(gw, {
    deviceId,
    proxy,
    async health(): Promise<GatewayHealthDoc> {
      const res = await serviceRequest(gw, 'GET', '/fieldhub/v1/gateway');
      if (res.status !== 200) throw new Error(`GET /fieldhub/v1/gateway: HTTP ${res.status}: ${res.text}`);
      return JSON.parse(res.text) as GatewayHealthDoc;
    },
    async stop(): Promise<void> {
      await stop();
      await proxy.close();
    },
  });
}

/** Waits until the upstream registry has the identity (mirrored by the gateway). */
export async function waitForUpstreamIdentity(upstream: E2eHub, deviceId: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(async () => {
    try {
      await upstream.registry.get(deviceId);
      return true;
    } catch {
      return false;
    }
  }, timeoutMs, () => `device ${deviceId} never appeared upstream`);
}
