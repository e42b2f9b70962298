/**
 * kill -9 while routing: a real process (the built dist/) stores telemetry in a LevelStore hub
 * and routes it to a file sink; it is killed mid-stream, restarted to drain, and every message it
 * acknowledged must be in the sink files, each line whole (duplicates allowed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDist, REPO_ROOT } from '../../test/helpers/hub-process.js';

const TMP = join(REPO_ROOT, 'test', '.tmp', 'routes', `crash-${process.pid}-${Date.now()}`);
const dist = (p: string): string => JSON.stringify(pathToFileURL(join(REPO_ROOT, 'dist', p)).href);

const CHILD = `
import { LevelStore } from ${dist('hub-core/store/level.js')};
import { HubCore } from ${dist('hub-core/core/hub.js')};
import { compileRoutes, createRoutePipeline, FileSink } from ${dist('runtime/routes/index.js')};
const [dir, sinkPath, mode] = process.argv.slice(2);
const store = new LevelStore(dir);
const hub = await HubCore.create({ store, hostName: 'gw.test' });
try { await hub.registry.createDevice({ deviceId: 'leaf' }); } catch { /* exists after a restart */ }
const router = compileRoutes({ all: 'FROM /* INTO Sink("file")' }, { sinkNames: ['file'] });
const sink = await FileSink.open({ path: sinkPath, maxBytes: 64 * 1024, maxFiles: 1000 });
const pipeline = createRoutePipeline({ telemetry: hub.telemetry, router, store: store.sublevel('routes'), targetFor: () => sink, batchSize: 64 });
await pipeline.start();
if (mode === 'produce') {
  for (let n = 0; ; ) {
    const sent = await Promise.all(Array.from({ length: 20 }, () => hub.telemetry.append({ deviceId: 'leaf' },
      { body: Buffer.from(JSON.stringify({ n: n++ })), system: { contentType: 'application/json' }, properties: {} })));
    process.stdout.write('acked ' + Math.max(...sent.map((m) => m.seq)) + ' routed ' + pipeline.status().checkpoint + '\\n');
  }
} else {
  const last = hub.telemetry.lastSeq();
  while (pipeline.status().checkpoint < last) await new Promise((r) => setTimeout(r, 5));
  process.stdout.write('drained ' + last + '\\n');
  await pipeline.close();
  await sink.close();
  await hub.close();
  await store.close();
}
`;

interface Run {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

function run(script: string, args: string[]): Run {
  const child = spawn(process.execPath, [script, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    if (code !== 0 && code !== null) console.error(stderr);
    resolve(code);
  }));
  return { child, lines, exited };
}

async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const numberAfter = (line: string | undefined, word: string): number => Number(new RegExp(`${word} (\\d+)`).exec(line ?? '')?.[1] ?? 0);

describe('route pipeline after kill -9', () => {
  const script = join(TMP, 'child.mjs');
  beforeAll(() => {
    ensureDist();
    mkdirSync(TMP, { recursive: true });
    writeFileSync(script, CHILD);
  }, 240_000);
  afterAll(() => rmSync(TMP, { recursive: true, force: true }));

  it('routes every acknowledged message to the sink, each line whole', async () => {
    const db = join(TMP, 'db');
    const sinkDir = join(TMP, 'sink');
    const sinkPath = join(sinkDir, 'out.jsonl');
    const producer = run(script, [db, sinkPath, 'produce']);
    try {
      // Kill while the pipeline is behind the producer, so a batch is likely in flight.
      await until(() => numberAfter(producer.lines.at(-1), 'acked') >= 4000 && numberAfter(producer.lines.at(-1), 'routed') > 0, 'the producer');
    } finally {
      producer.child.kill('SIGKILL');
    }
    await producer.exited;
    const acked = Math.max(...producer.lines.map((l) => numberAfter(l, 'acked')));

    const drainer = run(script, [db, sinkPath, 'drain']);
    expect(await drainer.exited).toBe(0);
    const drained = numberAfter(drainer.lines.find((l) => l.startsWith('drained')), 'drained');
    expect(drained).toBeGreaterThanOrEqual(acked);

    const seen = new Set<number>();
    let lines = 0;
    for (const name of readdirSync(sinkDir)) {
      const text = readFileSync(join(sinkDir, name), 'utf8');
      if (text !== '') expect(text.endsWith('\n')).toBe(true);
      for (const line of text.split('\n')) {
        if (line === '') continue;
        const parsed = JSON.parse(line) as { seq: number; body: string };
        expect(JSON.parse(parsed.body)).toHaveProperty('n');
        seen.add(parsed.seq);
        lines++;
      }
    }
    const missing: number[] = [];
    for (let seq = 1; seq <= drained; seq++) if (!seen.has(seq)) missing.push(seq);
    expect(missing).toEqual([]);
    expect(lines).toBeGreaterThanOrEqual(drained);
    expect(existsSync(sinkPath)).toBe(true);
  }, 120_000);
});
