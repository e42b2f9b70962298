/**
 * CONNECT: authenticate (SAS password or TLS client certificate), check that clientId, username
 * and credential name one identity, attach to the core, resume the persistent session and answer
 * with CONNACK (wire contract B, "CONNECT" and "Refusing a connection").
 */
import type { IConnectPacket } from 'mqtt-packet';
import type { Principal, IdentityRef } from '../../core/types.js';
import { HubError } from '../../errors.js';
import { Pause, type Connection } from './connection.js';
import { encodeConnack } from './codec.js';
import { connected } from './dispatch.js';
import { ConnackCode, codeOf, connackCodeFor } from './error-map.js';
import { MqttDeviceProxy } from './device-proxy.js';
import { identityLabel, identityResource, parseClientId, parseUsername, sameIdentity, thumbprints } from './identity.js';
import { MqttEvents } from './log-events.js';
import { applyFeatures } from './handle-subscribe.js';
import { TopicTable } from './topics.js';

/** Handles the first packet of a connection. */
export async function handleConnect(conn: Connection, packet: IConnectPacket): Promise<void> {
  conn.state = 'authenticating';
  conn.pause(Pause.auth);
  conn.fields.clientId = packet.clientId;
  const { core, sessions } = conn.ctx;

  // Only 3.1.1 (level 4) and 3.1 (level 3) are spoken here [MQTT-3.1.2-2].
  if (packet.protocolVersion !== 4 && packet.protocolVersion !== 3) {
    return refuse(conn, ConnackCode.unacceptableProtocol, 'FH_MSG_INVALID');
  }
  const ref = parseClientId(packet.clientId);
  if (ref === undefined) return refuse(conn, ConnackCode.identifierRejected, 'FH_MSG_INVALID');
  const label = identityLabel(ref);
  const clean = packet.clean !== false;

  let principal: Principal;
  let auth: 'sas' | 'x509';
  try {
    checkUsername(packet.username, ref);
    if (packet.password !== undefined && packet.password.length > 0) {
      auth = 'sas';
      principal = await core.auth.verifySas(packet.password.toString('utf8'));
    } else {
      auth = 'x509';
      // A stream that is not a TLS socket (MQTT over WebSockets: the TLS belongs to the HTTPS
      // head, which asks for no client certificate) has none: refused like a TLS client that
      // presented none.
      const cert = conn.socket.getPeerCertificate?.(false);
      if (cert === undefined || cert === null || cert.raw === undefined) {
        throw new HubError('FH_AUTH_MISSING', 'no password and no client certificate');
      }
      const cn = cert.subject?.CN;
      principal = await core.auth.verifyX509(ref, thumbprints(cert.raw), {
        chainVerified: conn.socket.authorized === true,
        ...(typeof cn === 'string' ? { subjectCn: cn } : {}),
      });
    }
    checkPrincipal(conn, principal, ref);
  } catch (err) {
    return refuse(conn, connackCodeFor(err), codeOf(err), label);
  }
  if (conn.state !== 'authenticating') return; // the socket went away meanwhile

  const topics = new TopicTable(ref);
  const proxy = new MqttDeviceProxy(conn, topics);
  let session;
  try {
    session = await core.connect(ref, principal, proxy, { persistentSession: !clean });
  } catch (err) {
    return refuse(conn, connackCodeFor(err), codeOf(err), label);
  }
  if (conn.state !== 'authenticating') {
    session.disconnect();
    return;
  }
  let start;
  try {
    start = await sessions.begin(packet.clientId, clean);
  } catch (err) {
    session.disconnect();
    return refuse(conn, ConnackCode.serverUnavailable, codeOf(err), label);
  }
  if (conn.state !== 'authenticating') {
    session.disconnect();
    return;
  }

  conn.attached = { clientId: packet.clientId, clean, identity: ref, session, topics, proxy, subscriptions: start.subscriptions };
  conn.state = 'connected';
  conn.write(encodeConnack(ConnackCode.accepted, start.present));
  conn.setKeepalive(packet.keepalive ?? 0);
  MqttEvents.connected(conn.ctx.log, conn.fields, label, auth, clean, start.present);
  proxy.release();
  // Restore what the stored session had subscribed to: the SDK will not SUBSCRIBE again.
  applyFeatures(session, new Map(), start.subscriptions, topics);

  const backlog = conn.backlog;
  conn.backlog = [];
  for (const p of backlog) {
    if (conn.state !== 'connected') break;
    connected(conn, p);
  }
  conn.resume(Pause.auth);
}

/** The username, when present, must name the same identity as the clientId. */
function checkUsername(username: string | undefined, ref: IdentityRef): void {
  // Lenient: some clients send no username at all; the clientId and credential still must agree.
  if (username === undefined || username.length === 0) return;
  const parsed = parseUsername(username);
  if (parsed === undefined) throw new HubError('FH_AUTH_MALFORMED', 'username is not {HostName}/{deviceId}[/{moduleId}]/?…');
  const named: IdentityRef = parsed.moduleId === undefined ? { deviceId: parsed.deviceId } : { deviceId: parsed.deviceId, moduleId: parsed.moduleId };
  if (!sameIdentity(named, ref)) throw new HubError('FH_AUTH_SCOPE', 'username and clientId name different identities');
}

/** A device principal must be exactly this identity; a policy needs DeviceConnect on it. */
function checkPrincipal(conn: Connection, principal: Principal, ref: IdentityRef): void {
  if (principal.kind === 'device') {
    const own: IdentityRef = principal.moduleId === undefined ? { deviceId: principal.deviceId } : { deviceId: principal.deviceId, moduleId: principal.moduleId };
    if (!sameIdentity(own, ref)) throw new HubError('FH_AUTH_SCOPE', 'the credential names another identity');
    return;
  }
  conn.ctx.core.auth.authorize(principal, 'DeviceConnect', identityResource(ref));
}

/** Sends a refusing CONNACK, logs it with its code, and closes [MQTT-3.2.2-5]. */
function refuse(conn: Connection, code: number, hubCode: string, identity?: string): void {
  if (conn.state === 'closed') return;
  MqttEvents.connectRefused(conn.ctx.log, conn.fields, hubCode, code, identity);
  conn.write(encodeConnack(code, false));
  conn.end('connect refused');
}
