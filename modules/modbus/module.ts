/**
 * The modbus module (type `modbus`): one port arbiter per configured port that has devices, one
 * {@link ModbusDevice} per configured device (a hub identity polled by its profile), and the
 * module's health from both. Problems the config schema cannot see (an unknown port or profile, a
 * profile of another protocol, a duplicate device id, a point no request can hold) fail the start
 * with FH_CONFIG_INVALID and the JSON path; a port that cannot be opened does not: it is retried
 * in the background and shown in health.
 */
import { loadProfile } from '../../devices/loader.js';
import type { ModbusProfile } from '../../devices/profile.js';
import { RuntimeError } from '../../runtime/errors.js';
import type { FieldhubModule, ModuleContext } from '../../runtime/modules/api.js';
import { PortArbiter } from './arbiter.js';
import { checkModbusConfig } from './config-check.js';
import { interFrameGapMs } from './frame-timing.js';
import { deviceState, moduleHealth } from './health.js';
import type { ModbusConfig, PortConfig } from './manifest.js';
import { openRtu, openTcp } from './modbus-client.js';
import { ModbusDevice } from './modbus-device.js';
import { openSerialPort, type SerialFactory } from './rtu-port.js';

export interface ModbusModuleOptions {
  /** Opens serial devices (default: the `serialport` package). */
  readonly serialFactory?: SerialFactory;
}

const invalid = (path: string, message: string, cause?: unknown): RuntimeError =>
  new RuntimeError('FH_CONFIG_INVALID', `${path}: ${message}`, { problems: [`${path}: ${message}`], ...(cause !== undefined ? { cause } : {}) });

/** The inter-frame silence of a port, ms: t3.5 for RTU unless configured, none on TCP. */
export function portGapMs(port: PortConfig): number {
  return port.kind === 'rtu' ? (port.interFrameDelayMs ?? interFrameGapMs(port.baudRate)) : 0;
}

export class ModbusModule implements FieldhubModule {
  private readonly arbiters = new Map<string, PortArbiter>();
  private devices: ModbusDevice[] = [];
  private ctx: ModuleContext | undefined;
  private lastHealth = '';
  private healthAt = 0;

  constructor(private readonly options: ModbusModuleOptions = {}) {}

  async start(ctx: ModuleContext): Promise<void> {
    this.ctx = ctx;
    const config = ctx.config as ModbusConfig;
    const [first] = checkModbusConfig(config);
    if (first !== undefined) throw invalid(first.path, first.message);
    const profiles = this.loadProfiles(config);
    for (const name of new Set(config.devices.map((d) => d.port))) this.arbiters.set(name, this.arbiterFor(ctx, name, config.ports[name]!, config));
    this.devices = config.devices.map((d, i) => {
      try {
        return new ModbusDevice({
          config: d, profile: profiles.get(d.profile)!, arbiter: this.arbiters.get(d.port)!, coalesce: config.coalesce,
          ...(config.maxGap !== undefined ? { maxGap: config.maxGap } : {}),
          backoff: config.backoff, logger: ctx.logger.child({ deviceId: d.deviceId }), onStatus: () => this.updateHealth(),
        });
      } catch (err) {
        throw invalid(`/devices/${i}/profile`, (err as Error).message, err);
      }
    });
    for (const a of this.arbiters.values()) a.start();
    for (const d of this.devices) await d.start(ctx);
    this.updateHealth();
    ctx.logger.info({ event: 'modbus-started', ports: this.arbiters.size, devices: this.devices.length }, 'modbus module started');
  }

  /** Stops the schedules and closes the ports together: queued requests fail at once instead of waiting for the line. */
  async stop(): Promise<void> {
    const stopping = this.devices.map((d) => d.stop());
    await Promise.allSettled([...this.arbiters.values()].map((a) => a.close()));
    await Promise.allSettled(stopping);
  }

  private loadProfiles(config: ModbusConfig): Map<string, ModbusProfile> {
    const profiles = new Map<string, ModbusProfile>();
    config.devices.forEach((d, i) => {
      if (profiles.has(d.profile)) return;
      let profile;
      try {
        profile = loadProfile(d.profile, { dirs: config.profileDirs });
      } catch (err) {
        throw invalid(`/devices/${i}/profile`, (err as Error).message, err);
      }
      if (profile.protocol !== 'modbus') throw invalid(`/devices/${i}/profile`, `profile ${profile.id} is for ${profile.protocol}, not modbus`);
      profiles.set(d.profile, profile);
    });
    return profiles;
  }

  private arbiterFor(ctx: ModuleContext, name: string, port: PortConfig, config: ModbusConfig): PortArbiter {
    const serialFactory = this.options.serialFactory ?? openSerialPort;
    return new PortArbiter({
      name,
      open: () => (port.kind === 'rtu'
        ? openRtu(name, { path: port.path, baudRate: port.baudRate, parity: port.parity, dataBits: port.dataBits, stopBits: port.stopBits }, serialFactory)
        : openTcp(name, port.host, port.port, port.connectTimeoutMs)),
      gapMs: portGapMs(port),
      reopen: config.reopen,
      logger: ctx.logger.child({ port: name }),
      onState: () => this.updateHealth(),
    });
  }

  /**
   * Reports health at once when its status, message or a port's or device's state changed (and
   * logs the transition as a health event); otherwise refreshes the counters at most once a second.
   */
  private updateHealth(): void {
    const ctx = this.ctx;
    if (ctx === undefined || ctx.signal.aborted) return;
    const now = performance.now();
    const health = moduleHealth(this.arbiters, this.devices);
    const states: string[] = [...[...this.arbiters.values()].map((a) => a.state), ...this.devices.map((d) => deviceState(d))];
    const key = `${health.status}|${health.message ?? ''}|${states.join(',')}`;
    if (key !== this.lastHealth) {
      const level = health.status === 'ok' ? 'info' : 'warn';
      ctx.logger[level]({ event: 'modbus-health', status: health.status, problems: health.message }, `modbus health ${health.status}`);
      this.lastHealth = key;
    } else if (now - this.healthAt < 1000) {
      return;
    }
    this.healthAt = now;
    ctx.setHealth(health);
  }
}
