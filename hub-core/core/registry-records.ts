/**
 * The persisted shape of devices and modules, and their conversion to the IoT Hub JSON the service
 * API returns (contract E). Connection fields come from {@link Presence}, not from the store.
 */
import { randomBytes } from 'node:crypto';
import type { Presence } from './presence.js';
import type { Authentication, Device, DeviceStatus, Module } from './types.js';

/** A device as stored in the `devices` sublevel (key: deviceId). */
export interface DeviceRecord {
  deviceId: string;
  generationId: string;
  /** Bumped on every update; the etag is derived from it. */
  etagSeq: number;
  status: DeviceStatus;
  statusReason: string | null;
  statusUpdatedTime: string;
  authentication: Authentication;
  capabilities: { iotEdge: boolean };
  parentId?: string;
}

/** A module as stored in the `modules` sublevel (key: `deviceId/moduleId`). */
export interface ModuleRecord {
  deviceId: string;
  moduleId: string;
  managedBy: string | null;
  generationId: string;
  etagSeq: number;
  authentication: Authentication;
}

/**
 * The etag of the n-th version of a record: Base64 of the decimal counter, as Azure does for
 * devices (`MA==` is version 0). Opaque to callers; compared after stripping quotes.
 */
export function recordEtag(etagSeq: number): string {
  return Buffer.from(String(etagSeq)).toString('base64');
}

/** Strips the quotes HTTP clients put around etags (`"*"`, `"MA=="`). */
export function unquoteEtag(etag: string): string {
  return etag.length >= 2 && etag.startsWith('"') && etag.endsWith('"') ? etag.slice(1, -1) : etag;
}

/** True when `ifMatch` (undefined, '*' or an etag, quoted or not) allows writing `current`. */
export function etagMatches(ifMatch: string | undefined, current: string): boolean {
  if (ifMatch === undefined) return true;
  const wanted = unquoteEtag(ifMatch.trim());
  return wanted === '*' || wanted === current;
}

/** Random generation id: a new one per create, so a re-created device is told apart. */
export function newGenerationId(): string {
  // IoT Hub uses 18 decimal digits; any unique opaque string will do.
  return (randomBytes(8).readBigUInt64BE() % 10n ** 18n).toString().padStart(18, '6');
}

/** The service view of a device. */
export function deviceJson(record: DeviceRecord, presence: Presence, c2dCount: number): Device {
  const view = presence.view(record);
  const device: Device = {
    deviceId: record.deviceId,
    generationId: record.generationId,
    etag: recordEtag(record.etagSeq),
    connectionState: view.connectionState,
    status: record.status,
    statusReason: record.statusReason,
    connectionStateUpdatedTime: view.connectionStateUpdatedTime,
    statusUpdatedTime: record.statusUpdatedTime,
    lastActivityTime: view.lastActivityTime,
    cloudToDeviceMessageCount: c2dCount,
    authentication: structuredClone(record.authentication),
    capabilities: { ...record.capabilities },
  };
  if (record.parentId !== undefined) device.parentId = record.parentId;
  return device;
}

/** The service view of a module. Modules receive no C2D messages, so their count is 0. */
export function moduleJson(record: ModuleRecord, presence: Presence): Module {
  const view = presence.view(record);
  return {
    moduleId: record.moduleId,
    deviceId: record.deviceId,
    managedBy: record.managedBy,
    generationId: record.generationId,
    etag: recordEtag(record.etagSeq),
    connectionState: view.connectionState,
    connectionStateUpdatedTime: view.connectionStateUpdatedTime,
    lastActivityTime: view.lastActivityTime,
    cloudToDeviceMessageCount: 0,
    authentication: structuredClone(record.authentication),
  };
}
