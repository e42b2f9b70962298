/**
 * The module's view of the Bluetooth stack: an adapter that discovers and connects, a link (one
 * connection) with its GATT characteristics. node-ble-backend.ts implements it over BlueZ; unit
 * tests give the module a fake. Every method is bounded in time and fails with a coded
 * {@link BleError}: FH_BLE_ADAPTER, FH_BLE_CONNECT, FH_BLE_GATT, FH_BLE_TIMEOUT.
 */
import type { SeenPeripheral } from './allow-list.js';
import type { BleError } from './errors.js';

export interface BleBackendOptions {
  /** Bound on plain D-Bus calls (properties, discovery, disconnect), ms. */
  readonly callTimeoutMs: number;
  /** Bound on one GATT read, write or subscribe, ms. */
  readonly gattTimeoutMs: number;
}

/** Opens adapters. */
export interface BleBackend {
  /** The adapter `name`, or the first one BlueZ lists. FH_BLE_ADAPTER when missing or powered off. */
  openAdapter(name: string | undefined, options: BleBackendOptions): Promise<BleAdapter>;
}

export interface BleAdapter {
  /** `hci0`. */
  readonly name: string;
  /** Starts discovery unless it runs already. FH_BLE_ADAPTER on failure. */
  ensureDiscovery(): Promise<void>;
  /** Peripherals the adapter knows now (discovered or cached). FH_BLE_ADAPTER on failure. */
  peripherals(): Promise<SeenPeripheral[]>;
  /**
   * Connects to `address` and resolves its services. FH_BLE_CONNECT on failure, after
   * `timeoutMs`, or when `signal` aborts (a connection made after that is dropped again before
   * the promise settles).
   */
  connect(address: string, timeoutMs: number, signal?: AbortSignal): Promise<BleLink>;
  /** `listener` runs once if the adapter or its bus connection goes away. */
  onLost(listener: (err: BleError) => void): void;
  /** Stops our discovery and lets the adapter go. Idempotent. */
  close(): Promise<void>;
}

/** One connection to a peripheral. */
export interface BleLink {
  readonly address: string;
  /** The characteristic (UUIDs in 128-bit lowercase form), or undefined when the device has none such. */
  characteristic(service: string, characteristic: string): BleCharacteristic | undefined;
  /** `listener` runs once if the connection drops without {@link close} (FH_BLE_DISCONNECTED). */
  onLost(listener: (err: BleError) => void): void;
  /** Disconnects and releases the connection's resources. Idempotent; never throws. */
  close(): Promise<void>;
}

export interface BleCharacteristic {
  readonly uuid: string;
  /** GATT properties as BlueZ names them: `read`, `write`, `write-without-response`, `notify`, `indicate`, … */
  readonly flags: readonly string[];
  /** FH_BLE_GATT, FH_BLE_TIMEOUT. */
  read(): Promise<Uint8Array>;
  /** Write request when the characteristic allows it, else write command. FH_BLE_GATT, FH_BLE_TIMEOUT. */
  write(value: Uint8Array): Promise<void>;
  /** Starts notifications (or indications); `listener` gets each value. FH_BLE_GATT, FH_BLE_TIMEOUT. */
  subscribe(listener: (value: Uint8Array) => void): Promise<void>;
}
