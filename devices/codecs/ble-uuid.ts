/**
 * Bluetooth UUIDs: 16- and 32-bit SIG-assigned short forms expand onto the Bluetooth Base UUID
 * 0000xxxx-0000-1000-8000-00805F9B34FB ([Core Spec Vol 3 Part B 2.5.1]); BlueZ (and node-ble)
 * name services and characteristics by the 128-bit lowercase form.
 */

const BASE_SUFFIX = '-0000-1000-8000-00805f9b34fb';
const FULL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `181A` → `0000181a-0000-1000-8000-00805f9b34fb`; a 128-bit UUID is lowercased. TypeError on anything else. */
export function expandBleUuid(uuid: string): string {
  const u = uuid.trim().toLowerCase();
  if (/^[0-9a-f]{4}$/.test(u)) return `0000${u}${BASE_SUFFIX}`;
  if (/^[0-9a-f]{8}$/.test(u)) return `${u}${BASE_SUFFIX}`;
  if (FULL.test(u)) return u;
  throw new TypeError(`not a Bluetooth UUID: ${uuid}`);
}

/** True when two UUIDs (any form) name the same attribute. */
export function sameBleUuid(a: string, b: string): boolean {
  return expandBleUuid(a) === expandBleUuid(b);
}
