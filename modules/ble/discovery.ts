/**
 * The adapter and discovery loop: opens the adapter (FH_BLE_ADAPTER while it is missing, retried
 * with the `reconnect` backoff), keeps discovery running, and every `intervalMs` hands the
 * peripherals the adapter knows to `onSeen`. An adapter that fails (a call errors, the bus breaks)
 * is closed and reopened the same way; `onAdapter` tells the module when it comes and goes (the
 * scheduler pauses meanwhile).
 */
import type { Clock } from '../../hub-core/core/api.js';
import type { Logger } from '../../runtime/modules/api.js';
import type { SeenPeripheral } from './allow-list.js';
import type { BleAdapter, BleBackend, BleBackendOptions } from './backend.js';
import { BleError, errorJson, toBleError } from './errors.js';
import { backoffDelay } from './scheduler.js';
import { Waker } from './waker.js';

export interface DiscoveryOptions {
  readonly backend: BleBackend;
  /** Default: the first adapter. */
  readonly adapterName?: string;
  readonly backendOptions: BleBackendOptions;
  readonly intervalMs: number;
  readonly reconnect: { readonly minDelayMs: number; readonly maxDelayMs: number };
  readonly clock: Clock;
  readonly logger: Logger;
  onAdapter(up: boolean): void;
  onSeen(peripherals: readonly SeenPeripheral[]): void;
}

export type AdapterState = 'opening' | 'up' | 'down';

export class AdapterDiscovery {
  adapter: BleAdapter | undefined;
  state: AdapterState = 'opening';
  error: BleError | undefined;
  /** Consecutive failures to open or use the adapter. */
  failures = 0;
  private stopped = false;
  private readonly waker = new Waker();
  private loop: Promise<void> | undefined;
  private lostError: BleError | undefined;

  constructor(private readonly o: DiscoveryOptions) {}

  /** The adapter's name once known (or the configured one). */
  get adapterName(): string | undefined {
    return this.adapter?.name ?? this.o.adapterName;
  }

  /** Starts the loop; resolves after the first round (adapter opened and listed, or failed once). */
  start(): Promise<void> {
    let first!: () => void;
    const firstRound = new Promise<void>((resolve) => (first = resolve));
    this.loop = this.run(first);
    return firstRound;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.waker.wake();
    await this.loop;
    await this.adapter?.close();
    this.adapter = undefined;
  }

  private async run(firstRoundDone: () => void): Promise<void> {
    while (!this.stopped) {
      const ok = await this.round();
      firstRoundDone();
      if (this.stopped) break;
      const delay = ok ? this.o.intervalMs : backoffDelay(this.failures, this.o.reconnect.minDelayMs, this.o.reconnect.maxDelayMs, Math.random());
      await this.waker.sleep(this.o.clock, delay);
    }
  }

  /** One look: open if needed, keep discovering, list. False when the adapter failed. */
  private async round(): Promise<boolean> {
    try {
      if (this.adapter === undefined) await this.open();
      const adapter = this.adapter!;
      if (this.lostError !== undefined) throw this.lostError;
      await adapter.ensureDiscovery();
      const seen = await adapter.peripherals();
      if (this.stopped) return true;
      this.failures = 0;
      this.o.onSeen(seen);
      return true;
    } catch (err) {
      if (this.stopped) return false;
      await this.down(toBleError(err, 'FH_BLE_ADAPTER', `adapter ${this.adapterName ?? '(default)'}`));
      return false;
    }
  }

  private async open(): Promise<void> {
    const adapter = await this.o.backend.openAdapter(this.o.adapterName, this.o.backendOptions);
    if (this.stopped) {
      await adapter.close();
      throw new BleError('FH_BLE_ADAPTER', 'stopping');
    }
    this.lostError = undefined;
    adapter.onLost((err) => {
      this.lostError = err;
      this.waker.wake();
    });
    this.adapter = adapter;
    const wasDown = this.state === 'down';
    this.state = 'up';
    this.error = undefined;
    this.o.logger.info({ event: 'ble-adapter-up', adapter: adapter.name, after: wasDown ? 'recovered' : 'start' }, 'Bluetooth adapter ready');
    this.o.onAdapter(true);
  }

  private async down(err: BleError): Promise<void> {
    const adapter = this.adapter;
    this.adapter = undefined;
    this.lostError = undefined;
    if (adapter !== undefined) await adapter.close();
    this.failures++;
    this.error = err;
    const was = this.state;
    this.state = 'down';
    if (was !== 'down') this.o.logger.warn({ event: 'ble-adapter-down', adapter: this.adapterName, ...errorJson(err) }, 'Bluetooth adapter unavailable');
    this.o.onAdapter(false);
  }
}
