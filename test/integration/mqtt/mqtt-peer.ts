/**
 * mqtt.js (v5, protocol 3.1.1) as a raw peer: exact CONNACK codes, SUBACK codes and session
 * flags that the Azure SDK hides. Every client is tracked so tests can end them all.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { MqttTestHub } from './harness.js';

/** How a connection attempt ended. */
export interface ConnectOutcome {
  client: MqttClient;
  outcome: 'connected' | 'refused' | 'closed';
  /** CONNACK return code when refused. */
  returnCode?: number;
  sessionPresent?: boolean;
}

const open = new Set<MqttClient>();

/**
 * Connects over TLS (or plain TCP with `plain`), with auto-reconnect off. `setup` runs before the
 * CONNECT goes out: on a restored session messages may arrive in the same read as the CONNACK.
 */
export function connectMqtt(
  hub: MqttTestHub,
  options: IClientOptions & { plain?: boolean },
  setup?: (client: MqttClient) => void,
): Promise<ConnectOutcome> {
  const { plain, ...rest } = options;
  const url = `${plain ? 'mqtt' : 'mqtts'}://127.0.0.1:${hub.port}`;
  const client = mqtt.connect(url, {
    ca: hub.ca, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000, keepalive: 60, ...rest,
  });
  open.add(client);
  setup?.(client);
  return new Promise((resolve) => {
    client.once('connect', (connack) => resolve({ client, outcome: 'connected', sessionPresent: connack.sessionPresent }));
    client.once('error', (err) => {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'number') resolve({ client, outcome: 'refused', returnCode: code });
    });
    client.once('close', () => resolve({ client, outcome: 'closed' }));
  });
}

/** Resolves when the client's connection closes (the hub disconnected it). */
export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    if (!client.connected && client.disconnected) resolve();
    else client.once('close', () => resolve());
  });
}

/** Ends every client opened by {@link connectMqtt}. */
export async function endAllMqtt(): Promise<void> {
  const clients = [...open];
  open.clear();
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
}
