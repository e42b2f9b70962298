/**
 * Message routes of the gateway (IoT Edge-style): parse and compile the config's `routes:` map,
 * match messages to sinks, and run the pipeline that moves the hub core's telemetry log to the
 * sink targets from a persisted checkpoint. Also the local file sink.
 *
 * ```ts
 * const router = compileRoutes(config.routes, { sinkNames: Object.keys(config.sinks) });
 * const pipeline = createRoutePipeline({ telemetry: core.telemetry, router, store: root.sublevel('routes'), targetFor });
 * await pipeline.start();
 * core.telemetry.setAdmission((ref, msg) => { if (outboxFull && router.routesToUpstream(ref, msg)) throw … });
 * ```
 */
export { RouteError } from './route-error.js';
export { parseRoute, sinkKey, type ParsedRoute, type RouteSink, type RouteSource } from './route-parser.js';
export {
  compileMessageCondition, conditionHolds, messageMatches, MessageScope, type MessageCondition,
} from './message-condition.js';
export { checkRoutes, compileRoutes, type CompileRoutesOptions, type RoutedMessage, type RouteMap, type Router } from './router.js';
export {
  createRoutePipeline, RoutePipeline, type RoutePipelineOptions, type RoutePipelineStatus, type RouteTarget,
  type RouteTargetStatus,
} from './pipeline.js';
export { FileSink, fileSinkLine, type FileSinkLine, type FileSinkOptions, type FileSinkStats } from './file-sink.js';
