/**
 * Data types shared by the hub core, its heads, the runtime and the upstream link.
 * The shapes follow the Azure IoT Hub documents (see shared/docs/iothub-wire-contract.md, E and F)
 * so the service API can return them as they are.
 */

/** A device, or a module of a device. */
export interface IdentityRef {
  deviceId: string;
  moduleId?: string;
}

export type AuthType = 'sas' | 'selfSigned' | 'certificateAuthority' | 'none';
export type DeviceStatus = 'enabled' | 'disabled';
export type ConnectionState = 'Connected' | 'Disconnected';

export interface Authentication {
  type: AuthType;
  symmetricKey?: { primaryKey: string | null; secondaryKey: string | null };
  x509Thumbprint?: { primaryThumbprint: string | null; secondaryThumbprint: string | null };
}

/** The registry's record of a device, as the service API returns it. */
export interface Device {
  deviceId: string;
  generationId: string;
  etag: string;
  status: DeviceStatus;
  statusReason: string | null;
  statusUpdatedTime: string;
  connectionState: ConnectionState;
  connectionStateUpdatedTime: string;
  /** ISO time; "0001-01-01T00:00:00Z" means never. */
  lastActivityTime: string;
  cloudToDeviceMessageCount: number;
  authentication: Authentication;
  capabilities: { iotEdge: boolean };
  /** fieldhub: the gateway device that owns this leaf device (parent scope), if any. */
  parentId?: string;
}

/** The registry's record of a module. */
export interface Module {
  moduleId: string;
  deviceId: string;
  managedBy: string | null;
  generationId: string;
  etag: string;
  connectionState: ConnectionState;
  connectionStateUpdatedTime: string;
  lastActivityTime: string;
  cloudToDeviceMessageCount: number;
  authentication: Authentication;
}

/** What a caller may give when creating or updating a device. Missing keys are generated. */
export interface DeviceInput {
  deviceId: string;
  status?: DeviceStatus;
  statusReason?: string | null;
  authentication?: Partial<Authentication>;
  capabilities?: { iotEdge?: boolean };
  parentId?: string;
}

export interface ModuleInput {
  deviceId: string;
  moduleId: string;
  managedBy?: string | null;
  authentication?: Partial<Authentication>;
}

/** System properties of a message (all optional). */
export interface SystemProperties {
  messageId?: string;
  correlationId?: string;
  contentType?: string;
  contentEncoding?: string;
  to?: string;
  /** ISO time after which the message is dropped. */
  expiryTimeUtc?: string;
  userId?: string;
  /** ISO time the hub accepted it (set by the hub). */
  enqueuedTime?: string;
  connectionDeviceId?: string;
  connectionModuleId?: string;
  /** Module output name (`$.on`). */
  outputName?: string;
  /** Module input name, on messages delivered to a module input. */
  inputName?: string;
  interfaceId?: string;
  /** dt-subject, `$.sub`. */
  subject?: string;
  /** C2D only: none | positive | negative | full. */
  ack?: string;
}

/**
 * One message type for every head, the bus, the outbox and the upstream link.
 * `properties` are the application properties (string -> string).
 */
export interface Message {
  body: Uint8Array;
  system: SystemProperties;
  properties: Record<string, string>;
}

/** A telemetry message as stored: the message plus its hub sequence number. */
export interface StoredTelemetry {
  seq: number;
  deviceId: string;
  moduleId?: string;
  message: Message;
}

/** A JSON object as found in twin documents. */
export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A twin properties section (desired or reported) with `$version` and `$metadata`. */
export interface TwinProperties extends JsonObject {
  $version: number;
}

/** The full twin document, as the service API returns it. */
export interface Twin {
  deviceId: string;
  moduleId?: string;
  etag: string;
  deviceEtag: string;
  version: number;
  status: DeviceStatus;
  statusUpdateTime: string;
  connectionState: ConnectionState;
  lastActivityTime: string;
  cloudToDeviceMessageCount: number;
  authenticationType: AuthType;
  x509Thumbprint: { primaryThumbprint: string | null; secondaryThumbprint: string | null };
  modelId: string;
  capabilities?: { iotEdge: boolean };
  tags: JsonObject;
  properties: { desired: TwinProperties; reported: TwinProperties };
}

/** Result of a direct method call. */
export interface MethodResult {
  status: number;
  payload: JsonValue;
}

/** A direct method request as a device receives it. */
export interface MethodRequest {
  /** Request id the device echoes in its response. */
  rid: string;
  name: string;
  payload: JsonValue;
}

/** A cloud-to-device message handed to a device, with the lock token that settles it. */
export interface C2dDelivery {
  lockToken: string;
  /** Earlier deliveries that were not completed: 0 on the first delivery, 1 on the first redelivery. */
  deliveryCount: number;
  enqueuedTime: string;
  message: Message;
}

export type FeedbackStatus = 'Success' | 'Expired' | 'DeliveryCountExceeded' | 'Rejected' | 'Purged';

/** A delivery feedback record, as the service receives it. */
export interface FeedbackRecord {
  originalMessageId: string;
  enqueuedTimeUtc: string;
  statusCode: FeedbackStatus;
  description: string;
  deviceId: string;
  deviceGenerationId: string;
}

/** Hub-level shared access policy rights. */
export type Permission = 'RegistryRead' | 'RegistryWrite' | 'ServiceConnect' | 'DeviceConnect';

export interface AccessPolicy {
  keyName: string;
  primaryKey: string;
  secondaryKey: string;
  rights: Permission[];
}

/**
 * Who a request comes from, after authentication.
 * - `device`: a device or module identity (SAS or X.509), acting for itself.
 * - `policy`: a hub policy; `scope` is the resource URI (decoded sr) the token covers.
 */
export type Principal =
  | { kind: 'device'; deviceId: string; moduleId?: string; authType: AuthType; expiresAt?: number }
  | { kind: 'policy'; keyName: string; rights: Permission[]; scope: string; expiresAt: number };
