/**
 * One session: a device's turn on a connection slot. It connects (bounded by connectTimeoutMs),
 * subscribes to the notify characteristics, then loops: queued writes first, then the reads that
 * are due, then sleeps until the next read, a write, a release or a loss. It ends `released` when
 * the scheduler asks (its turn is over, the module stops) or, for a device without notify points,
 * when nothing is due within the dwell time (connect, read, disconnect); it ends `failed` when
 * connecting fails or the link drops (FH_BLE_CONNECT, FH_BLE_DISCONNECTED). A failed read,
 * subscribe, write or decode is recorded on the device (health) and the session goes on. The link is
 * always closed before the session reports its end, so a slot is free only once its connection is.
 */
import type { Clock } from '../../hub-core/core/api.js';
import type { Logger } from '../../runtime/modules/api.js';
import type { BleAdapter, BleLink } from './backend.js';
import type { BleDevice, PendingWrite } from './ble-device.js';
import type { CharGroup } from './device-plan.js';
import { BleError, errorJson, toBleError } from './errors.js';
import type { ScheduledSession, SessionOutcome } from './scheduler.js';
import { Waker } from './waker.js';

export interface SessionDeps {
  readonly device: BleDevice;
  /** The adapter now (undefined while it is down). */
  readonly adapter: () => BleAdapter | undefined;
  readonly connectTimeoutMs: number;
  readonly dwellMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The link is up (before subscribing and reading). */
  readonly onConnected?: () => void;
}

export function startSession(deps: SessionDeps): ScheduledSession {
  const waker = new Waker();
  const cancelConnect = new AbortController();
  let releasing = false;
  let lost: BleError | undefined;
  const { device, clock, logger } = deps;
  const address = device.binding?.address ?? '?';
  const log = { deviceId: device.deviceId, address };

  async function write(link: BleLink, w: PendingWrite): Promise<void> {
    const { service, characteristic } = w.point.ble;
    const ch = link.characteristic(service, characteristic);
    if (ch === undefined) {
      w.reject(new BleError('FH_BLE_GATT', `${device.deviceId} (${address}) has no characteristic ${characteristic} in service ${service}`));
      return;
    }
    try {
      await ch.write(w.bytes);
      w.resolve(device.written(w.point, w.bytes));
    } catch (err) {
      const e = toBleError(err, 'FH_BLE_GATT', `${device.deviceId} write ${w.point.name}`);
      device.recordError(e, `write:${w.point.name}`);
      w.reject(e);
    }
  }

  /** Reads `g`'s characteristic; undefined when it failed (recorded on the device). */
  async function read(link: BleLink, g: CharGroup): Promise<Uint8Array | undefined> {
    device.markRead(g, clock.now());
    const ch = link.characteristic(g.service, g.characteristic);
    if (ch === undefined) {
      device.recordError(new BleError('FH_BLE_GATT', `${device.deviceId} (${address}) has no characteristic ${g.characteristic} in service ${g.service}`), g.key);
      return undefined;
    }
    try {
      return await ch.read();
    } catch (err) {
      const e = toBleError(err, 'FH_BLE_GATT', `${device.deviceId} read`);
      if (!lost) logger.warn({ event: 'ble-read-failed', ...log, ...errorJson(e) }, 'BLE read failed');
      device.recordError(e, g.key);
      return undefined;
    }
  }

  async function subscribe(link: BleLink, g: CharGroup): Promise<void> {
    const ch = link.characteristic(g.service, g.characteristic);
    try {
      if (ch === undefined) throw new BleError('FH_BLE_GATT', `${device.deviceId} (${address}) has no characteristic ${g.characteristic} in service ${g.service}`);
      await ch.subscribe((bytes) => device.onValues([{ group: g, bytes }], 'notify'));
    } catch (err) {
      const e = toBleError(err, 'FH_BLE_GATT', `${device.deviceId} subscribe`);
      logger.warn({ event: 'ble-subscribe-failed', ...log, ...errorJson(e) }, 'BLE notifications not started');
      device.recordError(e, g.key);
    }
  }

  async function serve(link: BleLink): Promise<void> {
    for (const g of device.plan.notifies) {
      if (releasing || lost) break;
      await subscribe(link, g);
    }
    for (;;) {
      if (lost) throw lost;
      if (releasing) return;
      // Writes left when the link drops stay queued for the next session (within their deadline).
      for (let w = lost ? undefined : device.takeWrite(); w !== undefined; w = lost ? undefined : device.takeWrite()) await write(link, w);
      const round: { group: CharGroup; bytes: Uint8Array }[] = [];
      for (const group of device.dueReads(clock.now())) {
        if (lost || releasing) break;
        const bytes = await read(link, group);
        if (bytes !== undefined) round.push({ group, bytes });
      }
      device.onValues(round, 'read');
      if (lost) throw lost;
      const wait = device.nextReadAt() - clock.now();
      // Nothing to listen to and nothing due soon: give the slot back (connect, read, disconnect).
      if (device.plan.notifies.length === 0 && !device.hasWrites() && wait > deps.dwellMs) return;
      if (!device.hasWrites()) await waker.sleep(clock, wait);
    }
  }

  async function run(): Promise<SessionOutcome> {
    const adapter = deps.adapter();
    if (adapter === undefined || device.binding === undefined) {
      return { kind: 'failed', error: new BleError('FH_BLE_ADAPTER', 'no adapter'), connected: false };
    }
    let link: BleLink | undefined;
    try {
      link = await adapter.connect(address, deps.connectTimeoutMs, cancelConnect.signal);
    } catch (err) {
      if (releasing) return { kind: 'released' };
      const e = toBleError(err, 'FH_BLE_CONNECT', `connect ${address}`);
      logger.warn({ event: 'ble-connect-failed', ...log, ...errorJson(e) }, 'BLE connect failed');
      device.recordError(e, 'link');
      return { kind: 'failed', error: e, connected: false };
    }
    link.onLost((err) => {
      lost = err;
      waker.wake();
    });
    device.attach(() => waker.wake());
    deps.onConnected?.();
    logger.info({ event: 'ble-connected', ...log }, 'BLE device connected');
    try {
      await serve(link);
      return { kind: 'released' };
    } catch (err) {
      const e = toBleError(err, 'FH_BLE_DISCONNECTED', `${device.deviceId}`);
      logger.warn({ event: 'ble-disconnected', ...log, ...errorJson(e) }, 'BLE device lost its connection');
      device.recordError(e, 'link');
      return { kind: 'failed', error: e, connected: true };
    } finally {
      device.detach();
      await link.close();
      logger.debug({ event: 'ble-session-end', ...log }, 'BLE session ended');
    }
  }

  return {
    done: run(),
    release: () => {
      releasing = true;
      cancelConnect.abort();
      waker.wake();
    },
  };
}
