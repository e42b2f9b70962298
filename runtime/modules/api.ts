/**
 * The module API: everything a fieldhub module (modules/<name>/) imports from the runtime. A module
 * type is a {@link ModuleFactory} (manifest, dependencies, constructor); each configured instance is
 * a {@link FieldhubModule} that the module host starts with a {@link ModuleContext} and stops within
 * a bounded time. Modules never touch the hub core directly: they publish on named outputs, receive
 * on named inputs, report health, and register leaf devices through the context. Besides types,
 * only {@link fieldhubVersion} lives here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../hub-core/log.js';
import type { JsonObject, JsonValue, Message } from '../../hub-core/core/types.js';

export type { Logger } from '../../hub-core/log.js';
export type { JsonObject, JsonValue, Message, SystemProperties } from '../../hub-core/core/types.js';

/** What a module type declares about itself. */
export interface ModuleManifest {
  /** The type name used in config (`system`, `modbus`, …). */
  type: string;
  /** The module's own version (semver). */
  version: string;
  description: string;
  /**
   * JSON schema of the instance config (ajv, draft-07). Use `additionalProperties: false` and
   * `default`s: the host fills defaults and hands the module a deep-frozen, validated copy.
   */
  configSchema: object;
}

/** A module's health as it reports it. `failed` is fatal: the host restarts the module (with backoff). */
export interface ModuleHealth {
  status: 'ok' | 'degraded' | 'failed';
  message?: string;
  details?: Record<string, unknown>;
}

/** A message a module (or a leaf device) sends. */
export interface OutgoingMessage {
  /** Bytes as they are; a string as UTF-8; an object as JSON (contentType application/json, UTF-8). */
  body: Uint8Array | string | object;
  /** Application properties. */
  properties?: Record<string, string>;
  /** Overrides the content type (default: application/json for an object body, none otherwise). */
  contentType?: string;
  /** Optional message id (system property). */
  messageId?: string;
}

/** The answer of a direct method handler. */
export interface MethodAnswer {
  status: number;
  payload?: JsonValue;
}

/** A leaf device identity a module registered and drives in process. */
export interface LeafDevice {
  readonly deviceId: string;
  /** Stores the message as the device's telemetry; resolves once durable. */
  sendTelemetry(message: OutgoingMessage): Promise<void>;
  /** Patches the device twin's reported properties (null deletes); resolves to the new reported `$version`. */
  updateReported(patch: JsonObject): Promise<number>;
  /** The device view of its twin. */
  getTwin(): Promise<{ desired: JsonObject; reported: JsonObject }>;
  /** Desired-property changes (the patch with `$version`). Registering turns notifications on. */
  onDesired(listener: (patch: JsonObject) => void | Promise<void>): void;
  /**
   * Direct method handler for `name`, or `*` for any method without its own handler. A throw
   * answers 500; a method without a handler answers 501.
   */
  onMethod(name: string, handler: (payload: JsonValue, methodName: string) => Promise<MethodAnswer>): void;
  /** Cloud-to-device messages: resolve to complete, throw to abandon (redelivered, up to the hub's limit). */
  onC2d(handler: (message: Message) => Promise<void>): void;
  /** Disconnects the device (its identity stays in the registry). Idempotent. */
  close(): Promise<void>;
}

/** What the host hands a module instance at start. */
export interface ModuleContext {
  /** Instance name from config; also its module identity id (`{gatewayDeviceId, name}`). */
  readonly name: string;
  /** The validated config, defaults filled, deep-frozen. */
  readonly config: unknown;
  readonly gatewayDeviceId: string;
  /** Logger namespaced `fieldhub:module:<name>`. */
  readonly logger: Logger;
  /** Aborted when the module must stop (stop, restart, config change). */
  readonly signal: AbortSignal;
  /** The module's own folder (created before start). */
  readonly dataDir: string;
  /**
   * Sends a message on a named output: stored durably in the hub core as telemetry of the module
   * identity `{gatewayDeviceId, name}` with `system.outputName`; routes pick it up. Resolves once durable.
   */
  publish(output: string, message: OutgoingMessage): Promise<void>;
  /**
   * Messages arriving on a named input (routes' BrokeredEndpoint): resolve to complete, throw to
   * abandon (redelivered up to the hub's delivery limit). Register in `start`: input messages are
   * delivered once `start` resolved; messages for an input without a handler are rejected.
   */
  onInput(input: string, handler: (message: Message) => Promise<void>): void;
  /** Patches the reported properties of the module's own twin (null deletes); resolves to the new `$version`. */
  updateReported(patch: JsonObject): Promise<number>;
  /**
   * Registers (creates if missing, parentId = gateway) a leaf device identity in the local hub and
   * connects it in process. The same module registering the same id again gets the same handle.
   */
  registerDevice(deviceId: string): Promise<LeafDevice>;
  /** Reports health; `failed` is fatal (the host restarts the module). */
  setHealth(health: ModuleHealth): void;
}

/** One running instance of a module type. */
export interface FieldhubModule {
  /** Resolves when the module is ready. A throw fails the start (the host retries with backoff). */
  start(ctx: ModuleContext): Promise<void>;
  /** Releases everything; the host waits at most its stop timeout. */
  stop(): Promise<void>;
}

/** A module type: registered in a `Map<type, ModuleFactory>` (modules/index.ts for built-ins). */
export interface ModuleFactory {
  manifest: ModuleManifest;
  /** Instances this one needs running first, derived from its (validated) config; added to the config's `dependsOn`. */
  dependsOn?(config: unknown): string[];
  /**
   * What the schema cannot check in a (validated) config, each problem with its JSON path inside
   * the config (`/devices/0/profile`): run by `fieldhub config check` and before start.
   */
  check?(config: unknown): { path: string; message: string }[];
  /**
   * A new instance, for one start attempt. Built-in types load their implementation here, with a
   * dynamic import, so a type's code (and its native bindings) loads only when an instance of it
   * starts; `manifest`, `dependsOn` and `check` stay cheap to import. The host awaits the result
   * as part of the attempt: a throw or a rejection fails the attempt like a start that threw
   * (logged, restarted with backoff).
   */
  create(): FieldhubModule | Promise<FieldhubModule>;
}

let version: string | undefined;

/** The running fieldhub's version (package.json, found walking up from this file; `0.0.0` if none). */
export function fieldhubVersion(): string {
  if (version !== undefined) return version;
  version = '0.0.0';
  for (let dir = dirname(fileURLToPath(import.meta.url)), i = 0; i < 6; dir = dirname(dir), i++) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'fieldhub') {
      version = pkg.version ?? '0.0.0';
      break;
    }
  }
  return version;
}
