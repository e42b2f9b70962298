/**
 * Which discovered peripherals count, and which configured device each one is (pure). A
 * peripheral is admitted when its address is in `allow.addresses` or a configured device's
 * `address`, or its name matches an `allow.names` pattern; with both allow-lists empty every
 * peripheral is admitted. Anything else is ignored: never connected, never reported. A configured
 * device binds to the first admitted peripheral that matches its `address` and/or `name` and no
 * other device holds; a binding is kept for the module's life (a sensor that stops advertising
 * keeps its identity).
 */
import type { BleAllowList, BleDeviceConfig } from './manifest.js';

/** A peripheral as discovery lists it. */
export interface SeenPeripheral {
  /** Upper case `AA:BB:CC:DD:EE:FF`. */
  readonly address: string;
  /** Advertised name (or BlueZ's alias), if any. */
  readonly name?: string;
}

/** `aa:bb:…` → `AA:BB:…`. */
export function normalizeAddress(address: string): string {
  return address.trim().toUpperCase();
}

/** True when `name` matches `pattern`: equal, or starting with the part before a trailing `*`. */
export function nameMatches(pattern: string, name: string | undefined): boolean {
  if (name === undefined) return false;
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

export class AllowList {
  private readonly addresses: ReadonlySet<string>;
  private readonly open: boolean;

  constructor(private readonly allow: BleAllowList, devices: readonly BleDeviceConfig[]) {
    this.open = allow.addresses.length === 0 && allow.names.length === 0;
    this.addresses = new Set([...allow.addresses, ...devices.flatMap((d) => (d.address !== undefined ? [d.address] : []))].map(normalizeAddress));
  }

  /** True when the peripheral counts. */
  admits(p: SeenPeripheral): boolean {
    return this.open || this.addresses.has(normalizeAddress(p.address)) || this.allow.names.some((n) => nameMatches(n, p.name));
  }
}

/** True when the peripheral is the configured device (address and name, as far as given). */
export function matchesDevice(config: BleDeviceConfig, p: SeenPeripheral): boolean {
  if (config.address !== undefined && normalizeAddress(config.address) !== normalizeAddress(p.address)) return false;
  if (config.name !== undefined && !nameMatches(config.name, p.name)) return false;
  return true;
}

/**
 * New bindings for the devices not bound yet (index into `devices` → peripheral), in config order.
 * `taken` holds the addresses bound already.
 */
export function bindDevices(
  devices: readonly BleDeviceConfig[],
  unbound: ReadonlySet<number>,
  seen: readonly SeenPeripheral[],
  allow: AllowList,
  taken: ReadonlySet<string>,
): Map<number, SeenPeripheral> {
  const used = new Set(taken);
  const out = new Map<number, SeenPeripheral>();
  devices.forEach((config, i) => {
    if (!unbound.has(i)) return;
    const match = seen.find((p) => !used.has(normalizeAddress(p.address)) && allow.admits(p) && matchesDevice(config, p));
    if (match === undefined) return;
    used.add(normalizeAddress(match.address));
    out.set(i, match);
  });
  return out;
}
