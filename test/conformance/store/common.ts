/**
 * Shared types and helpers of the store conformance suite (after abstract-level's test/common).
 */
import { expect, type test as vitestTest } from 'vitest';
import type { Store } from '../../../hub-core/store/store.js';

/** vitest's `test`, handed to every feature file. */
export type Test = typeof vitestTest;

/** What a backend declares it supports; sections of the suite are gated on it. */
export interface Supports {
  /** Data survives closing and opening a new instance on the same location. */
  persistence: boolean;
}

/** How a backend plugs into the suite. */
export interface Common {
  /** A new, not yet opened store (the suite opens and closes it). */
  factory: () => Promise<Store>;
  supports: Supports;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** UTF-8 bytes of `s`. */
export function utf8(s: string): Uint8Array {
  return enc.encode(s);
}

/** The string in UTF-8 `bytes` (undefined stays undefined). */
export function text(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : dec.decode(bytes);
}

/** A new store, already opened. */
export async function openFresh(common: Common): Promise<Store> {
  const db = await common.factory();
  await db.open();
  return db;
}

/** Drains an async iterator into an array. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of it) out.push(item);
  return out;
}

/** Asserts that `promise` rejects with a hub error of `code` (codes are API, messages are not). */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const err: unknown = await promise.then(
    () => new Error(`expected rejection with ${code}, but it resolved`),
    (e: unknown) => e,
  );
  expect((err as { code?: unknown }).code, String(err)).toBe(code);
}

/** Puts `key` → utf8(value) for each pair, one put at a time. */
export async function fill(db: Store, entries: [string, string][]): Promise<void> {
  for (const [k, v] of entries) await db.put(k, utf8(v));
}
