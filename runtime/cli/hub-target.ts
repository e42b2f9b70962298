/**
 * Which hub a client command talks to, and how: from `DIR/hub.json` of a hub on this machine
 * (`--data-dir`), or from an owner/service policy connection string (`--hub`). Without either,
 * the data folders of `fieldhub start` (./data) and `fieldhub hub` (./hub-data) are tried.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseConnectionString } from '../../hub-core/core/sas.js';
import { hubInfoPath, readHubInfo, type HubInfo } from '../../hub-core/server/hub-info.js';
import { RuntimeError } from '../errors.js';
import { ROLE_DEFAULTS } from '../config/hub-config.js';

/** Everything a client needs to reach a hub's service API. */
export interface HubTarget {
  /** The hub's host name: SAS `sr`, HostName in connection strings, the name its certificate must carry. */
  hostName: string;
  /** Where to connect (an address of this machine for `--data-dir`, the host name for `--hub`). */
  dialHost: string;
  httpsPort: number;
  /** The MQTT port, when known (from hub.json). */
  mqttPort?: number;
  /** PEM of the CA to trust; undefined = Node's defaults plus NODE_EXTRA_CA_CERTS. */
  ca?: string;
  /** The policy the client signs its tokens with. */
  policy: { keyName: string; key: string };
  /** For messages: where this came from. */
  source: string;
}

/** The flags every client command takes. */
export interface TargetOptions {
  dataDir?: string;
  hub?: string;
  ca?: string;
  httpsPort?: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readCa(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new RuntimeError('FH_CLI_USAGE', `cannot read ${what} ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** The address to dial for a hub bound to `bindAddress` on this machine. */
export function localDialHost(bindAddress: string): string {
  if (bindAddress === '0.0.0.0' || bindAddress === '') return '127.0.0.1';
  if (bindAddress === '::') return '::1';
  return bindAddress;
}

function fromInfo(info: HubInfo, dir: string, options: TargetOptions): HubTarget {
  const cs = parseConnectionString(info.ownerConnectionString);
  const caFile = options.ca ?? info.caFile;
  return {
    hostName: info.hostName,
    dialHost: localDialHost(info.bindAddress),
    httpsPort: options.httpsPort ?? info.ports.https,
    mqttPort: info.ports.mqtt,
    ca: readCa(caFile, 'the hub CA'),
    policy: { keyName: cs.SharedAccessKeyName ?? 'iothubowner', key: cs.SharedAccessKey ?? '' },
    source: hubInfoPath(dir),
  };
}

/** Reads hub.json of `dir`; FH_CLI_NO_HUB when absent or stale. */
export function targetFromDataDir(dir: string, options: TargetOptions = {}): HubTarget {
  const abs = resolve(dir);
  let info: HubInfo | undefined;
  try {
    info = readHubInfo(abs);
  } catch (err) {
    throw new RuntimeError('FH_CLI_NO_HUB', `${hubInfoPath(abs)} is damaged (${(err as Error).message}); restart the hub`, { cause: err });
  }
  if (info === undefined) {
    throw new RuntimeError('FH_CLI_NO_HUB',
      `no hub is running on ${abs} (no ${hubInfoPath(abs)}): start one with \`fieldhub hub --data-dir ${dir}\`, or pass --hub CONNECTION_STRING`);
  }
  if (!alive(info.pid)) {
    throw new RuntimeError('FH_CLI_NO_HUB', `the hub on ${abs} is not running (process ${info.pid} from ${hubInfoPath(abs)} is gone): start it again`);
  }
  return fromInfo(info, abs, options);
}

/** Builds a target from a policy connection string (HostName, SharedAccessKeyName, SharedAccessKey). */
export function targetFromConnectionString(text: string, options: TargetOptions = {}): HubTarget {
  let cs: Record<string, string>;
  try {
    cs = parseConnectionString(text);
  } catch (err) {
    throw new RuntimeError('FH_CLI_USAGE', `--hub: ${(err as Error).message}`, { cause: err });
  }
  const { HostName, SharedAccessKeyName, SharedAccessKey } = cs;
  if (!HostName || !SharedAccessKeyName || !SharedAccessKey) {
    throw new RuntimeError('FH_CLI_USAGE',
      '--hub needs a hub policy connection string: HostName=…;SharedAccessKeyName=…;SharedAccessKey=… (a device connection string does not work here)');
  }
  if (HostName.includes(':') && isIP(HostName) === 0) {
    throw new RuntimeError('FH_CLI_USAGE', `--hub: HostName must not carry a port (${HostName}); pass the port with --https-port`);
  }
  return {
    hostName: HostName,
    dialHost: HostName,
    httpsPort: options.httpsPort ?? 443,
    ...(options.ca !== undefined ? { ca: readCa(options.ca, 'the CA file (--ca)') } : {}),
    policy: { keyName: SharedAccessKeyName, key: SharedAccessKey },
    source: '--hub',
  };
}

/** Resolves the flags of a client command into a target (see the module comment for the order). */
export function resolveTarget(options: TargetOptions, cwd = process.cwd()): HubTarget {
  if (options.hub !== undefined && options.dataDir !== undefined) {
    throw new RuntimeError('FH_CLI_USAGE', 'give either --hub or --data-dir, not both');
  }
  if (options.hub !== undefined) return targetFromConnectionString(options.hub, options);
  if (options.dataDir !== undefined) return targetFromDataDir(options.dataDir, options);
  const candidates = [ROLE_DEFAULTS.gateway.dataDir, ROLE_DEFAULTS.hub.dataDir].map((d) => resolve(cwd, d));
  let stale: unknown;
  for (const dir of candidates) {
    if (!existsSync(hubInfoPath(dir))) continue;
    try {
      return targetFromDataDir(dir, options);
    } catch (err) {
      // A stale or damaged hub.json says more than "nothing found"; another folder may still work.
      stale ??= err;
    }
  }
  if (stale !== undefined) throw stale;
  throw new RuntimeError('FH_CLI_NO_HUB',
    `no running hub found in ${candidates.join(' or ')}: pass --data-dir DIR (the hub's data folder) or --hub CONNECTION_STRING`);
}
