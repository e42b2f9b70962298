/**
 * Runs outbox-child.mjs (the real Outbox from dist/ on a LevelStore) as a separate `node`
 * process, reads its "ack"/"acked" lines as they come, and SIGKILLs it (by its own PID) once
 * enough resolved: after the approach of test/conformance/store (crash-writer.mjs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureDist, REPO_ROOT } from '../../helpers/hub-process.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'outbox-child.mjs');

/** dist/ as a folder URL (built first when sources are newer). */
export function distUrl(): string {
  ensureDist();
  return pathToFileURL(join(REPO_ROOT, 'dist') + '/').href;
}

export interface KilledRun {
  /** The seqs of every line of the counted kind, in print order. */
  resolved: number[];
  /** The seqs of every line of any kind, by the line's first word. */
  lines: Map<string, number[]>;
  /** How the child ended: 'SIGKILL' when killed mid-stream. */
  signal: string | null;
}

const children = new Set<ChildProcess>();

/** Kills every child still running (afterEach: also after a timed-out test). */
export function killLeftovers(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

/**
 * Starts the child in `mode` on `folder`, collects the seqs of lines starting with `prefix`, and
 * kills it with SIGKILL once `target` seqs resolved. Rejects when it exits on its own first.
 */
export async function runAndKill(dist: string, folder: string, mode: 'append' | 'drain', prefix: string, target: number): Promise<KilledRun> {
  const child = spawn(process.execPath, [SCRIPT, dist, folder, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const resolved: number[] = [];
  const byKind = new Map<string, number[]>();
  let buffered = '';
  let stderr = '';
  let killed = false;
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Lines keep being read after the kill: the pipe still holds what the child wrote before it
  // died, and every one of those resolved too.
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!; // a partial last line is not a resolution
    for (const line of lines) {
      const [kind, ...seqs] = line.split(' ');
      if (seqs.length === 0) continue;
      const list = byKind.get(kind!) ?? [];
      list.push(...seqs.map(Number));
      byKind.set(kind!, list);
      if (kind === prefix) resolved.push(...seqs.map(Number));
    }
    if (!killed && resolved.length >= target) {
      killed = true;
      child.kill('SIGKILL');
    }
  });
  // 'close': exited and its stdout fully read.
  const signal = await new Promise<string | null>((resolve) => child.once('close', (_code, sig) => resolve(sig)));
  if (!killed) throw new Error(`outbox child exited on its own (signal ${signal}) after ${resolved.length} resolved: ${stderr}`);
  return { resolved, lines: byKind, signal };
}
