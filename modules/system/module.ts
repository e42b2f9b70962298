/**
 * The system module (type `system`): samples the board's health every `intervalS` and publishes it
 * as JSON on output `metrics` (telemetry of the module identity `{gateway, system}`; routes take it
 * upstream), writes the static facts (OS, CPU model, memory, hostname, versions) to its module
 * twin's reported properties at start, and a health summary there every `reportedIntervalS`.
 * A sample or publish that fails makes the module `degraded`, never failed: the next tick retries.
 */
import type { FieldhubModule, JsonObject, ModuleContext } from '../../runtime/modules/api.js';
import type { SystemConfig } from './manifest.js';
import { SystemSampler, type SystemSample } from './sampler.js';

/** The summary kept in reported properties (`health`); absent parts are left out. */
export function healthSummary(sample: SystemSample): JsonObject {
  const summary: JsonObject = {
    time: sample.time,
    cpuLoadPercent: sample.cpu.loadPercent,
    memoryUsedPercent: sample.memory.usedPercent,
    uptimeS: sample.uptimeS,
    processRssBytes: sample.process.rssBytes,
  };
  if (sample.cpu.temperatureC !== undefined) summary.cpuTemperatureC = sample.cpu.temperatureC;
  if (sample.disk !== undefined) summary.diskUsedPercent = sample.disk.usedPercent;
  if (sample.throttling !== undefined) summary.throttling = { ...sample.throttling };
  return summary;
}

export class SystemModule implements FieldhubModule {
  private ctx: ModuleContext | undefined;
  private sampler: SystemSampler | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private latest: SystemSample | undefined;
  private inFlight: Promise<void> | undefined;

  async start(ctx: ModuleContext): Promise<void> {
    this.ctx = ctx;
    const config = ctx.config as SystemConfig;
    this.sampler = await SystemSampler.create(ctx.dataDir);
    try {
      const facts = await this.sampler.facts();
      await ctx.updateReported({ ...(facts as unknown as JsonObject), config: { intervalS: config.intervalS, reportedIntervalS: config.reportedIntervalS } });
    } catch (err) {
      ctx.logger.warn({ event: 'system-facts-failed', err: (err as Error).message }, 'could not report the static facts');
    }
    // The first sample at start: a board that cannot be read shows up at once, and we learn what a sample costs here.
    await this.tick();
    if (this.latest !== undefined) ctx.logger.info({ event: 'system-sample', sampleMs: this.latest.sampleMs }, 'first system sample');
    await this.report();
    this.every(config.intervalS * 1000, () => this.tick());
    this.every(config.reportedIntervalS * 1000, () => this.report());
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.inFlight;
  }

  /** Runs `fn` every `ms` after the previous run ended (runs never overlap), until the signal aborts. */
  private every(ms: number, fn: () => Promise<void>): void {
    const signal = this.ctx!.signal;
    const arm = (): void => {
      if (signal.aborted) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void fn().finally(arm);
      }, ms);
      timer.unref();
      this.timers.add(timer);
    };
    arm();
  }

  /** One sample, published on `metrics`. */
  private tick(): Promise<void> {
    const run = async (): Promise<void> => {
      const ctx = this.ctx!;
      if (ctx.signal.aborted) return;
      try {
        const sample = await this.sampler!.sample();
        this.latest = sample;
        ctx.logger.debug({ event: 'system-sample', sampleMs: sample.sampleMs }, 'system sample');
        await ctx.publish('metrics', { body: sample, contentType: 'application/json' });
        ctx.setHealth({ status: 'ok', details: { sampleMs: sample.sampleMs } });
      } catch (err) {
        if (ctx.signal.aborted) return;
        ctx.logger.warn({ event: 'system-sample-failed', err: (err as Error).message }, 'system sample not published');
        ctx.setHealth({ status: 'degraded', message: `sample not published: ${(err as Error).message}` });
      }
    };
    this.inFlight = run();
    return this.inFlight;
  }

  /** The latest sample's summary into reported properties (`health`). */
  private async report(): Promise<void> {
    const ctx = this.ctx!;
    if (this.latest === undefined || ctx.signal.aborted) return;
    try {
      await ctx.updateReported({ health: healthSummary(this.latest) });
    } catch (err) {
      if (!ctx.signal.aborted) ctx.logger.warn({ event: 'system-report-failed', err: (err as Error).message }, 'health summary not reported');
    }
  }
}
