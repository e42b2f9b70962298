/**
 * Turning registry request bodies into core inputs. Clients send whole documents (the SDK's
 * `update` sends back what `get` returned, read-only fields included); only the writable
 * fields are taken, as IoT Hub does. Shape errors are FH_REGISTRY_INVALID (400); value rules
 * (id characters, key format) are the core's.
 */
import type { Authentication, DeviceInput, DeviceStatus, ModuleInput } from '../../../core/types.js';
import { HubError } from '../../../errors.js';
import { asObject } from '../request-body.js';

function invalid(message: string): HubError {
  return new HubError('FH_REGISTRY_INVALID', message);
}

function optionalString(body: Record<string, unknown>, key: string): string | null | undefined {
  const v = body[key];
  if (v === undefined || v === null || typeof v === 'string') return v;
  throw invalid(`'${key}' must be a string`);
}

function authentication(body: Record<string, unknown>): Partial<Authentication> | undefined {
  const v = body.authentication;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid("'authentication' must be an object");
  return v as Partial<Authentication>;
}

/** Checks that an id in the body, when present, names the same identity as the path. */
function sameId(body: Record<string, unknown>, key: string, fromPath: string): void {
  const v = body[key];
  if (v !== undefined && v !== null && v !== fromPath) {
    throw invalid(`'${key}' in the body (${String(v)}) does not match the path (${fromPath})`);
  }
}

/**
 * A device description from a PUT body (or a bulk import entry, whose id is in `id`).
 * `deviceId` comes from the path; a different one in the body is an error.
 */
export function toDeviceInput(raw: unknown, deviceId: string): DeviceInput {
  const body = asObject(raw);
  sameId(body, 'deviceId', deviceId);
  const input: DeviceInput = { deviceId };
  const status = body.status;
  if (status !== undefined && status !== null) {
    if (status !== 'enabled' && status !== 'disabled') throw invalid("'status' must be 'enabled' or 'disabled'");
    input.status = status as DeviceStatus;
  }
  const statusReason = optionalString(body, 'statusReason');
  if (statusReason !== undefined) input.statusReason = statusReason;
  const auth = authentication(body);
  if (auth !== undefined) input.authentication = auth;
  const caps = body.capabilities;
  if (caps !== undefined && caps !== null) {
    const iotEdge = asObject(caps, "'capabilities'").iotEdge;
    if (iotEdge !== undefined && typeof iotEdge !== 'boolean') throw invalid("'capabilities.iotEdge' must be a boolean");
    input.capabilities = iotEdge === undefined ? {} : { iotEdge };
  }
  const parentId = optionalString(body, 'parentId');
  if (parentId !== undefined && parentId !== null) input.parentId = parentId;
  return input;
}

/** A module description from a PUT body; ids come from the path. */
export function toModuleInput(raw: unknown, deviceId: string, moduleId: string): ModuleInput {
  const body = asObject(raw);
  sameId(body, 'deviceId', deviceId);
  sameId(body, 'moduleId', moduleId);
  const input: ModuleInput = { deviceId, moduleId };
  const managedBy = optionalString(body, 'managedBy');
  if (managedBy !== undefined) input.managedBy = managedBy;
  const auth = authentication(body);
  if (auth !== undefined) input.authentication = auth;
  return input;
}

/** `?top=` as a positive integer, or undefined when absent. */
export function parseTop(query: URLSearchParams): number | undefined {
  const raw = query.get('top');
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new HubError('FH_MSG_INVALID', "'top' must be a positive integer");
  return n;
}
