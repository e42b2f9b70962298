/**
 * How the core writes: every state change goes through one {@link WriteFn}, so the durability
 * level (`process` or `power`) and group commit are decided once, in hub.ts.
 */
import type { BatchOp } from '../store/store.js';

/**
 * Writes `ops` atomically (ops may target sublevels of the root store) and resolves once they are
 * as durable as the hub's durability level requires.
 */
export type WriteFn = (ops: BatchOp[]) => Promise<void>;
