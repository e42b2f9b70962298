/**
 * The serial module (type `serial`): one {@link PortRunner} per configured port (its line kept
 * open and reopened when lost, its bytes framed and parsed) and one {@link SerialDevice} per
 * device on it (a hub identity fed by the port's parsed frames, with `write` and the named
 * commands as direct methods). Config problems the schema cannot see fail the start with
 * FH_CONFIG_INVALID and the JSON path (port-plan.ts); a port that cannot be opened does not: it is
 * retried in the background and shown in the health (health.ts), which is refreshed at once on
 * port state changes and at most every second for counters.
 */
import type { FieldhubModule, ModuleContext } from '../../runtime/modules/api.js';
import { realClock, type Clock, type TimerHandle } from './clock.js';
import type { SerialConfig } from './config.js';
import { createFramer } from './framing/create-framer.js';
import { serialHealth, type PortEntry } from './health.js';
import { planPorts } from './port-plan.js';
import { PortRunner } from './port-runner.js';
import { SerialDevice } from './serial-device.js';
import { openSerialPort, type SerialFactory } from './serial-link.js';

export interface SerialModuleOptions {
  /** Opens serial devices (default: the `serialport` package). */
  readonly factory?: SerialFactory;
  /** Default: real time. */
  readonly clock?: Clock;
}

const HEALTH_REFRESH_MS = 1000;

export class SerialModule implements FieldhubModule {
  private ports: PortEntry[] = [];
  private ctx: ModuleContext | undefined;
  private readonly clock: Clock;
  private healthTimer: TimerHandle | undefined;
  private lastHealth = '';
  private stopped = false;

  constructor(private readonly options: SerialModuleOptions = {}) {
    this.clock = options.clock ?? realClock;
  }

  async start(ctx: ModuleContext): Promise<void> {
    this.ctx = ctx;
    const config = ctx.config as SerialConfig;
    const plans = planPorts(config, this.clock);
    for (const plan of plans) {
      const name = plan.config.name;
      const logger = ctx.logger.child({ port: name });
      const runner = new PortRunner({
        name, settings: plan.settings, parser: plan.parser, factory: this.options.factory ?? openSerialPort, clock: this.clock,
        reopen: config.reopen, maxPendingWrites: config.maxPendingWrites, logger,
        makeFramer: (sink) => createFramer(plan.config.framing, plan.fallbackDelimiter, sink, this.clock),
        onChange: (what) => (what === 'state' ? this.updateHealth() : this.healthSoon()),
      });
      const devices = plan.devices.map((d) => new SerialDevice({
        config: d.config, profile: d.profile, port: runner, mode: plan.config.telemetry, delimiter: plan.delimiter,
        commands: plan.config.commands, maxPendingTelemetry: config.maxPendingTelemetry, clock: this.clock,
        logger: logger.child({ deviceId: d.config.deviceId }),
      }));
      this.ports.push({ runner, path: plan.settings.path, devices });
    }
    for (const { devices } of this.ports) for (const d of devices) await d.start(ctx);
    await Promise.all(this.ports.map((p) => p.runner.start()));
    this.updateHealth();
    ctx.logger.info({ event: 'serial-started', ports: this.ports.length, devices: this.ports.reduce((n, p) => n + p.devices.length, 0) }, 'serial module started');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.healthTimer?.cancel();
    this.healthTimer = undefined;
    await Promise.allSettled(this.ports.flatMap((p) => p.devices.map((d) => d.stop())));
    await Promise.allSettled(this.ports.map((p) => p.runner.close()));
  }

  /** Refreshes the health within a second (counters moved). */
  private healthSoon(): void {
    if (this.healthTimer !== undefined || this.stopped) return;
    this.healthTimer = this.clock.setTimeout(() => {
      this.healthTimer = undefined;
      this.updateHealth();
    }, HEALTH_REFRESH_MS);
  }

  /** Reports health, and logs status transitions as health events. */
  private updateHealth(): void {
    const ctx = this.ctx;
    if (ctx === undefined || ctx.signal.aborted || this.stopped) return;
    const health = serialHealth(this.ports, this.clock);
    const key = `${health.status}|${health.message ?? ''}`;
    if (key !== this.lastHealth) {
      const level = health.status === 'ok' ? 'info' : 'warn';
      ctx.logger[level]({ event: 'serial-health', status: health.status, problems: health.message }, `serial health ${health.status}`);
      this.lastHealth = key;
    }
    ctx.setHealth(health);
  }
}
