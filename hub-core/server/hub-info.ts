/**
 * `DIR/hub.json`: how a CLI on the same machine finds the hub running on a data folder (address,
 * ports, the CA to trust and the owner connection string). It holds a key, so it is 0600, and it
 * is removed when the hub stops cleanly; after a crash it stays, and its pid tells it is stale.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../tls/pem.js';

/** The content of `DIR/hub.json`. */
export interface HubInfo {
  /** The hub's host name (HostName in connection strings, SAS `sr`). */
  hostName: string;
  /** The ports the heads listen on (the real ones when 0 was asked for). */
  ports: { mqtt: number; https: number; amqp: number };
  /** The address the heads bind. */
  bindAddress: string;
  /** The CA certificate clients must trust (absolute path). */
  caFile: string;
  /** `HostName=…;SharedAccessKeyName=iothubowner;SharedAccessKey=…` */
  ownerConnectionString: string;
  /** The hub's process id. */
  pid: number;
  /** ISO time the hub became ready. */
  startedAt: string;
}

/** The path of hub.json in a data folder. */
export function hubInfoPath(dataDir: string): string {
  return join(dataDir, 'hub.json');
}

/** Writes hub.json (mode 0600, atomically: a reader never sees half a file). */
export function writeHubInfo(dataDir: string, info: HubInfo): string {
  const path = hubInfoPath(dataDir);
  writeFileAtomic(path, `${JSON.stringify(info, null, 2)}\n`, 0o600);
  return path;
}

/** Reads hub.json, or undefined when absent. Throws SyntaxError when it is not JSON. */
export function readHubInfo(dataDir: string): HubInfo | undefined {
  const path = hubInfoPath(dataDir);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as HubInfo;
}

/** Removes hub.json when it still describes process `pid` (never another hub's file). */
export function removeHubInfo(dataDir: string, pid: number): void {
  try {
    if (readHubInfo(dataDir)?.pid === pid) rmSync(hubInfoPath(dataDir), { force: true });
  } catch {
    // A damaged file is not ours to judge; leave it.
  }
}
