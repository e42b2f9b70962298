/**
 * The system module against this machine: real samples (values present, types sane) and the
 * module under a real module host and hub core (telemetry on `metrics`, reported properties).
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestHub } from '../../hub-core/core/test-kit.js';
import { silentLogger } from '../../hub-core/log.js';
import { ModuleHost } from '../../runtime/modules/module-host.js';
import { validateModuleConfigs } from '../../runtime/modules/module-configs.js';
import { factories } from '../index.js';
import { SystemSampler, type SystemSample } from './sampler.js';
import { findVcgencmd } from './throttling.js';

const dataDir = resolve('test/.tmp/modules', `system-${process.pid}`);
mkdirSync(dataDir, { recursive: true });
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const percent = (n: number): boolean => typeof n === 'number' && n >= 0 && n <= 100;

function expectSane(s: SystemSample): void {
  expect(Number.isNaN(Date.parse(s.time))).toBe(false);
  expect(s.sampleMs).toBeGreaterThanOrEqual(0);
  expect(percent(s.cpu.loadPercent)).toBe(true);
  expect(s.cpu.loadAverage).toHaveLength(3);
  if (s.cpu.temperatureC !== undefined) expect(s.cpu.temperatureC).toBeGreaterThan(-50);
  expect(s.memory.totalBytes).toBeGreaterThan(0);
  expect(s.memory.usedBytes).toBeLessThanOrEqual(s.memory.totalBytes);
  expect(s.memory.availableBytes + s.memory.usedBytes).toBe(s.memory.totalBytes);
  expect(percent(s.memory.usedPercent)).toBe(true);
  expect(s.disk).toBeDefined();
  expect(s.disk!.path).toBe(dataDir);
  expect(s.disk!.totalBytes).toBeGreaterThan(0);
  expect(s.disk!.usedBytes + s.disk!.availableBytes).toBeLessThanOrEqual(s.disk!.totalBytes);
  expect(percent(s.disk!.usedPercent)).toBe(true);
  for (const [name, net] of Object.entries(s.network)) {
    expect(name).not.toBe('lo');
    expect(net.addresses.length).toBeGreaterThan(0);
    for (const a of net.addresses) expect(a).toMatch(/^[0-9a-f.:]+\/\d+$/i);
    if (net.rxBytes !== undefined) expect(Number.isInteger(net.rxBytes)).toBe(true);
    if (net.txBytes !== undefined) expect(Number.isInteger(net.txBytes)).toBe(true);
  }
  expect(s.uptimeS).toBeGreaterThan(0);
  expect(s.process.rssBytes).toBeGreaterThan(0);
}

describe('system sampler on this machine', () => {
  it('samples CPU, memory, disk, network and uptime with sane values; throttling only where vcgencmd exists', async () => {
    const sampler = await SystemSampler.create(dataDir);
    const first = await sampler.sample();
    const second = await sampler.sample();
    expectSane(first);
    expectSane(second);
    // This machine's interfaces are reported by name (the loopback excluded).
    const external = Object.entries(os.networkInterfaces()).filter(([, a]) => (a ?? []).some((x) => !x.internal)).map(([n]) => n);
    expect(Object.keys(first.network).sort()).toEqual(external.sort());
    if (process.platform === 'linux' && external.length > 0) expect(first.network[external[0]!]!.rxBytes).toBeTypeOf('number');
    if ((await findVcgencmd()) === undefined) expect(first.throttling).toBeUndefined();
    else expect(first.throttling?.raw).toMatch(/^0x/);
    // Not a speed assertion: one sample completes, and this is what it cost here.
    console.info(`system sample took ${first.sampleMs} ms, then ${second.sampleMs} ms`);
  });

  it('reads the static facts', async () => {
    const facts = await (await SystemSampler.create(dataDir)).facts();
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(facts).toMatchObject({ hostname: os.hostname(), memoryTotalBytes: os.totalmem(), fieldhubVersion: pkg.version, nodeVersion: process.version });
    expect(facts.os.platform).toBe(process.platform);
    expect(facts.os.kernel).toBe(os.release());
    expect(facts.cpu.cores).toBe(os.cpus().length);
    expect(facts.cpu.brand.length).toBeGreaterThan(0);
  });
});

describe('system module under the module host', () => {
  it('validates its config', () => {
    expect(validateModuleConfigs({ system: { type: 'system', config: { intervalS: 0, x: 1 } } }, factories).map((e) => e.path).sort())
      .toEqual(['/modules/system/config/intervalS', '/modules/system/config/x']);
    expect(validateModuleConfigs({ system: { type: 'system' } }, factories)).toEqual([]);
  });

  it('publishes samples on output metrics and reports facts and a health summary', async () => {
    const t = await createTestHub();
    const host = ModuleHost.create({ core: t.hub, gatewayDeviceId: 'gw', factories, dataDir, logger: silentLogger() });
    try {
      await host.start({ sys: { type: 'system', config: { intervalS: 1 } } });
      expect(host.status().sys).toMatchObject({ state: 'running', health: { status: 'ok' } });
      const twin = await t.hub.twins.get({ deviceId: 'gw', moduleId: 'sys' });
      const reported = twin.properties.reported as Record<string, unknown>;
      expect(reported).toMatchObject({ hostname: os.hostname(), config: { intervalS: 1, reportedIntervalS: 3600 }, health: { uptimeS: expect.any(Number) } });
      // The first sample is sent at start, the next one interval later.
      const samples: SystemSample[] = [];
      const deadline = Date.now() + 10_000;
      while (samples.length < 2 && Date.now() < deadline) {
        samples.length = 0;
        for await (const m of t.hub.telemetry.read({ deviceId: 'gw' })) {
          expect(m.moduleId).toBe('sys');
          expect(m.message.system).toMatchObject({ outputName: 'metrics', contentType: 'application/json', connectionModuleId: 'sys' });
          samples.push(JSON.parse(Buffer.from(m.message.body).toString('utf8')) as SystemSample);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(samples.length).toBeGreaterThanOrEqual(2);
      for (const s of samples) expect(s.disk?.path).toBe(resolve(dataDir, 'sys'));
    } finally {
      await host.stop();
      await t.hub.close();
    }
    expect(host.status().sys!.state).toBe('stopped');
  });
});
