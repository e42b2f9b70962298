/**
 * The gateway: the composition root of `fieldhub start`. On top of the hub server (the embedded
 * hub core and its heads) it opens the upstream outbox, builds the routes and their pipeline,
 * starts the modules, and, when an upstream is configured, the link with its identity mirror,
 * twin sync, method/C2D dispatch and the outbox drain (their code, and the link's protocol
 * library, load only then). Closes everything in reverse.
 *
 *   leaf/module telemetry -> core (durable, acked) -> route pipeline (checkpoint) -> outbox -> drain -> link
 *
 * Process concerns (signals, stdout) stay in the CLI; this only throws coded errors.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { HubError } from '../../hub-core/errors.js';
import { childLogger, type Logger } from '../../hub-core/log.js';
import { startHubServer, type HubServer } from '../../hub-core/server/hub-server.js';
import type { GatewayConfig } from '../config/hub-config.js';
import type { ModuleFactory } from '../modules/api.js';
import { ModuleHost } from '../modules/index.js';
import { compileRoutes, createRoutePipeline, sinkKey, type RoutePipeline, type RouteTarget } from '../routes/index.js';
import type { UpstreamLink } from '../upstream/link.js';
import { Outbox } from '../upstream/outbox.js';
import type { UpstreamDispatch } from './dispatch.js';
import type { Drain } from './drain.js';
import { gatewayHealthRoute, type GatewayHealth } from './health.js';
import type { IdentityMirror } from './identities.js';
import { RouteTargets } from './route-targets.js';
import type { TwinSync } from './twin-sync.js';

export interface Gateway {
  readonly server: HubServer;
  readonly config: GatewayConfig;
  health(): GatewayHealth;
  /**
   * Applies a new configuration's modules section: only the modules whose settings changed (or
   * that were added or removed) are restarted; the others keep running. Every other section
   * needs a restart; what differs there is returned so the caller can say so.
   */
  reload(next: GatewayConfig): Promise<{ restartNeededFor: string[] }>;
  /** Stops modules, the link and the pipeline, then the hub. Idempotent. */
  close(): Promise<void>;
}

/** What a sink's pipeline does with the other sinks' messages. */
const SKIP: RouteTarget = { deliver: async () => undefined };

/** A store-safe, stable name for a sink's checkpoint namespace. */
function checkpointName(sinkKeyText: string): string {
  return `sink-${createHash('sha256').update(sinkKeyText).digest('hex').slice(0, 16)}`;
}

interface UpstreamParts {
  link: UpstreamLink;
  mirror: IdentityMirror;
  twins: TwinSync;
  dispatch: UpstreamDispatch;
  drain: Drain;
}

/** Ensures the gateway's own device exists in the local hub (an edge device, as in IoT Edge). */
async function ensureGatewayDevice(server: HubServer, deviceId: string): Promise<void> {
  try {
    await server.core.registry.getDevice(deviceId);
  } catch {
    await server.core.registry.createDevice({ deviceId, capabilities: { iotEdge: true } }).catch((err: unknown) => {
      if ((err as { code?: string }).code !== 'FH_REGISTRY_EXISTS') throw err;
    });
  }
}

export async function startGateway(config: GatewayConfig, logger: Logger, factories: ReadonlyMap<string, ModuleFactory>): Promise<Gateway> {
  const log = childLogger(logger, 'gateway');
  let gateway: Gateway | undefined;
  const server = await startHubServer(config, logger, { httpsRoutes: [gatewayHealthRoute(() => gateway?.health())] });
  const undo: (() => Promise<void> | void)[] = [() => server.close()];
  const unwind = async (): Promise<void> => {
    for (const step of undo.splice(0).reverse()) {
      try {
        await step();
      } catch (err) {
        log.warn({ event: 'closeFailed', err }, 'a gateway part failed to close');
      }
    }
  };
  try {
    const { core, store } = server;
    const gw = store.sublevel('gateway');
    await ensureGatewayDevice(server, config.gateway.deviceId);

    const up = config.upstream;
    const outbox = await Outbox.open({
      store: gw.sublevel('outbox'),
      maxBytes: up?.outbox.maxBytes ?? 268_435_456,
      ttlMs: up?.outbox.ttlMs ?? 604_800_000,
      fullPolicy: up?.outbox.fullPolicy ?? 'reject',
      singleSource: true,
      logger,
      // One write stream with the hub's own writes (one LevelDB batch per event-loop turn, and one
      // fsync per batch with durability power).
      write: (ops) => server.commit(ops),
    });
    undo.push(() => outbox.close());

    const router = compileRoutes(config.routes, { sinkNames: Object.keys(config.sinks), moduleIds: Object.keys(config.modules) });
    const targets = await RouteTargets.open({ core, outbox, sinks: config.sinks, gatewayDeviceId: config.gateway.deviceId, logger });
    undo.push(() => targets.close());
    // One pipeline (and checkpoint) per sink: a sink that is down (an MQTT broker away) holds back
    // only its own messages, never the upstream's. Each reads the log; that is cheap next to a send.
    const pipelines = new Map<string, RoutePipeline>();
    for (const sink of router.sinks) {
      const k = sinkKey(sink);
      const pipeline = createRoutePipeline({
        telemetry: core.telemetry, router, store: gw.sublevel('routes').sublevel(checkpointName(k)),
        targetFor: (s) => (s === sink ? targets.targetFor(s) : SKIP),
        // Through the hub's group commit (fsync'd there with durability power).
        logger, writeCheckpoint: (ops) => server.commit(ops),
        // The upstream gets everything stored since the gateway first ran; a sink added later starts now.
        startAt: sink.kind === 'upstream' ? 'oldest' : 'latest',
        ...(sink.kind === 'upstream' ? {
          // The outbox skips a batch it already took (singleSource, by hub seq), so the upstream's
          // checkpoint need not be written after every batch: a crash only routes up to 1 s again.
          checkpointIntervalMs: 1000,
          // A batch the full outbox refused is retried soon after the drain makes room: while it
          // waits, the admission check refuses new upstream-bound messages.
          retryMaxMs: 1000,
        } : {}),
      });
      await pipeline.start();
      undo.push(() => pipeline.close());
      pipelines.set(k, pipeline);
    }
    if (up?.outbox.fullPolicy === 'reject') {
      // A full outbox refuses new upstream-bound messages at the door: the sender keeps them.
      core.telemetry.setAdmission((ref, message) => {
        const bytes = message.body.length + 256;
        if (outbox.wouldReject(bytes) && router.routesToUpstream(ref, message)) {
          outbox.refusedAtDoor(bytes);
          throw new HubError('FH_BACKLOG_FULL', 'the gateway\u2019s upstream outbox is full; retry later', { retryable: true });
        }
      });
      undo.push(() => core.telemetry.setAdmission(undefined));
    }

    let parts: UpstreamParts | undefined;
    if (up !== undefined) {
      // Loaded only with an upstream section; the factory loads only the configured protocol's link.
      const [{ createUpstream }, { TwinSync }, { UpstreamDispatch }, { Drain }, { IdentityMirror }, { followMethodLinks }] = await Promise.all([
        import('./upstream-factory.js'), import('./twin-sync.js'), import('./dispatch.js'), import('./drain.js'),
        import('./identities.js'), import('./method-links.js'),
      ]);
      const { link, registryTarget } = await createUpstream(up, core, childLogger(logger, 'upstream'));
      const twins = new TwinSync({ core, link, store: gw.sublevel('twin-sync'), logger: log });
      const dispatch = new UpstreamDispatch({ core, logger: log });
      const drain = new Drain({ outbox, link, logger: log, maxInFlight: up.outbox.maxInFlight, share: up.outbox.drainShare });
      const mirror = new IdentityMirror({
        core, link, store: gw.sublevel('mirror'), logger: log, gatewayDeviceId: config.gateway.deviceId, ...(registryTarget ? { registryTarget } : {}),
      });
      parts = { link, mirror, twins, dispatch, drain };
      const onReported = (ref: Parameters<TwinSync['reportedChanged']>[0]): void => twins.reportedChanged(ref);
      core.on('reportedUpdated', onReported);
      let online = 0;
      link.start({
        onMethod: (ref, call) => dispatch.method(ref, call),
        onC2d: (ref, c2d) => dispatch.c2d(ref, c2d),
        onDesired: (ref, patch) => twins.desiredFromUpstream(ref, patch),
        onIdentityOnline: (ref) => {
          if (online++ === 0) drain.markReconnect();
          twins.identityOnline(ref);
          drain.wake(ref);
        },
        onIdentityOffline: () => {
          online = Math.max(0, online - 1);
        },
      });
      drain.start();
      // Method links upstream only while the local identity accepts methods (IoT Edge's rule).
      const stopMethodLinks = await followMethodLinks(core, link);
      undo.push(() => stopMethodLinks());
      await mirror.start();
      undo.push(async () => {
        core.off('reportedUpdated', onReported);
        mirror.close();
        drain.close();
        twins.close();
        dispatch.close();
        await link.close();
      });
    }

    const modules = ModuleHost.create({
      core, gatewayDeviceId: config.gateway.deviceId, factories, dataDir: join(config.dataDir, 'modules'), logger,
    });
    await modules.start(config.modules);
    undo.push(() => modules.stop());

    let closing: Promise<void> | undefined;
    gateway = {
      server, config,
      health: (): GatewayHealth => ({
        gatewayDeviceId: config.gateway.deviceId,
        upstream: parts === undefined ? null : {
          link: parts.link.status(), drain: parts.drain.status(), twinSync: parts.twins.stats,
          dispatch: parts.dispatch.stats, mirror: parts.mirror.stats,
        },
        outbox: outbox.stats(),
        routes: Object.fromEntries([...pipelines].map(([k, p]) => [k, p.status()])),
        sinks: targets.status(),
        modules: modules.status(),
      }),
      reload: async (next: GatewayConfig) => {
        await modules.apply(next.modules);
        const restartNeededFor = Object.keys(next).filter((k) => k !== 'modules' && k !== 'log'
          && JSON.stringify((next as unknown as Record<string, unknown>)[k]) !== JSON.stringify((config as unknown as Record<string, unknown>)[k]));
        log.info({ event: 'configReloaded', restartNeededFor }, 'configuration reloaded: modules applied');
        return { restartNeededFor };
      },
      close: () => (closing ??= unwind()),
    };
    log.info({ event: 'gatewayReady', upstream: up?.protocol ?? 'none', modules: Object.keys(config.modules), routes: Object.keys(config.routes) }, 'gateway ready');
    return gateway;
  } catch (err) {
    await unwind();
    throw err;
  }
}
