import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test/helpers/hub-process.js';
import type { Message, StoredTelemetry, SystemProperties } from '../../hub-core/core/types.js';
import { FileSink, type FileSinkLine } from './file-sink.js';

const ROOT = join(REPO_ROOT, 'test', '.tmp', 'routes', `file-sink-${process.pid}-${Date.now()}`);
let dirCount = 0;
function freshDir(): string {
  const dir = join(ROOT, String(++dirCount));
  mkdirSync(dir, { recursive: true });
  return dir;
}

afterAll(() => {
  rmSync(ROOT, { recursive: true, force: true });
});

function item(seq: number, body: Uint8Array | string, system: SystemProperties = {}, moduleId?: string, properties: Record<string, string> = {}): StoredTelemetry {
  const message: Message = {
    body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
    system: { enqueuedTime: '2024-01-01T00:00:00.000Z', connectionDeviceId: 'dev1', ...system },
    properties,
  };
  return moduleId === undefined ? { seq, deviceId: 'dev1', message } : { seq, deviceId: 'dev1', moduleId, message };
}

function linesOf(path: string): FileSinkLine[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as FileSinkLine);
}

const seqs = (path: string): number[] => linesOf(path).map((l) => l.seq);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('FileSink lines', () => {
  it('writes one JSON line per message with text or base64 bodies', async () => {
    const path = join(freshDir(), 'out', 'routes.jsonl');
    const sink = await FileSink.open({ path, maxBytes: 1 << 20, maxFiles: 2 });
    const bin = new Uint8Array([0, 1, 2, 255]);
    await sink.deliver([
      item(1, '{"t":21.5}', { contentType: 'application/json', contentEncoding: 'utf-8', messageId: 'm1' }, undefined, { a: 'b' }),
      item(2, 'h\u00e9llo', { contentType: 'text/plain; charset=utf-8' }, 'modbus'),
      item(3, bin, { contentType: 'application/octet-stream' }),
      item(4, new Uint8Array([0x7b, 0xff, 0x7d]), { contentType: 'application/json' }),
      item(5, '{"x":1}', { contentType: 'application/json', contentEncoding: 'utf-16' }),
      item(6, '{"x":1}'),
    ]);
    const lines = linesOf(path);
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(lines[0]).toEqual({
      seq: 1, deviceId: 'dev1', enqueuedTime: '2024-01-01T00:00:00.000Z',
      system: { enqueuedTime: '2024-01-01T00:00:00.000Z', connectionDeviceId: 'dev1', contentType: 'application/json', contentEncoding: 'utf-8', messageId: 'm1' },
      properties: { a: 'b' }, body: '{"t":21.5}', bodyEncoding: 'utf8',
    });
    expect(lines[0]?.moduleId).toBeUndefined();
    expect(lines[1]).toMatchObject({ moduleId: 'modbus', body: 'h\u00e9llo', bodyEncoding: 'utf8' });
    expect(lines[2]).toMatchObject({ body: Buffer.from(bin).toString('base64'), bodyEncoding: 'base64' });
    expect(lines.slice(3).map((l) => l.bodyEncoding)).toEqual(['base64', 'base64', 'base64']);
    expect(Buffer.from(lines[5]?.body ?? '', 'base64').toString()).toBe('{"x":1}');
    expect(sink.stats()).toMatchObject({ path, lines: 6, rotations: 0, bytes: statSync(path).size });
    await sink.close();
  });

  it('appends to an existing file, cutting a torn last line first', async () => {
    const path = join(freshDir(), 'r.jsonl');
    const first = await FileSink.open({ path, maxBytes: 1 << 20, maxFiles: 1 });
    await first.deliver([item(1, 'a', { contentType: 'text/plain' }), item(2, 'b', { contentType: 'text/plain' })]);
    await first.close();
    appendFileSync(path, '{"seq":3,"deviceId":"dev1","bo'); // what kill -9 in the middle of a write leaves
    const second = await FileSink.open({ path, maxBytes: 1 << 20, maxFiles: 1 });
    await second.deliver([item(3, 'c', { contentType: 'text/plain' })]);
    await second.close();
    expect(seqs(path)).toEqual([1, 2, 3]);
  });

  it('cuts a file without any complete line to empty', async () => {
    const path = join(freshDir(), 'r.jsonl');
    writeFileSync(path, 'x'.repeat(200_000)); // longer than the tail chunk it reads back
    const sink = await FileSink.open({ path, maxBytes: 1 << 20, maxFiles: 1 });
    await sink.deliver([item(1, 'a')]);
    await sink.close();
    expect(seqs(path)).toEqual([1]);
  });
});

describe('FileSink rotation', () => {
  it('rotates to name.1 … name.<maxFiles>, keeping every file within maxBytes and the newest lines in order', async () => {
    const path = join(freshDir(), 'r.jsonl');
    const lineBytes = readLineBytes();
    const maxBytes = lineBytes * 4 + 10; // four lines per file
    const sink = await FileSink.open({ path, maxBytes, maxFiles: 2 });
    let seq = 0;
    for (const n of [3, 5, 1, 7, 4]) {
      await sink.deliver(Array.from({ length: n }, () => item(++seq, 'payload', { contentType: 'text/plain' })));
    }
    await sink.close();
    expect(seq).toBe(20);
    for (const p of [path, `${path}.1`, `${path}.2`]) expect(statSync(p).size).toBeLessThanOrEqual(maxBytes);
    expect(existsSync(`${path}.3`)).toBe(false);
    const kept = [...seqs(`${path}.2`), ...seqs(`${path}.1`), ...seqs(path)];
    expect(kept).toEqual(range(20 - kept.length + 1, 20));
    expect(seqs(`${path}.2`)).toHaveLength(4);
    expect(seqs(`${path}.1`)).toHaveLength(4);
    expect(sink.stats().rotations).toBe(4);

    function readLineBytes(): number {
      return Buffer.byteLength(JSON.stringify({
        seq: 10, deviceId: 'dev1', enqueuedTime: '2024-01-01T00:00:00.000Z',
        system: { enqueuedTime: '2024-01-01T00:00:00.000Z', connectionDeviceId: 'dev1', contentType: 'text/plain' },
        properties: {}, body: 'payload', bodyEncoding: 'utf8',
      })) + 1;
    }
  });

  it('gives a line longer than maxBytes a file of its own', async () => {
    const path = join(freshDir(), 'r.jsonl');
    const sink = await FileSink.open({ path, maxBytes: 300, maxFiles: 3 });
    await sink.deliver([item(1, 'a', { contentType: 'text/plain' }), item(2, 'x'.repeat(1000), { contentType: 'text/plain' }), item(3, 'b', { contentType: 'text/plain' })]);
    await sink.close();
    expect(seqs(`${path}.2`)).toEqual([1]);
    expect(seqs(`${path}.1`)).toEqual([2]);
    expect(seqs(path)).toEqual([3]);
  });

  it('fails with FH_SINK_FAILED (retryable) when it cannot rotate, and recovers on retry without a torn or lost line', async () => {
    const path = join(freshDir(), 'r.jsonl');
    const sink = await FileSink.open({ path, maxBytes: 400, maxFiles: 1, fsync: true });
    await sink.deliver([item(1, 'a', { contentType: 'text/plain' })]);
    mkdirSync(`${path}.1`); // rename(path, path.1) now fails
    writeFileSync(join(`${path}.1`, 'block'), 'x');
    const batch = [item(2, 'b'.repeat(150), { contentType: 'text/plain' }), item(3, 'c'.repeat(150), { contentType: 'text/plain' })];
    const err = await sink.deliver(batch).then(() => undefined, (e: unknown) => e as { code?: string; retryable?: boolean });
    expect(err?.code).toBe('FH_SINK_FAILED');
    expect(err?.retryable).toBe(true);
    rmSync(`${path}.1`, { recursive: true });
    await sink.deliver(batch); // the pipeline's retry
    await sink.close();
    // maxFiles 1: line 1 rotated out of existence; 2 and 3 each once, whole.
    expect(seqs(`${path}.1`)).toEqual([2]);
    expect(seqs(path)).toEqual([3]);
  });

  it('refuses to open where the folder cannot be made', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'file'), 'x');
    await expect(FileSink.open({ path: join(dir, 'file', 'r.jsonl'), maxBytes: 100, maxFiles: 1 })).rejects.toMatchObject({ code: 'FH_SINK_FAILED' });
  });

  it('refuses deliveries after close, and bad options', async () => {
    const path = join(freshDir(), 'r.jsonl');
    const sink = await FileSink.open({ path, maxBytes: 100, maxFiles: 1 });
    await sink.close();
    await sink.close();
    await expect(sink.deliver([item(1, 'a')])).rejects.toMatchObject({ code: 'FH_SINK_FAILED' });
    await expect(FileSink.open({ path, maxBytes: 0, maxFiles: 1 })).rejects.toThrow(RangeError);
    await expect(FileSink.open({ path, maxBytes: 10, maxFiles: 0 })).rejects.toThrow(RangeError);
  });
});
