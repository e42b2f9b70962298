/**
 * Reads the board's health cheaply enough to run every minute on a Raspberry Pi: no sample spawns a
 * process except `vcgencmd get_throttled` on boards that have it. systeminformation supplies
 * memory (/proc/meminfo) and the static facts read once at start (osInfo, cpu). Its
 * cpuTemperature (execSync, which blocks the event loop, then `sensors`), fsSize (spawns df),
 * networkStats (a shell per interface) and currentLoad (its first call sleeps 500 ms, and its
 * baseline is process-global) are avoided: CPU load comes from os.cpus() deltas kept here,
 * temperature from /sys/class/thermal, disk use from statfs(2) on the data folder, and byte
 * counters from /sys/class/net/<if>/statistics. A part that cannot be read is left out
 * (undefined), never fatal.
 */
import { readdir, readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import si from 'systeminformation';
import { fieldhubVersion } from '../../runtime/modules/api.js';
import { findVcgencmd, readThrottling, type Throttling } from './throttling.js';

export interface CpuSample {
  /** Busy share of all cores since the previous sample, percent. */
  loadPercent: number;
  /** 1, 5 and 15 minute load averages. */
  loadAverage: number[];
  /** The CPU (or SoC) thermal zone, °C; absent where the board has none. */
  temperatureC?: number;
}

export interface DiskSample {
  /** The folder whose filesystem was measured (the module's data folder). */
  path: string;
  totalBytes: number;
  usedBytes: number;
  /** Available to unprivileged users (what `df` calls Avail). */
  availableBytes: number;
  /** used / (used + available), percent, as `df` computes Use%. */
  usedPercent: number;
}

export interface NetworkSample {
  /** CIDR addresses, IPv4 and IPv6. */
  addresses: string[];
  mac?: string;
  rxBytes?: number;
  txBytes?: number;
}

export interface SystemSample {
  time: string;
  /** How long this sample took to read, ms. */
  sampleMs: number;
  cpu: CpuSample;
  memory: { totalBytes: number; availableBytes: number; usedBytes: number; usedPercent: number };
  disk?: DiskSample;
  /** Non-loopback interfaces with an address, by name. */
  network: Record<string, NetworkSample>;
  /** Seconds since boot. */
  uptimeS: number;
  /** The fieldhub process itself. */
  process: { rssBytes: number; uptimeS: number };
  /** Raspberry Pi firmware throttling; absent where `vcgencmd` is not available. */
  throttling?: Throttling;
}

/** What does not change while running: written once to the module twin. */
export interface StaticFacts {
  hostname: string;
  /** Device-tree model (e.g. `Raspberry Pi 4 Model B Rev 1.4`) where the board has one. */
  boardModel?: string;
  os: { platform: string; distro: string; release: string; codename: string; kernel: string; arch: string };
  cpu: { manufacturer: string; brand: string; cores: number; physicalCores: number; speedGHz: number };
  memoryTotalBytes: number;
  fieldhubVersion: string;
  nodeVersion: string;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

async function readNumber(file: string): Promise<number | undefined> {
  try {
    const n = Number((await readFile(file, 'utf8')).trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** The thermal zone of the CPU or SoC (`cpu-thermal` on a Pi, `x86_pkg_temp` on a PC), else the first. */
async function findThermalZone(root = '/sys/class/thermal'): Promise<string | undefined> {
  let zones: string[];
  try {
    zones = (await readdir(root)).filter((z) => z.startsWith('thermal_zone')).sort();
  } catch {
    return undefined;
  }
  let first: string | undefined;
  for (const zone of zones) {
    const dir = join(root, zone);
    const type = await readFile(join(dir, 'type'), 'utf8').then((t) => t.trim().toLowerCase(), () => undefined);
    if (type === undefined) continue;
    first ??= dir;
    if (/cpu|soc|x86_pkg/.test(type)) return dir;
  }
  return first;
}

/** Busy and total CPU time of all cores so far, ms. */
function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

/** Samples one board; create with {@link SystemSampler.create}. */
export class SystemSampler {
  /** CPU times at the previous sample (or at create): load is measured between samples. */
  private cpuBase = cpuTimes();

  private constructor(
    private readonly dataDir: string,
    private readonly thermalZone: string | undefined,
    private readonly vcgencmd: string | undefined,
  ) {}

  /** Finds the thermal zone and vcgencmd once; the CPU load baseline is taken now. */
  static async create(dataDir: string): Promise<SystemSampler> {
    const [zone, vcgencmd] = await Promise.all([findThermalZone(), findVcgencmd()]);
    return new SystemSampler(dataDir, zone, vcgencmd);
  }

  /** Busy share of all cores since the previous call, percent (since boot when no time passed). */
  private cpuLoad(): number {
    const now = cpuTimes();
    let busy = now.busy - this.cpuBase.busy;
    let total = now.total - this.cpuBase.total;
    if (total <= 0) ({ busy, total } = now);
    this.cpuBase = now;
    return total <= 0 ? 0 : Math.min(100, Math.max(0, round1((busy / total) * 100)));
  }

  async sample(): Promise<SystemSample> {
    const started = performance.now();
    const loadPercent = this.cpuLoad();
    const [mem, temperature, disk, network, throttling] = await Promise.all([
      si.mem(),
      this.thermalZone === undefined ? undefined : readNumber(join(this.thermalZone, 'temp')),
      this.disk(),
      this.network(),
      readThrottling(this.vcgencmd),
    ]);
    const cpu: CpuSample = { loadPercent, loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100) };
    // The kernel reports millidegrees.
    if (temperature !== undefined) cpu.temperatureC = round1(temperature / 1000);
    const usedBytes = mem.total - mem.available;
    const sample: SystemSample = {
      time: new Date().toISOString(),
      sampleMs: 0,
      cpu,
      memory: { totalBytes: mem.total, availableBytes: mem.available, usedBytes, usedPercent: round1((usedBytes / mem.total) * 100) },
      network,
      uptimeS: Math.round(os.uptime()),
      process: { rssBytes: process.memoryUsage.rss(), uptimeS: Math.round(process.uptime()) },
    };
    if (disk !== undefined) sample.disk = disk;
    if (throttling !== undefined) sample.throttling = throttling;
    sample.sampleMs = round1(performance.now() - started);
    return sample;
  }

  /** Static facts (reads /proc/cpuinfo and the os-release files once; a few short processes). */
  async facts(): Promise<StaticFacts> {
    const [osInfo, cpu, model] = await Promise.all([
      si.osInfo(),
      si.cpu(),
      readFile('/proc/device-tree/model', 'utf8').then((m) => m.replace(/\0/g, '').trim(), () => undefined),
    ]);
    const facts: StaticFacts = {
      hostname: os.hostname(),
      os: { platform: osInfo.platform, distro: osInfo.distro, release: osInfo.release, codename: osInfo.codename, kernel: osInfo.kernel, arch: osInfo.arch },
      cpu: { manufacturer: cpu.manufacturer, brand: cpu.brand, cores: cpu.cores, physicalCores: cpu.physicalCores, speedGHz: cpu.speed },
      memoryTotalBytes: os.totalmem(),
      fieldhubVersion: fieldhubVersion(),
      nodeVersion: process.version,
    };
    if (model !== undefined && model !== '') facts.boardModel = model;
    return facts;
  }

  private async disk(): Promise<DiskSample | undefined> {
    try {
      const s = await statfs(this.dataDir);
      const usedBytes = (s.blocks - s.bfree) * s.bsize;
      const availableBytes = s.bavail * s.bsize;
      const usable = usedBytes + availableBytes;
      return {
        path: this.dataDir, totalBytes: s.blocks * s.bsize, usedBytes, availableBytes,
        usedPercent: usable === 0 ? 0 : round1((usedBytes / usable) * 100),
      };
    } catch {
      return undefined;
    }
  }

  private async network(): Promise<Record<string, NetworkSample>> {
    const out: Record<string, NetworkSample> = {};
    const reads: Promise<void>[] = [];
    for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
      const external = (addrs ?? []).filter((a) => !a.internal);
      if (external.length === 0) continue;
      const entry: NetworkSample = { addresses: external.map((a) => a.cidr ?? a.address) };
      const mac = external.find((a) => a.mac !== '00:00:00:00:00:00')?.mac;
      if (mac !== undefined) entry.mac = mac;
      out[name] = entry;
      const stats = join('/sys/class/net', name, 'statistics');
      reads.push(Promise.all([readNumber(join(stats, 'rx_bytes')), readNumber(join(stats, 'tx_bytes'))]).then(([rx, tx]) => {
        if (rx !== undefined) entry.rxBytes = rx;
        if (tx !== undefined) entry.txBytes = tx;
      }));
    }
    await Promise.all(reads);
    return out;
  }
}
