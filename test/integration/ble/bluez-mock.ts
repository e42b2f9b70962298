/**
 * The BLE tests' real peer: a private D-Bus daemon (system-bus type, its own socket under
 * test/.tmp/ble/) with python-dbusmock running bluez_gatt_mock.py as `org.bluez`
 * (test-peers.md section 4). node-ble finds it through DBUS_SYSTEM_BUS_ADDRESS, which
 * {@link BlueZMock.useAsSystemBus} sets for this test process; the test drives the mock over its
 * own dbus-next connection (org.bluez.Mock). Both processes are stopped by their own PIDs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import dbus from 'dbus-next';
import { expandBleUuid } from '../../../devices/codecs/ble-uuid.js';

const here = dirname(fileURLToPath(import.meta.url));
export const TEMPLATE = join(here, 'bluez_gatt_mock.py');
export const PYTHON = '/usr/bin/python3';
export const INSTALL_HINT = 'apt-get install dbus python3-dbus python3-dbusmock';

/** Throws with the install hint unless dbus-daemon and Debian's python3-dbus and python3-dbusmock are present. */
export function requireBlePeers(): void {
  const missing: string[] = [];
  if (spawnSync('dbus-daemon', ['--version'], { stdio: 'ignore' }).status !== 0) missing.push('dbus-daemon');
  if (!existsSync(PYTHON)) missing.push(PYTHON);
  else for (const mod of ['dbus', 'dbusmock']) if (spawnSync(PYTHON, ['-c', `import ${mod}`], { stdio: 'ignore' }).status !== 0) missing.push(`python module ${mod}`);
  if (missing.length > 0) throw new Error(`BLE test peers missing (${missing.join(', ')}): ${INSTALL_HINT}`);
}

/** A characteristic of a mock peripheral (UUIDs in any form). */
export interface MockChar {
  uuid: string;
  flags: string[];
  value?: number[];
}

export interface MockService {
  uuid: string;
  chars: MockChar[];
}

export interface ConnectedChange {
  seq: number;
  address: string;
  connected: boolean;
  at: number;
}

export interface MockDeviceStats {
  present: boolean;
  connected: boolean;
  connectAttempts: number;
  chars: Record<string, { reads: number; notifyStarts: number; notifying: boolean }>;
}

interface MockIface {
  AddGattDevice(adapter: string, address: string, name: string, services: string): Promise<string>;
  AddScanningAdapter(name: string, alias: string): Promise<string>;
  SetValue(address: string, uuid: string, value: Buffer): Promise<boolean>;
  DropConnection(address: string): Promise<boolean>;
  SetConnectFails(address: string, fails: boolean): Promise<void>;
  SetFailing(address: string, uuid: string, op: string, fails: boolean): Promise<void>;
  GetHistory(): Promise<string>;
  GetWrites(address: string, uuid: string): Promise<string>;
  GetStats(): Promise<string>;
}

let counter = 0;

async function until(check: () => boolean | Promise<boolean>, what: () => string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(child.pid, 'SIGTERM');
  await exited;
}

export class BlueZMock {
  private constructor(
    /** The private bus's address (`unix:path=…`). */
    readonly busAddress: string,
    private readonly dir: string,
    private readonly daemon: ChildProcess,
    private readonly python: ChildProcess,
    private readonly bus: dbus.MessageBus,
    private readonly mock: MockIface,
    private readonly stats: { GetAllMatchRules(): Promise<Record<string, string[]>> },
  ) {}

  /** Starts the bus and the mock with `adapters` (default hci0) and waits until org.bluez answers. */
  static async start(options: { adapters?: string[] } = {}): Promise<BlueZMock> {
    requireBlePeers();
    const dir = resolve(here, '..', '..', '.tmp', 'ble', `bus-${process.pid}-${++counter}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const socket = join(dir, 'bus.sock');
    writeFileSync(join(dir, 'bus.conf'), `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <keep_umask/>
  <listen>unix:path=${socket}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`);
    const busAddress = `unix:path=${socket}`;
    // stderr "Failed to set fd limit" is harmless (test-peers.md).
    const daemon = spawn('dbus-daemon', [`--config-file=${join(dir, 'bus.conf')}`, '--nofork', '--print-address=1'], { stdio: ['ignore', 'ignore', 'ignore'] });
    let python: ChildProcess | undefined;
    let bus: dbus.MessageBus | undefined;
    try {
      await until(() => existsSync(socket) || daemon.exitCode !== null, () => 'the private D-Bus socket');
      if (daemon.exitCode !== null) throw new Error(`dbus-daemon exited with ${daemon.exitCode}`);
      const log = join(dir, 'mock.log');
      python = spawn(PYTHON, ['-m', 'dbusmock', '--system', '-t', TEMPLATE, '-p', JSON.stringify({ adapters: options.adapters ?? ['hci0'] }), '-l', log], {
        env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: busAddress },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      python.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      bus = dbus.sessionBus({ busAddress });
      const control = bus;
      const dbusIface = (await control.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus')).getInterface('org.freedesktop.DBus') as unknown as { NameHasOwner(n: string): Promise<boolean> };
      const py = python;
      await until(async () => py.exitCode !== null || (await dbusIface.NameHasOwner('org.bluez')), () => `org.bluez on the private bus (mock stderr: ${stderr})`);
      if (python.exitCode !== null) throw new Error(`the BlueZ mock exited with ${python.exitCode}: ${stderr}`);
      const root = await bus.getProxyObject('org.bluez', '/');
      const mock = root.getInterface('org.bluez.Mock') as unknown as MockIface;
      const statsObj = await bus.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus');
      const stats = statsObj.getInterface('org.freedesktop.DBus.Debug.Stats') as unknown as { GetAllMatchRules(): Promise<Record<string, string[]>> };
      return new BlueZMock(busAddress, dir, daemon, python, bus, mock, stats);
    } catch (err) {
      bus?.disconnect();
      if (python !== undefined) await stopChild(python);
      await stopChild(daemon);
      throw err;
    }
  }

  /** Points node-ble (and anything else using the system bus) in this process at the private bus. */
  useAsSystemBus(): void {
    process.env.DBUS_SYSTEM_BUS_ADDRESS = this.busAddress;
  }

  /** Adds a peripheral; it shows up once the adapter discovers (or at once if it already does). */
  async addDevice(address: string, name: string, services: MockService[], adapter = 'hci0'): Promise<void> {
    const full = services.map((s) => ({ uuid: expandBleUuid(s.uuid), chars: s.chars.map((c) => ({ ...c, uuid: expandBleUuid(c.uuid) })) }));
    await this.mock.AddGattDevice(adapter, address, name, JSON.stringify(full));
  }

  async addAdapter(name: string): Promise<void> {
    await this.mock.AddScanningAdapter(name, 'fieldhub-mock');
  }

  /** Sets a characteristic's value; true when that was a notification (the characteristic was notifying). */
  setValue(address: string, charUuid: string, bytes: number[]): Promise<boolean> {
    return this.mock.SetValue(address, expandBleUuid(charUuid), Buffer.from(bytes));
  }

  /** The peripheral drops the link (no Disconnect from the client); false when it was not connected. */
  drop(address: string): Promise<boolean> {
    return this.mock.DropConnection(address);
  }

  setConnectFails(address: string, fails: boolean): Promise<void> {
    return this.mock.SetConnectFails(address, fails);
  }

  /** Makes a characteristic's `read`, `write` or `notify` fail with an ATT error (org.bluez.Error.Failed), or work again. */
  setFailing(address: string, charUuid: string, op: 'read' | 'write' | 'notify', fails: boolean): Promise<void> {
    return this.mock.SetFailing(address, expandBleUuid(charUuid), op, fails);
  }

  /** Every change of a device's Connected property, in order. */
  async history(): Promise<ConnectedChange[]> {
    return JSON.parse(await this.mock.GetHistory()) as ConnectedChange[];
  }

  /** The values written to a characteristic (hex) and the write type (`request`, `command`). */
  async writes(address: string, charUuid: string): Promise<{ hex: string; type: string }[]> {
    return JSON.parse(await this.mock.GetWrites(address, expandBleUuid(charUuid))) as { hex: string; type: string }[];
  }

  async deviceStats(): Promise<Record<string, MockDeviceStats>> {
    return JSON.parse(await this.mock.GetStats()) as Record<string, MockDeviceStats>;
  }

  /** Match rules (signal subscriptions) held on the bus by all connections. */
  async matchRules(): Promise<number> {
    const all = await this.stats.GetAllMatchRules();
    return Object.values(all).reduce((n, rules) => n + rules.length, 0);
  }

  /** The mock's method-call log (for failure messages). */
  log(): string {
    const file = join(this.dir, 'mock.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  async stop(): Promise<void> {
    this.bus.disconnect();
    await stopChild(this.python);
    await stopChild(this.daemon);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Most devices connected at the same time, from the Connected history. */
export function maxConcurrent(history: readonly ConnectedChange[]): number {
  const connected = new Set<string>();
  let max = 0;
  for (const h of history) {
    if (h.connected) connected.add(h.address);
    else connected.delete(h.address);
    max = Math.max(max, connected.size);
  }
  return max;
}
