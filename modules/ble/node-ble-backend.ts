/**
 * The BLE backend over BlueZ through node-ble 1.13 (D-Bus, system bus; `DBUS_SYSTEM_BUS_ADDRESS`
 * picks another bus). Two things shape it:
 *
 * - **One D-Bus connection per BLE connection.** node-ble subscribes to PropertiesChanged for every
 *   device and for every characteristic it walks (node-ble's BusHelper `usePropsEvents`), and
 *   dbus-next 0.10.2 never sends RemoveMatch (its `_removeMatch` refcount check has the
 *   `hasOwnProperty` arguments swapped), so each connect would leave a few match rules behind for
 *   good; the system bus allows 512 per connection, after which signals (notifications,
 *   disconnects) silently stop. Closing the D-Bus connection at the end of each session drops all
 *   of them, and BlueZ ends that client's notification sessions with it. The adapter connection
 *   (discovery) stays open and subscribes to nothing.
 * - **Every call is bounded** (errors.ts `withTimeout`): a call on a broken bus never settles.
 *
 * Names come from BlueZ's ObjectManager (one GetManagedObjects call) rather than per-device
 * node-ble objects, which would subscribe. Writes use write requests when the characteristic
 * allows them, else write commands (node-ble's default "reliable" write is a prepared-write
 * transaction many peripherals refuse).
 */
import nodeBle from 'node-ble';
import type { SeenPeripheral } from './allow-list.js';
import { normalizeAddress } from './allow-list.js';
import type { BleAdapter, BleBackend, BleBackendOptions, BleCharacteristic, BleLink } from './backend.js';
import { BleError, describeCause, toBleError, withTimeout } from './errors.js';

type NodeBleSession = ReturnType<typeof nodeBle.createBluetooth>;

/** The dbus-next MessageBus node-ble keeps on its Bluetooth object (`dbus`), as far as used here. */
interface BusLike {
  on(event: 'error', listener: (err: Error) => void): unknown;
  getProxyObject(name: string, path: string): Promise<{ getInterface(name: string): unknown }>;
}

interface Variant {
  value: unknown;
}

type ManagedObjects = Record<string, Record<string, Record<string, Variant>>>;

/** A node-ble session (one D-Bus connection) that never throws on bus errors and is closed once. */
class BusSession {
  readonly ble: NodeBleSession;
  /** Rejects with the first bus error (no such socket, connection lost), to fail calls at once rather than at their timeout. */
  readonly failed: Promise<never>;
  private closed = false;
  private readonly lostListeners: ((err: Error) => void)[] = [];

  constructor() {
    this.ble = nodeBle.createBluetooth();
    let fail!: (err: Error) => void;
    this.failed = new Promise<never>((_, reject) => (fail = reject));
    this.failed.catch(() => undefined);
    // Without a listener a broken bus ('error' event) would take the process down.
    this.bus()?.on('error', (err) => {
      if (this.closed) return;
      fail(err);
      for (const l of this.lostListeners.splice(0)) l(err);
    });
  }

  bus(): BusLike | undefined {
    return (this.ble.bluetooth as unknown as { dbus?: BusLike }).dbus;
  }

  onError(listener: (err: Error) => void): void {
    this.lostListeners.push(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.lostListeners.length = 0;
    try {
      this.ble.destroy();
    } catch {
      // already gone
    }
  }
}

export const nodeBleBackend: BleBackend = {
  async openAdapter(name, options) {
    const session = new BusSession();
    const bound = <T>(p: Promise<T>, what: string): Promise<T> =>
      withTimeout(Promise.race([p, session.failed.catch((err: Error) => {
        throw new BleError('FH_BLE_ADAPTER', `${what}: D-Bus system bus not reachable (${err.message})`, { cause: err });
      })]), options.callTimeoutMs, () => new BleError('FH_BLE_ADAPTER', `${what}: no answer from BlueZ within ${options.callTimeoutMs} ms (is bluetoothd running?)`));
    try {
      const names = await bound(session.ble.bluetooth.adapters(), 'listing adapters');
      if (names.length === 0) throw new BleError('FH_BLE_ADAPTER', 'BlueZ lists no Bluetooth adapter');
      const chosen = name ?? names[0]!;
      if (!names.includes(chosen)) throw new BleError('FH_BLE_ADAPTER', `adapter ${chosen} not found (BlueZ has ${names.join(', ')})`);
      const adapter = await bound(session.ble.bluetooth.getAdapter(chosen), `adapter ${chosen}`);
      if (!(await bound(adapter.isPowered(), `adapter ${chosen}`))) throw new BleError('FH_BLE_ADAPTER', `adapter ${chosen} is powered off`);
      return new NodeBleAdapter(session, adapter, chosen, options);
    } catch (err) {
      session.close();
      throw toBleError(err, 'FH_BLE_ADAPTER', `adapter ${name ?? '(default)'}`);
    }
  },
};

class NodeBleAdapter implements BleAdapter {
  private lost: ((err: BleError) => void) | undefined;
  private closed = false;

  constructor(
    private readonly session: BusSession,
    private readonly adapter: nodeBle.Adapter,
    readonly name: string,
    private readonly options: BleBackendOptions,
  ) {
    session.onError((err) => this.lost?.(new BleError('FH_BLE_ADAPTER', `D-Bus connection lost: ${err.message}`, { cause: err })));
  }

  private bound<T>(p: Promise<T>, what: string): Promise<T> {
    return withTimeout(p, this.options.callTimeoutMs, () => new BleError('FH_BLE_ADAPTER', `${this.name} ${what}: no answer within ${this.options.callTimeoutMs} ms`)).catch((err: unknown) => {
      throw toBleError(err, 'FH_BLE_ADAPTER', `${this.name} ${what}`);
    });
  }

  async ensureDiscovery(): Promise<void> {
    if (await this.bound(this.adapter.isDiscovering(), 'discovery state')) return;
    try {
      await this.bound(this.adapter.startDiscovery(), 'start discovery');
    } catch (err) {
      // Someone started it between our check and our call: fine.
      if (!describeCause(err).includes('already in progress')) throw err;
    }
  }

  async peripherals(): Promise<SeenPeripheral[]> {
    const bus = this.session.bus();
    if (bus === undefined) return (await this.bound(this.adapter.devices(), 'devices')).map((a) => ({ address: normalizeAddress(a) }));
    const read = async (): Promise<ManagedObjects> => {
      const root = await bus.getProxyObject('org.bluez', '/');
      const om = root.getInterface('org.freedesktop.DBus.ObjectManager') as { GetManagedObjects(): Promise<ManagedObjects> };
      return om.GetManagedObjects();
    };
    const objects = await this.bound(read(), 'managed objects');
    // The adapter went away (unplugged, bluetoothd restarted) or was switched off: say so, so that it is reopened.
    const self = objects[`/org/bluez/${this.name}`]?.['org.bluez.Adapter1'];
    if (self === undefined) throw new BleError('FH_BLE_ADAPTER', `adapter ${this.name} is gone`);
    if (self.Powered?.value === false) throw new BleError('FH_BLE_ADAPTER', `adapter ${this.name} is powered off`);
    const prefix = `/org/bluez/${this.name}/dev_`;
    const out: SeenPeripheral[] = [];
    for (const [path, ifaces] of Object.entries(objects)) {
      const dev = ifaces['org.bluez.Device1'];
      if (!path.startsWith(prefix) || path.indexOf('/', prefix.length) >= 0 || dev === undefined) continue;
      const address = dev.Address?.value;
      const name = dev.Name?.value;
      if (typeof address !== 'string') continue;
      out.push({ address: normalizeAddress(address), ...(typeof name === 'string' && name !== '' ? { name } : {}) });
    }
    return out;
  }

  connect(address: string, timeoutMs: number, signal?: AbortSignal): Promise<BleLink> {
    return NodeBleLink.open(this.name, normalizeAddress(address), timeoutMs, this.options, signal);
  }

  onLost(listener: (err: BleError) => void): void {
    this.lost = listener;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.lost = undefined;
    try {
      if (await this.bound(this.adapter.isDiscovering(), 'discovery state')) await this.bound(this.adapter.stopDiscovery(), 'stop discovery');
    } catch {
      // the adapter may be gone; BlueZ ends our discovery with the D-Bus connection anyway
    }
    this.session.close();
  }
}

class NodeBleLink implements BleLink {
  private lost: ((err: BleError) => void) | undefined;
  private droppedWith: BleError | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;

  private constructor(
    readonly address: string,
    private readonly session: BusSession,
    private readonly device: nodeBle.Device,
    private readonly chars: ReadonlyMap<string, BleCharacteristic>,
    private readonly options: BleBackendOptions,
  ) {
    device.on('disconnect', () => this.dropped(new BleError('FH_BLE_DISCONNECTED', `${address} disconnected`)));
    session.onError((err) => this.dropped(new BleError('FH_BLE_DISCONNECTED', `${address}: D-Bus connection lost: ${err.message}`, { cause: err })));
  }

  /** Connects on a fresh D-Bus connection and walks the GATT tree, all within `timeoutMs`. */
  static async open(adapterName: string, address: string, timeoutMs: number, options: BleBackendOptions, signal?: AbortSignal): Promise<NodeBleLink> {
    const session = new BusSession();
    let device: nodeBle.Device | undefined;
    let gaveUp = false;
    const attempt = async (): Promise<NodeBleLink> => {
      const adapter = await session.ble.bluetooth.getAdapter(adapterName);
      try {
        device = await adapter.getDevice(address);
      } catch (err) {
        throw new BleError('FH_BLE_CONNECT', `${address} is not known to BlueZ on ${adapterName} (out of range, or not discovered yet)`, { cause: err });
      }
      let droppedEarly = false;
      device.on('disconnect', () => (droppedEarly = true));
      await device.connect();
      if (gaveUp) throw new BleError('FH_BLE_CONNECT', `${address} connected after the deadline`);
      const gatt = await device.gatt();
      const chars = new Map<string, BleCharacteristic>();
      for (const su of await gatt.services()) {
        const service = await gatt.getPrimaryService(su);
        for (const cu of await service.characteristics()) {
          const ch = await service.getCharacteristic(cu);
          const flags = await ch.getFlags();
          chars.set(charKey(su, cu), new NodeBleCharacteristic(address, cu.toLowerCase(), flags, ch, options));
        }
      }
      // The link registers its own listener synchronously from here on: no drop goes unseen.
      if (droppedEarly) throw new BleError('FH_BLE_CONNECT', `${address} disconnected while its services were resolved`);
      return new NodeBleLink(address, session, device, chars, options);
    };
    const attempting = attempt();
    try {
      return await withTimeout(attempting, timeoutMs, () => new BleError('FH_BLE_CONNECT', `${address}: not connected with services resolved within ${timeoutMs} ms`),
        signal !== undefined ? { signal, error: () => new BleError('FH_BLE_CONNECT', `${address}: connect cancelled`) } : undefined);
    } catch (err) {
      gaveUp = true;
      // Let a call in flight settle (bounded), so that a connection it still makes is undone rather than left
      // behind holding a slot; Disconnect also aborts a pending LE connect in BlueZ. Then drop the bus connection.
      await withTimeout(attempting, options.callTimeoutMs, () => new Error('still connecting')).catch(() => undefined);
      if (device !== undefined) await withTimeout(device.disconnect(), options.callTimeoutMs, () => new Error('disconnect timed out')).catch(() => undefined);
      session.close();
      throw toBleError(err, 'FH_BLE_CONNECT', `connect ${address}`);
    }
  }

  characteristic(service: string, characteristic: string): BleCharacteristic | undefined {
    return this.chars.get(charKey(service, characteristic));
  }

  onLost(listener: (err: BleError) => void): void {
    // Dropped between connecting and this call: tell at once.
    if (this.droppedWith !== undefined) queueMicrotask(() => listener(this.droppedWith!));
    else this.lost = listener;
  }

  private dropped(err: BleError): void {
    if (this.closing || this.droppedWith !== undefined) return;
    this.droppedWith = err;
    const l = this.lost;
    this.lost = undefined;
    l?.(err);
  }

  close(): Promise<void> {
    this.closing = true;
    this.closed ??= (async () => {
      // NotConnected when the peripheral went first: nothing to undo.
      await withTimeout(this.device.disconnect(), this.options.callTimeoutMs, () => new Error('disconnect timed out')).catch(() => undefined);
      this.session.close();
    })();
    return this.closed;
  }
}

function charKey(service: string, characteristic: string): string {
  return `${service.toLowerCase()}/${characteristic.toLowerCase()}`;
}

class NodeBleCharacteristic implements BleCharacteristic {
  constructor(
    private readonly address: string,
    readonly uuid: string,
    readonly flags: readonly string[],
    private readonly ch: nodeBle.GattCharacteristic,
    private readonly options: BleBackendOptions,
  ) {}

  private async gatt<T>(op: string, p: Promise<T>): Promise<T> {
    const ms = this.options.gattTimeoutMs;
    try {
      return await withTimeout(p, ms, () => new BleError('FH_BLE_TIMEOUT', `${this.address} ${op} ${this.uuid}: no answer within ${ms} ms`));
    } catch (err) {
      throw toBleError(err, 'FH_BLE_GATT', `${this.address} ${op} ${this.uuid}`);
    }
  }

  async read(): Promise<Uint8Array> {
    return new Uint8Array(await this.gatt('read', this.ch.readValue()));
  }

  write(value: Uint8Array): Promise<void> {
    const type = this.flags.includes('write') || !this.flags.includes('write-without-response') ? 'request' : 'command';
    return this.gatt('write', this.ch.writeValue(Buffer.from(value), { offset: 0, type }));
  }

  subscribe(listener: (value: Uint8Array) => void): Promise<void> {
    this.ch.on('valuechanged', (buf: Buffer) => listener(new Uint8Array(buf)));
    return this.gatt('subscribe', this.ch.startNotifications());
  }
}
