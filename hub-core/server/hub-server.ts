/**
 * The hub server: the composition root of a running hub. It opens the store, creates the core,
 * makes sure the TLS material exists, starts the protocol heads in order (mqtt, amqp, https) and closes
 * everything in reverse (edgeHub's OrderedProtocolHead). MQTT and AMQP over WebSockets ride on
 * the HTTPS port through the WebSocket bridge. Process concerns (signals, stdout, exit
 * codes) belong to the CLI; this module only throws coded errors.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FileUploadOptions, HubCoreApi, HubLimits } from '../core/api.js';
import { HubCore } from '../core/hub.js';
import { connectionString } from '../core/sas.js';
import { HubError, isHubError } from '../errors.js';
import type { HeadOptions, ProtocolHead } from '../heads/head.js';
import { createAmqpHead } from '../heads/amqp/index.js';
import { createHttpsHead } from '../heads/https/index.js';
import type { RouteDef } from '../heads/https/route.js';
import { createMqttHead } from '../heads/mqtt/index.js';
import { createWebSocketBridge, type StreamHead } from '../heads/ws/index.js';
import { childLogger, type Logger } from '../log.js';
import { LevelStore } from '../store/level.js';
import type { BatchOp, Store } from '../store/store.js';
import { ensureHubCertificates, type HubCertificates } from '../tls/index.js';
import { removeHubInfo, writeHubInfo, type HubInfo } from './hub-info.js';
import { describeListenError } from './listen-error.js';

/** What the server needs; runtime's HubConfig has this shape. Paths should be absolute. */
export interface HubServerConfig {
  readonly hostName: string;
  readonly dataDir: string;
  readonly bindAddress: string;
  readonly mqtt: { readonly port: number };
  readonly amqp: { readonly port: number };
  readonly https: { readonly port: number };
  readonly durability?: 'process' | 'power';
  readonly limits?: Partial<HubLimits>;
  /** File upload; the blob folder defaults to `{dataDir}/uploads`. */
  readonly fileUpload?: Readonly<Partial<FileUploadOptions>>;
  readonly tls?: {
    readonly caCertFile?: string;
    readonly caKeyFile?: string;
    readonly serverCertFile?: string;
    readonly serverKeyFile?: string;
    readonly extraNames?: readonly string[];
  };
}

/** What a role adds to the hub server (the gateway: its health route). */
export interface HubServerExtras {
  /** More HTTPS routes (e.g. `GET /fieldhub/v1/gateway`), authorised like the built-in ones. */
  readonly httpsRoutes?: readonly RouteDef[];
}

/** A running hub. */
export interface HubServer {
  readonly core: HubCoreApi;
  /** The root store (open until close()); the gateway keeps its outbox and checkpoints in sublevels. */
  readonly store: Store;
  /** Atomic write of ops on `store`'s sublevels through the core's group commit (see HubCore.commit). */
  commit(ops: BatchOp[]): Promise<void>;
  readonly certificates: HubCertificates;
  /** What was written to `DIR/hub.json`. */
  readonly info: HubInfo;
  readonly infoFile: string;
  /** Where each head listens. */
  readonly addresses: { mqtt: { host: string; port: number }; amqp: { host: string; port: number }; https: { host: string; port: number } };
  /** Closes heads (reverse order), core and store; removes hub.json. Idempotent. */
  close(): Promise<void>;
}

/** Each close step is capped, so one stuck head cannot keep the process from exiting. */
const CLOSE_STEP_MS = 10_000;

async function capped(step: string, fn: () => Promise<void>, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), CLOSE_STEP_MS); });
  try {
    const outcome = await Promise.race([fn().then(() => 'done' as const), timeout]);
    if (outcome === 'timeout') log.warn({ event: 'closeTimeout', step, ms: CLOSE_STEP_MS }, `closing ${step} timed out`);
  } catch (err) {
    log.warn({ event: 'closeFailed', step, err }, `closing ${step} failed`);
  } finally {
    clearTimeout(timer);
  }
}

/** A head with `handle(stream)`: it can serve connections the WebSocket bridge accepted. */
function isStreamHead(head: ProtocolHead): head is ProtocolHead & StreamHead {
  return typeof (head as Partial<StreamHead>).handle === 'function';
}

async function openStore(dataDir: string): Promise<Store> {
  const location = join(dataDir, 'store');
  // The store holds device keys: only the owner may read it.
  mkdirSync(location, { recursive: true, mode: 0o700 });
  const store = new LevelStore(location);
  try {
    await store.open();
  } catch (err) {
    if (isHubError(err, 'FH_STORE_LOCKED')) {
      throw new HubError('FH_STORE_LOCKED',
        `another hub is running on the data folder ${dataDir} (its store is locked): stop it, or use another --data-dir`, { cause: err });
    }
    throw err;
  }
  return store;
}

/**
 * Starts a hub on `config.dataDir`. Rejects with FH_STORE_LOCKED (another hub on the folder),
 * FH_CERT_INVALID (TLS files), FH_LISTEN_FAILED (a port, naming its flag and config key); on
 * failure everything already opened is closed again.
 */
export async function startHubServer(config: HubServerConfig, logger: Logger, extras: HubServerExtras = {}): Promise<HubServer> {
  const log = childLogger(logger, 'server');
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const undo: { step: string; fn: () => Promise<void> }[] = [];
  const unwind = async (): Promise<void> => {
    for (const { step, fn } of undo.splice(0).reverse()) await capped(step, fn, log);
  };

  try {
    const store = await openStore(dataDir);
    undo.push({ step: 'store', fn: () => store.close() });

    const tls = config.tls ?? {};
    const certificates = await ensureHubCertificates({
      dir: dataDir, hostName: config.hostName, logger: childLogger(logger, 'tls'),
      ...(tls.extraNames ? { extraNames: tls.extraNames } : {}),
      ...(tls.caCertFile ? { caCertFile: tls.caCertFile } : {}),
      ...(tls.caKeyFile ? { caKeyFile: tls.caKeyFile } : {}),
      ...(tls.serverCertFile ? { serverCertFile: tls.serverCertFile } : {}),
      ...(tls.serverKeyFile ? { serverKeyFile: tls.serverKeyFile } : {}),
    });

    const core = await HubCore.create({
      store, hostName: config.hostName, durability: config.durability ?? 'process', limits: config.limits ?? {},
      files: { ...config.fileUpload, dir: resolve(dataDir, config.fileUpload?.dir ?? 'uploads') },
    });
    undo.push({ step: 'core', fn: () => core.close() });

    // `/$iothub/websocket` upgrades on the HTTPS port go to the head of their subprotocol: every
    // head that serves streams (mqtt, amqp) is registered with the bridge as it starts.
    const bridge = createWebSocketBridge({ logger: childLogger(logger, 'heads:ws') });
    const heads: [ProtocolHead['name'], number, (o: HeadOptions) => ProtocolHead][] = [
      ['mqtt', config.mqtt.port, createMqttHead],
      ['amqp', config.amqp.port, createAmqpHead],
      ['https', config.https.port, (o) => createHttpsHead({
        ...o, onUpgrade: (req, socket, head) => bridge.handleUpgrade(req, socket, head), ...(extras.httpsRoutes ? { extraRoutes: extras.httpsRoutes } : {}),
      })],
    ];
    const addresses: Record<string, { host: string; port: number }> = {};
    for (const [name, port, create] of heads) {
      const head = create({
        core, tls: certificates.tls, host: config.bindAddress, port,
        logger: childLogger(logger, `heads:${name}`), store: store.sublevel(`${name}-head`),
      });
      try {
        await head.start();
      } catch (err) {
        // A head that failed to listen may still hold half-made state; close is idempotent.
        await capped(`${name} head`, () => head.close(), log);
        throw describeListenError(err, name, config.bindAddress, port);
      }
      undo.push({ step: `${name} head`, fn: () => head.close() });
      addresses[name] = head.address();
      if ((name === 'mqtt' || name === 'amqp') && isStreamHead(head)) bridge.serve(name, head);
      // Closed before the HTTPS head (undo runs in reverse): its close() waits for upgraded sockets.
      if (name === 'https') undo.push({ step: 'websocket bridge', fn: () => bridge.close() });
    }

    const owner = core.auth.policies().find((p) => p.keyName === 'iothubowner');
    if (!owner) throw new HubError('FH_INTERNAL', 'the hub core has no iothubowner policy');
    const info: HubInfo = {
      hostName: config.hostName,
      ports: { mqtt: addresses.mqtt!.port, https: addresses.https!.port, amqp: addresses.amqp!.port },
      bindAddress: config.bindAddress,
      caFile: certificates.paths.caCert,
      ownerConnectionString: connectionString({
        HostName: config.hostName, SharedAccessKeyName: owner.keyName, SharedAccessKey: owner.primaryKey,
      }),
      pid: process.pid,
      startedAt: new Date().toISOString(),
    };
    const infoFile = writeHubInfo(dataDir, info);
    log.info({ event: 'hubReady', hostName: info.hostName, ports: info.ports, bindAddress: info.bindAddress }, 'hub ready');

    let closing: Promise<void> | undefined;
    return {
      core, store, certificates, info, infoFile,
      commit: (ops) => core.commit(ops),
      addresses: { mqtt: addresses.mqtt!, amqp: addresses.amqp!, https: addresses.https! },
      close(): Promise<void> {
        closing ??= (async () => {
          removeHubInfo(dataDir, process.pid);
          await unwind();
          log.info({ event: 'hubClosed' }, 'hub closed');
        })();
        return closing;
      },
    };
  } catch (err) {
    await unwind();
    throw err;
  }
}
