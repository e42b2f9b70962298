/**
 * Live connection state and last activity per identity, kept in memory only: they describe the
 * running process, are written on every connect and message (too hot to persist), and after a
 * restart every identity is honestly "Disconnected" with activity "never" until it shows up again.
 */
import { identityKey } from './ids.js';
import type { ConnectionState, IdentityRef } from './types.js';

/** IoT Hub's "never" timestamp. */
export const NEVER = '0001-01-01T00:00:00Z';

interface Entry {
  connected: boolean;
  stateUpdatedMs: number | undefined;
  lastActivityMs: number | undefined;
}

/** What the registry and twins show about an identity's connection. */
export interface PresenceView {
  connectionState: ConnectionState;
  /** ISO time of the last connect or disconnect, {@link NEVER} when none. */
  connectionStateUpdatedTime: string;
  /** ISO time of the last connect, message or twin operation, {@link NEVER} when none. */
  lastActivityTime: string;
}

function iso(ms: number | undefined): string {
  return ms === undefined ? NEVER : new Date(ms).toISOString();
}

/** Connection state table: written by sessions and telemetry, read by the registry and twins. */
export class Presence {
  private readonly entries = new Map<string, Entry>();
  private connectedTotal = 0;

  private entry(ref: IdentityRef): Entry {
    const key = identityKey(ref);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { connected: false, stateUpdatedMs: undefined, lastActivityMs: undefined };
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Marks `ref` connected at `nowMs` (also counts as activity). */
  connected(ref: IdentityRef, nowMs: number): void {
    const entry = this.entry(ref);
    if (!entry.connected) this.connectedTotal++;
    entry.connected = true;
    entry.stateUpdatedMs = nowMs;
    entry.lastActivityMs = nowMs;
  }

  /** Marks `ref` disconnected at `nowMs`. */
  disconnected(ref: IdentityRef, nowMs: number): void {
    const entry = this.entry(ref);
    if (entry.connected) this.connectedTotal--;
    entry.connected = false;
    entry.stateUpdatedMs = nowMs;
  }

  /** Records activity (a message, a twin operation) at `nowMs`. */
  touch(ref: IdentityRef, nowMs: number): void {
    this.entry(ref).lastActivityMs = nowMs;
  }

  /** Forgets a deleted identity. */
  forget(ref: IdentityRef): void {
    const key = identityKey(ref);
    if (this.entries.get(key)?.connected === true) this.connectedTotal--;
    this.entries.delete(key);
  }

  view(ref: IdentityRef): PresenceView {
    const entry = this.entries.get(identityKey(ref));
    return {
      connectionState: entry?.connected === true ? 'Connected' : 'Disconnected',
      connectionStateUpdatedTime: iso(entry?.stateUpdatedMs),
      lastActivityTime: iso(entry?.lastActivityMs),
    };
  }

  /** Identities connected now. */
  connectedCount(): number {
    return this.connectedTotal;
  }
}
