/**
 * The hub core's public API: what protocol heads, the CLI's service client and the runtime call.
 * The core imports no protocol library and no head. A head turns wire frames into these calls and
 * implements a {@link DeviceProxy} per connected identity; the core answers through that proxy.
 */
import type { ServiceQueuesApi } from './service-queue-api.js';
import type {
  AccessPolicy, C2dDelivery, Device, DeviceInput, FeedbackRecord, IdentityRef, JsonObject, JsonValue,
  Message, MethodResult, Module, ModuleInput, Permission, Principal, StoredTelemetry, Twin,
} from './types.js';
import type { FileService, FileUploadOptions } from './file-api.js';
import type { ConnectOptions, DeviceProxy, DeviceSession } from './session-api.js';

export type { BlobGrant, BlobProperties, FileNotification, FileService, FileUploadOptions, FileUploadResult, FileUploadTarget } from './file-api.js';
export type { ConnectOptions, DeviceProxy, DeviceSession } from './session-api.js';

/** A clock the core reads; tests pass a fake. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

/** Limits as IoT Hub sets them; every field has that default. */
export interface HubLimits {
  /** Largest device-to-cloud message body plus properties, bytes. Default 262144 (256 KB). */
  maxMessageBytes: number;
  /** Largest C2D message, bytes. Default 65536. */
  maxC2dBytes: number;
  /** C2D messages queued per device before FH_C2D_QUEUE_FULL. Default 50. */
  maxC2dQueueDepth: number;
  /** Default C2D time to live, ms. Default 3600000 (1 h); at most 48 h. */
  c2dDefaultTtlMs: number;
  /** Deliveries before a C2D message is dead-lettered. Default 10. */
  c2dMaxDeliveryCount: number;
  /** Lock time of a received C2D message, ms. Default 60000. */
  c2dLockMs: number;
  /** Largest direct method payload, bytes. Default 131072 (128 KB). */
  maxMethodPayloadBytes: number;
  /** Telemetry messages per second per identity (token bucket, burst = 2 s worth). 0 = no limit. Default 0. */
  telemetryPerSecond: number;
  /** How long telemetry is kept, ms. Default 86400000 (1 day). */
  telemetryRetentionMs: number;
  /**
   * How long telemetry a reader still holds ({@link TelemetryService.holdRetention}: a route
   * whose sink is away) is kept past the retention, ms. Default 604800000 (7 days); after that the
   * oldest go anyway, and the reader counts them as gaps: the store stays bounded.
   */
  telemetryMaxHoldMs: number;
  /** How long a feedback record or file notification waits for a service receiver, ms. Default 3600000 (1 h). */
  serviceQueueTtlMs: number;
  /** Records each service-bound queue holds; beyond, the oldest are dropped. Default 10000. */
  serviceQueueMaxRecords: number;
  /** Deliveries (leases released or expired) before a service-bound record is dropped. Default 10. */
  serviceQueueMaxDeliveryCount: number;
}

export interface HubCoreOptions {
  /** The root store; the core takes sublevels of it. */
  store: import('../store/store.js').Store;
  /** The hub's logical host name: SAS tokens' sr starts with it. */
  hostName: string;
  /** `process`: written to the OS before the ack (survives kill -9). `power`: fsync'd (group commit). */
  durability?: 'process' | 'power';
  limits?: Partial<HubLimits>;
  clock?: Clock;
  /** File upload (blob folder and limits). Without it, file upload answers FH_FILE_DISABLED. */
  files?: FileUploadOptions;
}

export interface RegistryService {
  /** 409 FH_REGISTRY_EXISTS when present; empty or missing SAS keys are generated. */
  createDevice(input: DeviceInput): Promise<Device>;
  /** FH_REGISTRY_NOT_FOUND when absent. */
  getDevice(deviceId: string): Promise<Device>;
  /** ifMatch: etag or '*' or undefined (unconditional). Disabling disconnects the device at once. */
  updateDevice(input: DeviceInput, ifMatch?: string): Promise<Device>;
  deleteDevice(deviceId: string, ifMatch?: string): Promise<void>;
  listDevices(options?: { top?: number }): Promise<Device[]>;
  createModule(input: ModuleInput): Promise<Module>;
  getModule(deviceId: string, moduleId: string): Promise<Module>;
  updateModule(input: ModuleInput, ifMatch?: string): Promise<Module>;
  deleteModule(deviceId: string, moduleId: string, ifMatch?: string): Promise<void>;
  listModules(deviceId: string): Promise<Module[]>;
  statistics(): Promise<{ totalDeviceCount: number; enabledDeviceCount: number; disabledDeviceCount: number }>;
  /** Number of identities with a live session. */
  connectedCount(): number;
  /** The device's parent (the gateway whose scope it is in), synchronously; undefined when none or unknown. */
  parentOf(deviceId: string): string | undefined;
}

export interface AuthService {
  /**
   * Verifies a SAS token (`SharedAccessSignature sr=…&sig=…&se=…[&skn=…]`).
   * Device and module tokens yield a `device` principal; policy tokens a `policy` principal.
   * Errors: FH_AUTH_MALFORMED, FH_AUTH_EXPIRED, FH_AUTH_BAD_SIGNATURE, FH_AUTH_UNKNOWN_IDENTITY,
   * FH_AUTH_DISABLED, FH_AUTH_WRONG_METHOD.
   */
  verifySas(token: string): Promise<Principal>;
  /**
   * Verifies an X.509 client certificate for the identity. `selfSigned` identities: a thumbprint
   * (SHA-1 or SHA-256 hex) must match. `certificateAuthority` identities: the head must report that
   * TLS verified the chain against the hub CA (`chainVerified`) and, for a device, the subject CN
   * must be the device id; without that certificate information the identity is refused.
   */
  verifyX509(
    ref: IdentityRef,
    thumbprints: { sha1: string; sha256: string },
    certificate?: { chainVerified: boolean; subjectCn?: string },
  ): Promise<Principal>;
  /**
   * Checks that `principal` may act on `resource` (a path like `/devices/d1/messages/events` or
   * `/devices` or `/twins/d1`) with `permission`. Throws FH_AUTH_SCOPE or FH_AUTH_PERMISSION.
   * A device principal may act only on its own identity (DeviceConnect on itself).
   */
  authorize(principal: Principal, permission: Permission, resource: string): void;
  /** The hub's shared access policies. */
  policies(): AccessPolicy[];
}

export interface TwinPatch {
  tags?: unknown;
  properties?: { desired?: unknown };
}

export interface TwinService {
  get(ref: IdentityRef): Promise<Twin>;
  /** Service patch of tags and desired properties; notifies the device. ifMatch: etag or '*'. */
  patch(ref: IdentityRef, patch: TwinPatch, ifMatch?: string): Promise<Twin>;
  /** Service replace of tags and desired properties; the device is told the whole desired. */
  replace(ref: IdentityRef, twin: TwinPatch, ifMatch?: string): Promise<Twin>;
}

export interface MethodService {
  /**
   * Invokes a direct method. FH_METHOD_NOT_CONNECTED (404103) when the identity is not connected
   * with methods enabled within connectTimeoutS; FH_METHOD_TIMEOUT (504101) after responseTimeoutS.
   */
  invoke(
    ref: IdentityRef,
    request: { methodName: string; payload: JsonValue; responseTimeoutInSeconds?: number; connectTimeoutInSeconds?: number },
  ): Promise<MethodResult>;
  /**
   * True when `ref` has a live session that accepts direct methods now (MQTT subscription to
   * `$iothub/methods/POST/#`, AMQP method links, an in-process module): an invoke would reach it.
   * Changes are reported by the `methodsEnabledChanged` event.
   */
  isEnabled(ref: IdentityRef): boolean;
}

export interface C2dService {
  /** Enqueues a message for a device (durably). FH_REGISTRY_NOT_FOUND, FH_C2D_QUEUE_FULL, FH_MSG_TOO_LARGE. */
  send(deviceId: string, message: Message): Promise<void>;
  /** Pull model (HTTP): the next message, locked for c2dLockMs, or undefined. */
  receive(ref: IdentityRef): Promise<C2dDelivery | undefined>;
  complete(ref: IdentityRef, lockToken: string): Promise<void>;
  reject(ref: IdentityRef, lockToken: string): Promise<void>;
  abandon(ref: IdentityRef, lockToken: string): Promise<void>;
  /** Messages queued for the device (not yet completed). */
  queueDepth(deviceId: string): Promise<number>;
  /** Feedback records as they are produced (they are also queued in `serviceQueues.feedback`); returns an unsubscribe function. */
  onFeedback(listener: (record: FeedbackRecord) => void): () => void;
  /**
   * Enqueues a message (durably) for input `inputName` of a module (routes' BrokeredEndpoint
   * sink). Delivered through the module session's proxy `sendC2d` with `system.inputName` set,
   * settled like C2D. FH_REGISTRY_NOT_FOUND, FH_C2D_QUEUE_FULL, FH_MSG_TOO_LARGE.
   */
  sendToModuleInput(ref: { deviceId: string; moduleId: string }, inputName: string, message: Message): Promise<void>;
}

export interface TelemetryService {
  /** Resolves once durable. FH_MSG_TOO_LARGE, FH_THROTTLED. Owns `system`/`properties` as {@link DeviceSession.sendTelemetry} says. */
  append(ref: IdentityRef, message: Message): Promise<StoredTelemetry>;
  /** Stored messages with seq > afterSeq (default: from the oldest kept), optionally one device's. */
  read(options?: { afterSeq?: number; deviceId?: string; limit?: number }): AsyncIterableIterator<StoredTelemetry>;
  /** Called for each message after it is durable; returns an unsubscribe function. */
  onAppend(listener: (message: StoredTelemetry) => void): () => void;
  /**
   * The highest sequence number assigned so far (0 when none). A write that failed leaves its seq
   * unused, so readers may see gaps but never a reused number.
   */
  lastSeq(): number;
  /**
   * Installs (or, with undefined, removes) an admission check that runs before a message is
   * stored. It throws a HubError to refuse the message (for example FH_BACKLOG_FULL when the
   * gateway's upstream outbox is full and its policy is reject); the sender gets that error.
   */
  setAdmission(check: ((ref: IdentityRef, message: Message) => void) | undefined): void;
  /**
   * Keeps messages a reader has not processed yet past the retention: the sweep deletes no
   * message with seq >= `floor()` (the lowest over every holder) until it is older than
   * `limits.telemetryMaxHoldMs`. Route pipelines hold their checkpoint + 1. Returns the release.
   */
  holdRetention(floor: () => number): () => void;
}

export interface QueryResult {
  items: JsonObject[];
  /** Present only when more pages exist. */
  continuation?: string;
  itemType: 'Twin' | 'Raw';
}

export interface QueryService {
  /** IoT Hub query language over devices (twins): SELECT * FROM devices [WHERE …]. */
  query(sql: string, options?: { maxItemCount?: number; continuation?: string }): Promise<QueryResult>;
}

/** Events the core emits (typed map). */
export interface HubCoreEvents {
  deviceConnected: [ref: IdentityRef, protocol: string];
  deviceDisconnected: [ref: IdentityRef, protocol: string];
  /** A device or module was registered (durable); the gateway mirrors it upstream. */
  identityCreated: [ref: IdentityRef];
  /** A device or module was deleted (durable); a device's deletion also reports each of its modules. */
  identityDeleted: [ref: IdentityRef];
  /** A device wrote reported properties (durable): the applied patch and the new reported `$version`. */
  reportedUpdated: [ref: IdentityRef, patch: JsonObject, version: number];
  /**
   * Whether `ref` accepts direct methods changed (see {@link MethodService.isEnabled}): its
   * session turned methods on or off, or a session that had them on ended. The gateway keeps its
   * upstream method links attached only while this is true, as IoT Edge does.
   */
  methodsEnabledChanged: [ref: IdentityRef, enabled: boolean];
}

/** The assembled core. Create with `HubCore.create(options)` (hub.ts). */
export interface HubCoreApi {
  readonly hostName: string;
  readonly limits: HubLimits;
  readonly registry: RegistryService;
  readonly auth: AuthService;
  readonly twins: TwinService;
  readonly methods: MethodService;
  readonly c2d: C2dService;
  readonly telemetry: TelemetryService;
  readonly query: QueryService;
  readonly files: FileService;
  /** Feedback and file notifications kept for service receivers (wire contract E). */
  readonly serviceQueues: ServiceQueuesApi;
  /**
   * Attaches a connected identity. The principal must be a device principal for `ref`, or a policy
   * principal with DeviceConnect covering it. An existing session for the same identity is closed
   * first (a newer connection wins). FH_AUTH_DISABLED when the identity is disabled.
   */
  connect(ref: IdentityRef, principal: Principal, proxy: DeviceProxy, options?: ConnectOptions): Promise<DeviceSession>;
  on<E extends keyof HubCoreEvents>(event: E, listener: (...args: HubCoreEvents[E]) => void): this;
  off<E extends keyof HubCoreEvents>(event: E, listener: (...args: HubCoreEvents[E]) => void): this;
  close(): Promise<void>;
}
