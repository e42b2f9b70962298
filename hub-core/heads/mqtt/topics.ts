/**
 * IoT Hub's fixed MQTT topic families (wire contract B). Everything is relative to one connected
 * identity: a device may use only its own topics, so the prefixes are computed once per connection
 * and matched with `startsWith` (no regex, no allocation on the telemetry path).
 */
import type { IdentityRef } from '../../core/types.js';
import { parseTopicQuery } from './property-bag.js';

/** What a device → hub PUBLISH is for. */
export type InboundTopic =
  | { kind: 'telemetry'; bag: string }
  | { kind: 'twin-get'; rid: string | undefined }
  | { kind: 'twin-patch-reported'; rid: string | undefined }
  | { kind: 'method-response'; status: number; rid: string | undefined }
  | { kind: 'forbidden' };

/** Features a subscription turns on. */
export type Feature = 'c2d' | 'methods' | 'twin-responses' | 'desired';

const TWIN_GET = '$iothub/twin/GET/';
const TWIN_PATCH_REPORTED = '$iothub/twin/PATCH/properties/reported/';
const METHOD_RES = '$iothub/methods/res/';

/** Per-identity topic table, built once per connection. */
export class TopicTable {
  /** `devices/{d}/messages/events/` or `devices/{d}/modules/{m}/messages/events/`. */
  readonly telemetryPrefix: string;
  private readonly filters: ReadonlyMap<string, Feature>;
  private readonly deviceId: string;
  private readonly moduleId: string | undefined;

  constructor(ref: IdentityRef) {
    this.deviceId = ref.deviceId;
    this.moduleId = ref.moduleId;
    const base = ref.moduleId === undefined ? `devices/${ref.deviceId}` : `devices/${ref.deviceId}/modules/${ref.moduleId}`;
    this.telemetryPrefix = `${base}/messages/events/`;
    const filters = new Map<string, Feature>([
      ['$iothub/methods/POST/#', 'methods'],
      ['$iothub/twin/res/#', 'twin-responses'],
      ['$iothub/twin/PATCH/properties/desired/#', 'desired'],
    ]);
    // A device receives C2D on devicebound; a module receives input messages instead.
    if (ref.moduleId === undefined) filters.set(`devices/${ref.deviceId}/messages/devicebound/#`, 'c2d');
    else filters.set(`${base}/inputs/#`, 'c2d');
    this.filters = filters;
  }

  /** Classifies a device → hub topic. Anything not this identity's own is `forbidden`. */
  classify(topic: string): InboundTopic {
    if (topic.startsWith(this.telemetryPrefix)) {
      return { kind: 'telemetry', bag: topic.slice(this.telemetryPrefix.length) };
    }
    // `…/messages/events` without the trailing slash: some SDKs omit it when there is no bag.
    if (topic.length === this.telemetryPrefix.length - 1 && this.telemetryPrefix.startsWith(topic)) {
      return { kind: 'telemetry', bag: '' };
    }
    if (topic.charCodeAt(0) !== 0x24 /* $ */) return { kind: 'forbidden' };
    if (topic.startsWith(TWIN_GET)) return { kind: 'twin-get', rid: parseTopicQuery(topic).get('$rid') };
    if (topic.startsWith(TWIN_PATCH_REPORTED)) {
      return { kind: 'twin-patch-reported', rid: parseTopicQuery(topic).get('$rid') };
    }
    if (topic.startsWith(METHOD_RES)) {
      const rest = topic.slice(METHOD_RES.length);
      const slash = rest.search(/[/?]/);
      const statusText = slash === -1 ? rest : rest.slice(0, slash);
      const status = /^\d{1,4}$/.test(statusText) ? Number(statusText) : NaN;
      if (Number.isNaN(status)) return { kind: 'forbidden' };
      return { kind: 'method-response', status, rid: parseTopicQuery(topic).get('$rid') };
    }
    return { kind: 'forbidden' };
  }

  /** The feature a SUBSCRIBE filter turns on, or undefined when it is not allowed (SUBACK 0x80). */
  featureOf(filter: string): Feature | undefined {
    return this.filters.get(filter);
  }

  /** C2D topic for a message bag. Module identities with an input name get the input topic. */
  c2dTopic(bag: string, inputName: string | undefined): string {
    if (this.moduleId !== undefined) {
      // The SDK reads the input name from segment 6 and the bag from segment 7 (may be empty).
      return `devices/${this.deviceId}/modules/${this.moduleId}/inputs/${inputName ?? ''}/${bag}`;
    }
    return `devices/${this.deviceId}/messages/devicebound/${bag}`;
  }

  /** The `$.to` Azure writes on C2D messages. */
  c2dTo(): string {
    return `/devices/${this.deviceId}/messages/deviceBound`;
  }
}

/** `$iothub/twin/res/{status}/?$rid={rid}[&$version={v}]`. */
export function twinResponseTopic(status: number, rid: string, version?: number): string {
  const v = version === undefined ? '' : `&$version=${version}`;
  return `$iothub/twin/res/${status}/?$rid=${rid}${v}`;
}

/** `$iothub/methods/POST/{name}/?$rid={rid}`. */
export function methodRequestTopic(name: string, rid: string): string {
  return `$iothub/methods/POST/${name}/?$rid=${rid}`;
}

/** `$iothub/twin/PATCH/properties/desired/?$version={v}`. */
export function desiredPatchTopic(version: unknown): string {
  return `$iothub/twin/PATCH/properties/desired/?$version=${typeof version === 'number' ? version : ''}`;
}
