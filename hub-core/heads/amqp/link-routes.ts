/**
 * Which handler serves a link: by the kind of address and by who sends on it (wire contract C
 * "Links", E). The client's sender is the hub's receiver and the other way round.
 */
import type { Receiver, Sender } from 'rhea';
import type { DeviceIdentity } from './device-identity.js';
import { C2dLink, TelemetryLink, type DeviceLink, type LinkContext } from './device-links.js';
import type { Link } from './link-kit.js';
import { MethodRequestLink, MethodResponseLink, TwinRequestLink, TwinResponseLink } from './rpc-links.js';

/** The resource each service link is authorised on (ServiceConnect). */
export const SERVICE_RESOURCES = {
  'service-c2d': '/messages/devicebound',
  feedback: '/messages/serviceBound/feedback',
  'file-notifications': '/messages/serviceBound/filenotifications',
} as const;
export type ServiceKind = keyof typeof SERVICE_RESOURCES;

/** True when the client sends on a service address of this kind (only C2D send). */
export function serviceClientSends(kind: ServiceKind): boolean {
  return kind === 'service-c2d';
}

export type LinkFactory = (link: Link, identity: DeviceIdentity, ctx: LinkContext) => DeviceLink;

/** The device link serving an address kind in a direction; undefined when none does. */
export function deviceLinkFactory(kind: 'events' | 'c2d' | 'methods' | 'twin', clientSends: boolean, isModule: boolean): LinkFactory | undefined {
  switch (kind) {
    case 'events':
      if (clientSends) return (l, _i, c) => new TelemetryLink(l as Receiver, c);
      // A module receiving on its events address is its input link [contract C, "(sic)"].
      return isModule ? (l, _i, c) => new C2dLink(l as Sender, 'input', c) : undefined;
    case 'c2d':
      return clientSends ? undefined : (l, _i, c) => new C2dLink(l as Sender, 'c2d', c);
    case 'methods':
      return clientSends ? (l, i, c) => new MethodResponseLink(l as Receiver, c, i.methodIds) : (l, i) => new MethodRequestLink(l as Sender, i.methodIds);
    case 'twin':
      return clientSends
        ? (l, i, c) => new TwinRequestLink(l as Receiver, c, () => i.twinResponses())
        : (l) => new TwinResponseLink(l as Sender);
  }
}
