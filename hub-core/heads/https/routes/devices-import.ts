/**
 * Bulk registry operations: `POST /devices` with up to 100 entries (`Registry.addDevices`,
 * `updateDevices`, `removeDevices`). Each entry is applied on its own; failures are reported
 * per device and never abort the rest, as IoT Hub does.
 */
import type { HubCoreApi } from '../../../core/api.js';
import { HubError } from '../../../errors.js';
import { resolveError } from '../error-map.js';
import { asObject } from '../request-body.js';
import { ok, type RouteDef } from '../route.js';
import { toDeviceInput } from './registry-input.js';

/** Most entries one bulk request may carry (IoT Hub's limit). */
export const MAX_BULK_ENTRIES = 100;

type ImportMode = 'create' | 'update' | 'updateifmatchetag' | 'delete' | 'deleteifmatchetag';
const MODES: ReadonlySet<string> = new Set<ImportMode>(['create', 'update', 'updateifmatchetag', 'delete', 'deleteifmatchetag']);

/** One failed entry, as IoT Hub's DeviceRegistryOperationError. */
export interface BulkError {
  deviceId: string;
  errorCode: string;
  errorStatus: string;
}

/** The entry's etag: IoT Hub names it `eTag`, the SDK passes its Device's `etag`. */
function entryEtag(entry: Record<string, unknown>): string | undefined {
  const v = entry.eTag ?? entry.etag;
  if (typeof v !== 'string' || v === '') return undefined;
  return v.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

async function applyEntry(core: HubCoreApi, entry: Record<string, unknown>, mode: ImportMode, id: string): Promise<void> {
  const etag = entryEtag(entry);
  if ((mode === 'updateifmatchetag' || mode === 'deleteifmatchetag') && etag === undefined) {
    throw new HubError('FH_REGISTRY_INVALID', `importMode ${String(entry.importMode)} needs an eTag`);
  }
  switch (mode) {
    case 'create':
      await core.registry.createDevice(toDeviceInput({ ...entry, id: undefined }, id));
      return;
    case 'update':
      await core.registry.updateDevice(toDeviceInput({ ...entry, id: undefined }, id), '*');
      return;
    case 'updateifmatchetag':
      await core.registry.updateDevice(toDeviceInput({ ...entry, id: undefined }, id), etag);
      return;
    case 'delete':
      await core.registry.deleteDevice(id, '*');
      return;
    case 'deleteifmatchetag':
      await core.registry.deleteDevice(id, etag);
      return;
  }
}

/** `POST /devices` (bulk create/update/delete, RegistryWrite). */
export const deviceImportRoutes: RouteDef[] = [
  {
    method: 'POST', path: '/devices', auth: { anyOf: ['RegistryWrite'] },
    handler: async (ctx) => {
      const body = await ctx.json();
      if (!Array.isArray(body)) throw new HubError('FH_MSG_INVALID', 'the bulk request body must be a JSON array');
      if (body.length === 0 || body.length > MAX_BULK_ENTRIES) {
        throw new HubError('FH_MSG_INVALID', `a bulk request carries 1 to ${MAX_BULK_ENTRIES} entries, not ${body.length}`);
      }
      const errors: BulkError[] = [];
      // Sequential on purpose: entries may touch the same device, and order must be kept.
      for (const raw of body) {
        let id = '';
        try {
          const entry = asObject(raw, 'a bulk entry');
          const rawId = entry.id ?? entry.deviceId;
          if (typeof rawId !== 'string' || rawId === '') throw new HubError('FH_REGISTRY_INVALID', "a bulk entry needs an 'id'");
          id = rawId;
          const mode = String(entry.importMode ?? 'create').toLowerCase();
          if (!MODES.has(mode)) throw new HubError('FH_REGISTRY_INVALID', `unknown importMode '${String(entry.importMode)}'`);
          await applyEntry(ctx.core, entry, mode as ImportMode, id);
        } catch (err) {
          const resolved = resolveError(err);
          if (resolved.unexpected) ctx.logger.error({ err, deviceId: id }, 'bulk registry entry failed');
          errors.push({ deviceId: id, errorCode: resolved.name, errorStatus: resolved.message });
        }
      }
      return ok({ isSuccessful: errors.length === 0, errors, warnings: [] });
    },
  },
];
