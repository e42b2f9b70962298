/**
 * Turns a head's failure to listen into a message a person can act on: which port, why, and the
 * flag or config key that changes it. A privileged port gets the three usual ways out.
 */
import { HubError, isHubError } from '../errors.js';

/** What the message names for each head: the CLI flag and the config key for its port. */
const PORT_SETTINGS: Record<string, { flag: string; key: string; label: string }> = {
  mqtt: { flag: '--mqtt-port', key: 'mqtt.port', label: 'MQTT' },
  https: { flag: '--https-port', key: 'https.port', label: 'HTTPS' },
  amqp: { flag: '--amqp-port', key: 'amqp.port', label: 'AMQP' },
};

const ERRNOS = ['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'EPERM'] as const;
type ListenErrno = (typeof ERRNOS)[number];

/** The errno behind a listen failure: on the error or its cause chain, else in a message. */
export function listenErrno(err: unknown): ListenErrno | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (ERRNOS as readonly string[]).includes(code)) return code as ListenErrno;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string') {
      const found = ERRNOS.find((c) => message.includes(c));
      if (found) return found;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * FH_LISTEN_FAILED for head `head` that could not listen on `host:port`, naming the flag and key.
 * Errors that are not about listening (a hub-core error with another code) pass through as they are.
 */
export function describeListenError(err: unknown, head: string, host: string, port: number): unknown {
  if (isHubError(err) && err.code !== 'FH_LISTEN_FAILED') return err;
  const s = PORT_SETTINGS[head] ?? { flag: `--${head}-port`, key: `${head}.port`, label: head };
  const where = `${host}:${port}`;
  const change = `choose another port with ${s.flag} N or the config key ${s.key}`;
  let text: string;
  switch (listenErrno(err)) {
    case 'EADDRINUSE':
      text = `cannot listen for ${s.label} on ${where}: the port is in use (another fieldhub, broker or web server?); ${change}`;
      break;
    case 'EACCES':
    case 'EPERM':
      text = port > 0 && port < 1024
        ? `cannot listen for ${s.label} on ${where}: port ${port} is privileged (below 1024); run as root, ` +
          'or grant node the capability (sudo setcap cap_net_bind_service=+ep "$(command -v node)"), ' +
          `or choose a port >= 1024 with ${s.flag} N or the config key ${s.key}`
        : `cannot listen for ${s.label} on ${where}: permission denied; ${change}`;
      break;
    case 'EADDRNOTAVAIL':
      text = `cannot listen for ${s.label} on ${where}: ${host} is not an address of this machine; ` +
        'change it with --bind ADDR or the config key bindAddress';
      break;
    default:
      text = `cannot listen for ${s.label} on ${where}: ${(err as Error)?.message ?? String(err)}; ${change}`;
  }
  return new HubError('FH_LISTEN_FAILED', text, { cause: err });
}
