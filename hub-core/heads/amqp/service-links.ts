/**
 * The service side of the AMQP head (wire contract E): the C2D sender link of azure-iothub
 * (`/messages/devicebound`, each message's `to` names the device) and the service-bound
 * receivers (feedback, file notifications), which lease records from the core's durable
 * service-bound queues (service-bound.ts). Every link needs a live policy token with
 * ServiceConnect on this connection.
 */
import type { AmqpError, EventContext, Receiver, Sender } from 'rhea';
import type { FileNotification, HubCoreApi } from '../../core/api.js';
import type { FeedbackRecord } from '../../core/types.js';
import { HubError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { c2dTarget } from './addresses.js';
import { amqpErrorFor, codeOf, Condition, headError } from './error-map.js';
import type { Grant, GrantTable } from './grants.js';
import { settle, type Link } from './link-kit.js';
import { SERVICE_RESOURCES, serviceClientSends, type ServiceKind } from './link-routes.js';
import { AmqpEvents } from './log-events.js';
import { decodeInbound } from './message-codec.js';
import type { ServiceBoundQueue } from './service-bound.js';

/** Credit on a service C2D link; each settled message gives one back. */
export const SERVICE_C2D_CREDIT = 50;

export interface ServiceLinkContext {
  core: HubCoreApi;
  log: Logger;
  conn: number;
}

/** Service → hub C2D messages (`/messages/devicebound`, client sends). */
export class ServiceC2dLink {
  constructor(readonly link: Receiver, public grant: Grant, private readonly ctx: ServiceLinkContext) {
    link.on('message', (c: EventContext) => this.onMessage(c));
    link.add_credit(SERVICE_C2D_CREDIT);
  }

  private onMessage(c: EventContext): void {
    const done = (err: unknown): void => {
      if (err === undefined) {
        settle(c.delivery, 'accept');
      } else {
        AmqpEvents.serviceC2dRejected(this.ctx.log, this.ctx.conn, codeOf(err));
        settle(c.delivery, amqpErrorFor(err));
      }
      if (this.link.is_open()) this.link.add_credit(1);
    };
    try {
      if (c.message === undefined) throw new HubError('FH_MSG_INVALID', 'no message');
      const deviceId = c2dTarget(c.message.to);
      if (deviceId === undefined) throw new HubError('FH_MSG_INVALID', '`to` must be /devices/{deviceId}/messages/devicebound');
      // The grant may have been scoped below the hub, or have expired since the attach.
      this.ctx.core.auth.authorize(this.grant.principal, 'ServiceConnect', `/devices/${deviceId}/messages/devicebound`);
      const message = decodeInbound(c.message, 'c2d');
      // Accepted once enqueued (durably); not-found, queue-full and too-large are rejections.
      this.ctx.core.c2d.send(deviceId, message).then(() => done(undefined), done);
    } catch (err) {
      done(err);
    }
  }
}

interface ServiceBinding {
  grant: Grant;
  resource: string;
  c2d?: ServiceC2dLink;
  end(): void;
}

/** The service links of one connection and the tokens they hang on. */
export class ServiceLinks {
  private readonly links = new Map<Link, ServiceBinding>();

  constructor(private readonly ctx: ServiceLinkContext & {
    grants: GrantTable;
    feedback: ServiceBoundQueue<FeedbackRecord>;
    fileNotifications: ServiceBoundQueue<FileNotification>;
  }) {}

  /** Serves a service link; returns the error to refuse it with instead. */
  attach(link: Link, kind: ServiceKind, clientSends: boolean): AmqpError | undefined {
    if (serviceClientSends(kind) !== clientSends) return headError(Condition.notAllowed, 'the address does not take this direction');
    const resource = SERVICE_RESOURCES[kind];
    const grant = this.ctx.grants.forService('ServiceConnect', resource);
    if (grant === undefined) return headError(Condition.unauthorized, `no valid ServiceConnect token on this connection covers ${resource}`);
    if (kind === 'service-c2d') {
      const c2d = new ServiceC2dLink(link as Receiver, grant, this.ctx);
      this.links.set(link, { grant, resource, c2d, end: () => undefined });
      return undefined;
    }
    const queue = kind === 'feedback' ? this.ctx.feedback : this.ctx.fileNotifications;
    queue.attach(link as Sender);
    this.links.set(link, { grant, resource, end: () => queue.detach(link as Sender) });
    return undefined;
  }

  /** The link ended (peer detach, session end, connection gone). */
  ended(link: Link): void {
    const binding = this.links.get(link);
    if (binding === undefined) return;
    this.links.delete(link);
    binding.end();
  }

  /** A token ran out: its links move to another live ServiceConnect token or are detached. */
  expired(grant: Grant): void {
    for (const [link, binding] of [...this.links]) {
      if (binding.grant.key !== grant.key) continue;
      const other = this.ctx.grants.forService('ServiceConnect', binding.resource);
      if (other !== undefined) {
        binding.grant = other;
        if (binding.c2d !== undefined) binding.c2d.grant = other;
        continue;
      }
      this.ended(link);
      if (link.is_open()) link.close(headError(Condition.unauthorized, 'the token of this link expired'));
    }
  }

  endAll(): void {
    for (const link of [...this.links.keys()]) this.ended(link);
  }
}
