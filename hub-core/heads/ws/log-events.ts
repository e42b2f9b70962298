/**
 * Every log line the WebSocket bridge writes, one helper per event (the edgeHub `Events`
 * pattern). Addresses and subprotocols go in; headers and tokens never do.
 */
import type { Logger } from '../../log.js';

/** The WebSocket bridge's log events. */
export const WsEvents = {
  /** An upgrade request answered with an HTTP error and closed. */
  upgradeRefused(log: Logger, remote: string, status: number, reason: string): void {
    log.info({ event: 'ws-upgrade-refused', code: status === 503 ? 'FH_HUB_CLOSED' : 'FH_MSG_INVALID', status, reason, remote },
      'WebSocket upgrade refused');
  },
  /** A WebSocket was accepted and its stream handed to a head. */
  opened(log: Logger, remote: string, protocol: string): void {
    log.debug({ event: 'ws-opened', protocol, remote }, 'WebSocket connection opened');
  },
  /** A WebSocket is gone; `code` is the close code (1006: no close frame). */
  closed(log: Logger, remote: string, protocol: string, code: number): void {
    log.debug({ event: 'ws-closed', protocol, remote, wsCode: code }, 'WebSocket connection closed');
  },
  /** A WebSocket protocol violation (bad framing, a message above maxPayload): that connection is closed. */
  protocolError(log: Logger, remote: string, protocol: string, reason: string): void {
    const code = reason === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'FH_MSG_TOO_LARGE' : 'FH_MSG_INVALID';
    log.warn({ event: 'ws-protocol-error', code, protocol, remote, reason }, 'WebSocket protocol error; closing');
  },
};
