/**
 * The targets the route pipeline delivers to, one per sink the routes name:
 * - `$upstream`: the persisted outbox (the drain sends it on);
 * - `BrokeredEndpoint("/modules/m/inputs/i")`: the module's input queue in the hub core;
 * - `Sink("name")`: a local file or MQTT sink from the `sinks:` section (the MQTT client code
 *   loads only when an MQTT sink is configured).
 * A message a target can never take (a module input that refuses it for good) is dropped and
 * counted there, so one bad message never stalls the pipeline.
 */
import type { HubCoreApi } from '../../hub-core/core/api.js';
import type { StoredTelemetry } from '../../hub-core/core/types.js';
import { isHubError } from '../../hub-core/errors.js';
import { childLogger, type Logger } from '../../hub-core/log.js';
import type { SinkConfig } from '../config/gateway-config-schema.js';
import { FileSink, sinkKey, type RouteTarget } from '../routes/index.js';
import type { RouteSink } from '../routes/route-parser.js';
import type { MqttSink } from '../sinks/mqtt-sink.js';
import type { Outbox } from '../upstream/outbox.js';

interface NamedSink extends RouteTarget {
  close(): Promise<void>;
  status(): unknown;
}

/** Permanent refusals of a module input: the message is dropped (counted), not retried. */
const PERMANENT: readonly string[] = ['FH_REGISTRY_NOT_FOUND', 'FH_MSG_TOO_LARGE', 'FH_MSG_INVALID'];

export class RouteTargets {
  private readonly dropped = new Map<string, number>();

  private constructor(
    private readonly deps: { core: HubCoreApi; outbox: Outbox; gatewayDeviceId: string; logger: Logger },
    private readonly sinks: Map<string, NamedSink>,
  ) {}

  /** Opens every configured sink (file sinks open their file; MQTT sinks start connecting). */
  static async open(deps: { core: HubCoreApi; outbox: Outbox; sinks: Readonly<Record<string, SinkConfig>>; gatewayDeviceId: string; logger: Logger }): Promise<RouteTargets> {
    const sinks = new Map<string, NamedSink>();
    try {
      for (const [name, c] of Object.entries(deps.sinks)) {
        if (c.type === 'file') {
          const sink = await FileSink.open({ path: c.path, maxBytes: c.maxBytes, maxFiles: c.maxFiles, fsync: c.fsync });
          sinks.set(name, { deliver: (items) => sink.deliver(items), close: () => sink.close(), status: () => sink.stats() });
        } else {
          // The mqtt client loads only when an MQTT sink is configured.
          const { createMqttSink } = await import('../sinks/mqtt-sink.js');
          const sink: MqttSink = createMqttSink({
            name, url: c.url, topic: c.topic, qos: c.qos, logger: childLogger(deps.logger, `sinks:${name}`),
            ...(c.clientId ? { clientId: c.clientId } : {}), ...(c.username ? { username: c.username } : {}),
            ...(c.password !== undefined ? { password: c.password } : {}), ...(c.caFile ? { caFile: c.caFile } : {}),
          });
          sinks.set(name, { deliver: (items) => sink.deliver(items), close: () => sink.close(), status: () => sink.status() });
        }
      }
    } catch (err) {
      for (const s of sinks.values()) await s.close().catch(() => undefined);
      throw err;
    }
    return new RouteTargets({ core: deps.core, outbox: deps.outbox, gatewayDeviceId: deps.gatewayDeviceId, logger: deps.logger }, sinks);
  }

  targetFor(sink: RouteSink): RouteTarget {
    if (sink.kind === 'upstream') return this.upstreamTarget();
    if (sink.kind === 'sink') {
      const named = this.sinks.get(sink.name);
      if (named === undefined) throw new Error(`no sink ${sink.name}`); // compileRoutes checked the names
      return named;
    }
    return { deliver: (items) => this.toModuleInput(sink, items) };
  }

  status(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, s] of this.sinks) out[name] = s.status();
    if (this.dropped.size > 0) out.moduleInputsDropped = Object.fromEntries(this.dropped);
    return out;
  }

  async close(): Promise<void> {
    for (const s of this.sinks.values()) await s.close().catch(() => undefined);
  }

  /**
   * The outbox, fed in parts of at most 1/8 of its quota: a pipeline batch (up to 512 messages)
   * can be larger than a small quota, and one append of it would be refused for good. A batch
   * the pipeline retries resumes after the last part the outbox took, so nothing is queued twice.
   */
  private upstreamTarget(): RouteTarget {
    const { outbox } = this.deps;
    const partBytes = Math.max(1, Math.floor(outbox.stats().maxBytes / 8));
    let through = 0; // seq of the last message the outbox took in this run
    return {
      deliver: async (items) => {
        let part: StoredTelemetry[] = [];
        let bytes = 0;
        const flush = async (): Promise<void> => {
          if (part.length === 0) return;
          await outbox.append(part);
          through = (part[part.length - 1] as StoredTelemetry).seq;
          part = [];
          bytes = 0;
        };
        for (const item of items) {
          if (item.seq <= through) continue;
          const size = item.message.body.byteLength + 256;
          if (part.length > 0 && bytes + size > partBytes) await flush();
          part.push(item);
          bytes += size;
        }
        await flush();
      },
    };
  }

  /** In order; a full input queue rejects the batch (retried by the pipeline). */
  private async toModuleInput(sink: Extract<RouteSink, { kind: 'moduleInput' }>, items: readonly StoredTelemetry[]): Promise<void> {
    const ref = { deviceId: this.deps.gatewayDeviceId, moduleId: sink.moduleId };
    for (const item of items) {
      const { message } = item;
      const system = { ...message.system };
      delete system.outputName;
      try {
        await this.deps.core.c2d.sendToModuleInput(ref, sink.inputName, { body: message.body, system, properties: { ...message.properties } });
      } catch (err) {
        if (!PERMANENT.some((code) => isHubError(err, code as never))) throw err;
        const k = sinkKey(sink);
        this.dropped.set(k, (this.dropped.get(k) ?? 0) + 1);
        this.deps.logger.warn({ event: 'moduleInputDropped', sink: k, seq: item.seq, code: (err as { code?: string }).code }, 'a routed message cannot go to the module input; dropped');
      }
    }
  }
}
